"""Load test of the web app and HTTP API on loopback: concurrent readers and one writer.

Usage::

    .venv/bin/python bench/api_load.py [--readers 4] [--seconds 20] [--max-requests 2000] [--max-writes 40]

A temporary database is filled from examples/corpus through the real pipeline, then
``newsweave.web.create_app`` is served by uvicorn in a child process on 127.0.0.1 (a free port),
so the server has its own interpreter and the load generator does not share its GIL.

* readers: ``--readers`` threads, each looping over a mix of pages and API calls
  (home, story page, article page, entity page, search page, /api/stories, /api/stories/{id},
  /api/stories/{id}/facts, /api/articles, /api/search, /api/entities, /api/events.csv);
* writer: one thread POSTing generated articles to /api/ingest, one at a time (each runs the
  whole pipeline: clean, extract, cluster, corroborate).

Bounded: it stops after ``--seconds`` or ``--max-requests`` reads, whichever comes first (the
writer also stops after ``--max-writes``); only 127.0.0.1 is ever contacted. Prints requests/s,
p50/p99 latency per kind and the errors (any non-2xx answer or failed request); exits 1 on errors.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from newsweave import pipeline  # noqa: E402
from newsweave.store import Store  # noqa: E402

CORPUS = REPO / "examples" / "corpus"
SERVER = """
import sys, uvicorn
from newsweave.web import create_app
uvicorn.run(create_app(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""

TOWNS = ["Velsund", "Brennholm", "Kvarnsund", "Ostholm", "Hellevik", "Tarnby", "Lysfjord", "Skarva"]
PEOPLE = ["Maren Holt", "Ilse Brandt", "Tor Lund", "Lena Fisk", "Erik Dahl", "Sofie Berg", "Nils Vik"]
THINGS = ["a new ferry route", "the harbour budget", "a wind farm", "a school reform", "a rail link",
          "a fishing quota", "a hospital wing", "a bridge repair"]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors[kind].append(error)

    def reads(self) -> int:
        with self.lock:
            return sum(len(v) for k, v in self.latencies.items() if k != "POST ingest")


def build_db(path: Path) -> dict[str, list[str]]:
    """The corpus through the real pipeline; returns ids and words to aim the readers at."""
    with Store(path) as store:
        result = pipeline.ingest(store, [CORPUS])
        if result.errors:
            raise SystemExit(f"corpus did not ingest cleanly: {result.errors}")
        stories = [r["id"] for r in store.story_rows()]
        articles = [a.id for a in store.articles()]
        entities = [e.id for e in store.entities(limit=20)]
        words = sorted({w for a in store.articles() for w in (a.title or "").split() if w.isalpha() and len(w) > 5})
    return {"stories": stories, "articles": articles, "entities": entities, "words": words or ["Norland"]}


def generated_article(rng: random.Random, n: int) -> dict[str, object]:
    town, person, thing = rng.choice(TOWNS), rng.choice(PEOPLE), rng.choice(THINGS)
    votes = rng.randint(20, 90)
    day = rng.randint(1, 28)
    text = (
        f"{town} council approved {thing} on Tuesday by {votes} votes to {100 - votes}, the council said.\n"
        f"{person}, who chairs the council, said the decision would help the town. "
        f"“This is a good day for {town},” {person} said.\n"
        f"The plan costs {rng.randint(2, 40)} million crowns and work starts in {rng.choice(['May', 'June', 'July'])}.\n"
        f"Bench note {n}-{rng.getrandbits(32):08x}."
    )
    return {"text": text, "title": f"{town} council approves {thing}", "outlet": rng.choice(["Bench Wire", "Load Daily"]),
            "published": f"2026-04-{day:02d}T10:00:00+01:00", "url": f"https://bench.example/{n}"}


def reader(base: str, targets: dict[str, list[str]], stats: Stats, stop: threading.Event, seed: int,
           max_requests: int) -> None:
    rng = random.Random(seed)
    mix = [
        ("page home", lambda: "/"),
        ("page story", lambda: f"/stories/{rng.choice(targets['stories'])}"),
        ("page article", lambda: f"/articles/{rng.choice(targets['articles'])}"),
        ("page entity", lambda: f"/entities/{rng.choice(targets['entities'])}" if targets["entities"] else "/entities"),
        ("page search", lambda: f"/search?q={rng.choice(targets['words'])}"),
        ("GET /api/stories", lambda: "/api/stories?limit=20"),
        ("GET /api/stories/{id}", lambda: f"/api/stories/{rng.choice(targets['stories'])}"),
        ("GET /api/stories/{id}/facts", lambda: f"/api/stories/{rng.choice(targets['stories'])}/facts"),
        ("GET /api/articles", lambda: f"/api/articles?limit=20&offset={rng.randint(0, 10)}"),
        ("GET /api/search", lambda: f"/api/search?q={rng.choice(targets['words'])}"),
        ("GET /api/entities", lambda: "/api/entities?limit=20"),
        ("GET /api/events.csv", lambda: "/api/events.csv"),
    ]
    with httpx.Client(base_url=base, timeout=60) as client:
        while not stop.is_set() and stats.reads() < max_requests:
            kind, make = rng.choice(mix)
            url = make()
            start = time.perf_counter()
            error = None
            try:
                r = client.get(url, headers={"accept": "text/html"} if kind.startswith("page") else {})
                if r.status_code != 200:
                    error = f"{url}: HTTP {r.status_code} {r.text[:200]}"
            except httpx.HTTPError as exc:
                error = f"{url}: {type(exc).__name__}: {exc}"
            stats.record(kind, time.perf_counter() - start, error)


def writer(base: str, stats: Stats, stop: threading.Event, max_writes: int, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=120) as client:
        for n in range(max_writes):
            if stop.is_set():
                return
            start = time.perf_counter()
            error = None
            try:
                r = client.post("/api/ingest", json=generated_article(rng, n))
                if r.status_code != 200 or r.json()["counts"]["added"] != 1:
                    error = f"HTTP {r.status_code} {r.text[:300]}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            stats.record("POST ingest", time.perf_counter() - start, error)


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=2000, help="stop after this many reads")
    parser.add_argument("--max-writes", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one log line per request would drown the numbers
    if not 0 < args.seconds <= 300 or not 0 < args.max_requests <= 100_000:
        parser.error("keep the run bounded: --seconds in (0, 300], --max-requests in (0, 100000]")

    with tempfile.TemporaryDirectory(prefix="newsweave-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        targets = build_db(db)
        print(f"database: {len(targets['articles'])} articles, {len(targets['stories'])} stories from "
              f"{CORPUS.relative_to(REPO)} ({time.perf_counter() - t0:.1f} s)")
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)], cwd=REPO)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start")
                time.sleep(0.1)
            # Warm up: load the spaCy pipeline in the server before the clock starts.
            warm = httpx.post(base + "/api/ingest", json=generated_article(random.Random(0), -1), timeout=120)
            warm.raise_for_status()

            stats, stop = Stats(), threading.Event()
            threads = [threading.Thread(target=reader, args=(base, targets, stats, stop, args.seed + i,
                                                             args.max_requests)) for i in range(args.readers)]
            threads.append(threading.Thread(target=writer, args=(base, stats, stop, args.max_writes, args.seed)))
            start = time.perf_counter()
            for t in threads:
                t.start()
            while time.perf_counter() - start < args.seconds and stats.reads() < args.max_requests:
                time.sleep(0.05)
            stop.set()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - start
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()

    reads = stats.reads()
    writes = len(stats.latencies.get("POST ingest", []))
    n_errors = sum(len(v) for v in stats.errors.values())
    print(f"\n{args.readers} reader threads + 1 writer for {elapsed:.1f} s on 127.0.0.1 ({sys.platform}, "
          f"server in its own process)")
    print(f"{'kind':32} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7}")
    for kind in sorted(stats.latencies):
        lat = sorted(stats.latencies[kind])
        print(f"{kind:32} {len(lat):>6} {percentile(lat, 50) * 1000:>9.1f} {percentile(lat, 99) * 1000:>9.1f} "
              f"{len(stats.errors.get(kind, [])):>7}")
    every = sorted(v for k, vs in stats.latencies.items() if k != "POST ingest" for v in vs)
    print(f"\nreads:  {reads} requests, {reads / elapsed:.1f} requests/s, p50 {percentile(every, 50) * 1000:.1f} ms, "
          f"p99 {percentile(every, 99) * 1000:.1f} ms")
    if writes:
        w = sorted(stats.latencies["POST ingest"])
        print(f"writes: {writes} articles ingested, {writes / elapsed:.2f}/s, p50 {percentile(w, 50) * 1000:.0f} ms, "
              f"p99 {percentile(w, 99) * 1000:.0f} ms")
    print(f"errors: {n_errors}")
    for kind, errs in stats.errors.items():
        for e in errs[:3]:
            print(f"  {kind}: {e}")
    return 1 if n_errors else 0


if __name__ == "__main__":
    sys.exit(main())
