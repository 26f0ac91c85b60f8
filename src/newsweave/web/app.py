"""The newsweave web app: the HTTP API under ``/api`` and server-rendered pages, one FastAPI app.

``create_app(db_path)`` builds it; ``newsweave serve`` runs it with uvicorn. Nothing here holds
pipeline logic: the API calls ``newsweave.pipeline`` and the Store's read methods.

Security, in one place (``_Guard``): request bodies over the limit are refused before they are
read; on a loopback bind, requests naming another Host are refused (DNS rebinding); writes need
the token when one is set and are refused cross-origin; every error is JSON (HTML for pages)
with a message, and an unexpected exception is logged with its traceback, never sent.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsweave.store import Store
from newsweave.web.context import ReaderPool, WebContext

log = logging.getLogger("newsweave.web")

DEFAULT_MAX_BODY_BYTES = 5_000_000
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]

DESCRIPTION = """
Read corroborated stories over HTTP: articles, stories with their facts, quotes, events,
timeline and cited brief, entities, events (also as CSV), full-text search, and ingestion.

* Lists are paginated: `limit` (1–1000, default 50) and `offset`; the answer is
  `{"items": [...], "total": n, "limit": l, "offset": o}`.
* Dates are ISO 8601 (`since`/`until` take `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, both inclusive).
* Errors are `{"error": "message"}` with the HTTP status (404, 413, 422, 401, 500, ...).
* `POST /api/ingest` needs `Authorization: Bearer TOKEN` when the server has a token
  (always when it listens beyond loopback).
"""


class PayloadTooLarge(StarletteHTTPException):
    """Raised from inside the body stream; an HTTPException so FastAPI passes it through unchanged."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is over the {limit:,}-byte limit")


def create_app(
    db_path: str,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    require_token: bool = False,
    allowed_hosts: Iterable[str] | None = None,
    readers: int = 8,
) -> FastAPI:
    """The app over the database at ``db_path`` (created and migrated when missing).

    ``token``: when set, writes need it. ``require_token``: refuse to build without one (the
    server binds beyond loopback). ``allowed_hosts``: the Host names accepted (None: any).
    """
    if require_token and not token:
        raise ValueError("a write token is required (NEWSWEAVE_TOKEN or --token) when serving beyond loopback")
    if db_path == ":memory:":
        raise ValueError("the web app needs a database file: each connection would see its own :memory: database")
    Store(db_path).close()  # create and migrate once, before readers open it

    from newsweave.web.api import router as api_router
    from newsweave.web.pages import router as pages_router

    ctx = WebContext(
        db_path=db_path,
        token=token or None,
        max_body_bytes=max_body_bytes,
        readers=ReaderPool(db_path, size=readers),
        allowed_hosts=frozenset(h.lower() for h in allowed_hosts) if allowed_hosts is not None else None,
    )
    app = FastAPI(
        title="newsweave",
        summary="Corroborated, cited accounts of news events.",
        description=DESCRIPTION,
        version=_version(),
        docs_url=None,  # served below from packaged assets: no CDN, works offline
        redoc_url=None,
        openapi_tags=[
            {"name": "articles", "description": "Stored articles, their raw input and extraction."},
            {"name": "stories", "description": "Stories and their corroborated analysis."},
            {"name": "entities", "description": "Canonical entities and where they appear."},
            {"name": "events", "description": "PLOVER/CAMEO-coded events, as JSON or CSV."},
            {"name": "search", "description": "Full-text search over articles (SQLite FTS5)."},
            {"name": "ingest", "description": "Add articles: runs the whole pipeline."},
        ],
    )
    app.state.ctx = ctx
    app.add_middleware(_Guard, ctx=ctx)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=str(_package_dir("static"))), name="static")
    _add_docs(app)
    _add_schemas(app)
    app.router.on_shutdown.append(ctx.close)
    return app


def _add_schemas(app: FastAPI) -> None:
    """The ingest body is parsed by hand (JSON or multipart); describe its item in the schema."""
    from newsweave.web.api import install_schemas

    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = install_schemas(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("newsweave")
    except Exception:  # not installed (running from a source tree)
        return "0"


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("newsweave.web") / name))


def _add_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc from the assets fastapi-offline ships, so the page works offline."""
    try:
        import fastapi_offline

        assets: Path | None = Path(fastapi_offline.__file__).parent / "static"
    except ImportError:  # pragma: no cover - the dependency is pinned; fall back to the CDN
        assets = None
    kwargs: dict[str, str] = {}
    redoc_js = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"
    redoc_icon = "https://fastapi.tiangolo.com/img/favicon.png"
    if assets is not None and assets.is_dir():
        app.mount("/docs-assets", StaticFiles(directory=str(assets)), name="docs-assets")
        kwargs = {"swagger_js_url": "/docs-assets/swagger-ui-bundle.js",
                  "swagger_css_url": "/docs-assets/swagger-ui.css",
                  "swagger_favicon_url": "/docs-assets/favicon.png"}
        redoc_js = "/docs-assets/redoc.standalone.js"
        redoc_icon = "/docs-assets/favicon.png"

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="newsweave API", **kwargs)

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title="newsweave API", redoc_js_url=redoc_js,
                              redoc_favicon_url=redoc_icon, with_google_fonts=False)


# ------------------------------------------------------------------ errors


def wants_html(request: Request) -> bool:
    """Pages answer errors with an HTML page; the API (and anything not asking for HTML) with JSON."""
    path = request.url.path
    if path.startswith(("/api/", "/api", "/openapi", "/docs-assets", "/static")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(request: Request | None, status: int, message: str, **extra: Any) -> Response:
    if request is not None and wants_html(request):
        from newsweave.web.pages import render_error

        return render_error(request, status, message)
    return JSONResponse({"error": message, **extra}, status_code=status)


_DEFAULT_MESSAGES = {404: "not found", 405: "method not allowed", 401: "unauthorized"}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail
    if not isinstance(detail, str) or detail in ("Not Found", "Method Not Allowed"):
        detail = _DEFAULT_MESSAGES.get(exc.status_code, str(detail))
        if exc.status_code == 404:
            detail = f"not found: {request.url.path}"
    response = error_response(request, exc.status_code, detail)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        problems.append({"field": where, "message": err.get("msg", "invalid")})
    message = "; ".join(f"{p['field']}: {p['message']}" if p["field"] else p["message"] for p in problems)
    return error_response(request, 422, f"invalid request: {message}", problems=problems)


# ------------------------------------------------------------------ guard middleware


class _Guard:
    """Pure ASGI middleware: host check, body size limit, write authorisation, security headers,
    and the catch-all that turns an unexpected exception into a clean 500."""

    def __init__(self, app: ASGIApp, ctx: WebContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        refusal = self._refusal(request)
        if refusal is not None:
            response = error_response(request, *refusal)
            if refusal[0] == 401:
                response.headers["www-authenticate"] = "Bearer"
            await response(scope, receive, send_with_headers)
            return

        limit = self.ctx.max_body_bytes
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(limit)
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except Exception as exc:
            if started:  # too late for a clean answer; the server closes the connection
                log.exception("error after the response started: %s %s", request.method, request.url.path)
                return
            response = self._unexpected(request, exc)
            await response(scope, receive, send_with_headers)

    def _refusal(self, request: Request) -> tuple[int, str] | None:
        """Why this request is refused before it reaches a route, or None."""
        hosts = self.ctx.allowed_hosts
        if hosts is not None:
            host = (request.headers.get("host") or "").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in hosts and host not in hosts:
                return 400, f"unexpected Host header {host!r}: this server answers to {', '.join(sorted(hosts))}"
        length = request.headers.get("content-length")
        if length is not None:
            try:
                if int(length) > self.ctx.max_body_bytes:
                    return 413, f"request body is over the {self.ctx.max_body_bytes:,}-byte limit"
            except ValueError:
                return 400, "invalid Content-Length header"
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return self._write_refusal(request)
        return None

    def _write_refusal(self, request: Request) -> tuple[int, str] | None:
        # A page on another site can make a browser POST here (a form needs no CORS preflight):
        # refuse writes whose Origin is not this server.
        origin = request.headers.get("origin")
        if origin and origin != "null":
            own = request.headers.get("host", "")
            if origin.split("://", 1)[-1].rstrip("/").lower() != own.lower():
                return 403, "cross-origin write refused"
        elif request.headers.get("sec-fetch-site") == "cross-site":
            return 403, "cross-origin write refused"
        if self.ctx.token is None:
            return None
        given = request.headers.get("x-newsweave-token", "")
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not given:
            return 401, "this server needs a token for writes: send 'Authorization: Bearer TOKEN'"
        if not secrets.compare_digest(given.encode(), self.ctx.token.encode()):
            return 401, "wrong token"
        return None

    @staticmethod
    def _unexpected(request: Request, exc: Exception) -> Response:
        if isinstance(exc, StarletteHTTPException):  # e.g. the body limit tripped outside a route
            return error_response(request, exc.status_code, str(exc.detail))
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            log.warning("database busy: %s %s: %s", request.method, request.url.path, exc)
            return error_response(request, 503, "the database is busy; try again")
        ref = secrets.token_hex(4)
        log.error("unexpected error %s in %s %s", ref, request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, f"internal error (reference {ref}; details are in the server log)")
