"""Database access for the web app: a pool of read-only connections and one serialized writer.

SQLite in WAL mode lets any number of readers run while one writer commits. Requests run in
worker threads, so each request borrows a whole Store (connection) from the pool and reads
inside one snapshot; ingestion goes through a single writer Store behind a lock, so two
uploads never interleave their pipeline runs.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from newsweave.store import READER_CACHE_KIB, Store


class ReaderPool:
    """At most ``size`` open read-only Stores, reused across requests."""

    def __init__(self, path: str, size: int = 8) -> None:
        self.path = path
        self._idle: queue.SimpleQueue[Store] = queue.SimpleQueue()
        self._slots = threading.BoundedSemaphore(size)
        self._all: list[Store] = []
        self._guard = threading.Lock()

    def _open(self) -> Store:
        store = Store(self.path, cache_kib=READER_CACHE_KIB)  # many readers: SQLite's small default each
        store.set_query_only()
        with self._guard:
            self._all.append(store)
        return store

    @contextlib.contextmanager
    def reader(self) -> Iterator[Store]:
        """A Store for one request, inside one read snapshot."""
        with self._slots:
            try:
                store = self._idle.get_nowait()
            except queue.Empty:
                store = self._open()
            healthy = True
            try:
                with store.read_snapshot():
                    yield store
            except sqlite3.Error:
                healthy = False  # a connection in an unknown state is closed, not reused
                raise
            finally:
                if healthy:
                    self._idle.put(store)
                else:
                    self._discard(store)

    def _discard(self, store: Store) -> None:
        with self._guard:
            if store in self._all:
                self._all.remove(store)
        with contextlib.suppress(sqlite3.Error):
            store.close()

    def close(self) -> None:
        with self._guard:
            stores, self._all = self._all, []
        for store in stores:
            with contextlib.suppress(sqlite3.Error):
                store.close()


@dataclass
class WebContext:
    """What every route needs: the database, the write token and the limits."""

    db_path: str
    token: str | None
    max_body_bytes: int
    readers: ReaderPool
    allowed_hosts: frozenset[str] | None = None
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    _writer: Store | None = None

    def writer(self) -> Store:
        """The one Store that writes; call only while holding ``write_lock``."""
        if self._writer is None:
            self._writer = Store(self.db_path)
        return self._writer

    def close(self) -> None:
        self.readers.close()
        with self.write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
