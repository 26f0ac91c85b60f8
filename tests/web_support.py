"""Helpers shared by the web tests (test_api.py, test_web_browser.py) and bench/api_load.py:
the sample corpus run through the real pipeline once per process, private copies of that
database, and a real uvicorn server on a free loopback port."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "examples" / "corpus"
ARTIFACTS = REPO / "tests" / "artifacts"

_built: dict[str, Path] = {}
_lock = threading.Lock()


def corpus_db(workdir: Path) -> Path:
    """The sample corpus ingested by the real pipeline; built once per process, then reused."""
    from newsweave import pipeline
    from newsweave.store import Store

    with _lock:
        if "db" not in _built:
            workdir.mkdir(parents=True, exist_ok=True)
            db = workdir / "corpus.db"
            with Store(db) as store:
                result = pipeline.ingest(store, [CORPUS])
            assert not result.errors, f"the sample corpus did not ingest cleanly: {result.errors}"
            assert result.added, f"no article was ingested from {CORPUS}"
            _built["db"] = db  # closing the last connection folded the WAL into the file
        return _built["db"]


def copy_db(source: Path, target_dir: Path, name: str = "copy.db") -> Path:
    """A private copy, for tests that write."""
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    shutil.copyfile(source, target)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(app: Any, port: int | None = None) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 in a background thread; yields the base URL."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def richest_story(stories: list[dict[str, Any]]) -> dict[str, Any]:
    """The story with the most outlets (then articles): the one a reader would open first."""
    return max(stories, key=lambda s: (s["n_outlets"], s["n_articles"], s["id"]))


def fact_with_shared_evidence(story: dict[str, Any]) -> dict[str, Any] | None:
    """A fact whose evidence sits in the most articles (a corroborated one where possible)."""
    facts = [f for f in story["facts"] if f.get("evidence")]
    if not facts:
        return None
    return max(facts, key=lambda f: (len({e["article_id"] for e in f["evidence"]}), f["status"] == "corroborated"))
