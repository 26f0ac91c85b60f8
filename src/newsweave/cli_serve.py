"""``newsweave serve``: the web app and HTTP API over a database (see ``newsweave.web``).

Kept apart from ``cli.py`` so the CLI does not import FastAPI until this command runs;
``register(app)`` adds the command to the Typer app.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from newsweave.store import DEFAULT_DB

err = Console(stderr=True)
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        db: Annotated[
            Path, typer.Option("--db", envvar="NEWSWEAVE_DB", help="SQLite database file (created when missing).")
        ] = Path(DEFAULT_DB),
        host: Annotated[str, typer.Option(help="Address to listen on. Beyond loopback a token is required.")] = (
            "127.0.0.1"),
        port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
        token: Annotated[
            str | None,
            typer.Option("--token", envvar="NEWSWEAVE_TOKEN", show_envvar=True,
                         help="Writes (POST /api/ingest) need 'Authorization: Bearer TOKEN'."),
        ] = None,
        max_body_bytes: Annotated[int, typer.Option(min=1, help="Largest request body accepted.")] = 5_000_000,
        log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    ) -> None:
        """Serve the web pages and the HTTP API (OpenAPI page at /docs).

        Binds 127.0.0.1 by default. On any other address it refuses to start without a write
        token (--token or NEWSWEAVE_TOKEN), and writes then need that token.
        """
        import uvicorn

        from newsweave.store import StoreError
        from newsweave.web import create_app

        loopback = is_loopback(host)
        if not loopback and not token:
            err.print(
                f"[red]error:[/] refusing to serve on {escape(host)} without a write token: anyone who can reach "
                "this address could add articles. Set NEWSWEAVE_TOKEN or pass --token, or bind 127.0.0.1."
            )
            raise typer.Exit(2)
        try:
            web_app = create_app(
                str(db), token=token, max_body_bytes=max_body_bytes, require_token=not loopback,
                # On loopback, answer only to loopback names: a web page whose domain resolves to
                # 127.0.0.1 (DNS rebinding) must not be able to read the database.
                allowed_hosts=("127.0.0.1", "localhost", "::1", "[::1]") if loopback else None,
            )
        except (StoreError, ValueError) as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from exc
        shown = f"[{host}]" if ":" in host else host
        err.print(f"newsweave: serving {escape(str(db))} on http://{escape(shown)}:{port}/ "
                  f"(API docs: /docs; writes {'need the token' if token else 'open to this machine'})")
        # No proxy headers: behind no proxy, X-Forwarded-For would let any client pick its address.
        uvicorn.run(web_app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=False)
