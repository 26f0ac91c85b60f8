"""Digest of every story's analysis in a store, to prove a speed-up changed no result.

A speed-up of corroboration (merge bookkeeping, block reads, batched loading) must not change a
single fact, and a few test stories do not show that. This script corroborates every story
of an existing store again (the analyses are not saved back), hashes each analysis (without its
time stamp) and prints the CPU time. With ``--save`` it keeps the digests; with ``--compare`` it
lists the stories whose analysis differs from a saved run.

    # before the change: a clone of the previous commit, run with --src pointing at its code
    git clone -q . /tmp/before && git -C /tmp/before checkout -q HEAD~1
    .venv/bin/python bench/analysis_digest.py --src /tmp/before/src --db bench/_work/throughput/throughput-10000.db --save /tmp/before.json
    # after it:
    .venv/bin/python bench/analysis_digest.py --db bench/_work/throughput/throughput-10000.db --compare /tmp/before.json

Analyses must not depend on the string hash seed; run both sides with the same PYTHONHASHSEED
anyway, so a difference found is the change's and not the seed's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def digests(db: Path, src: Path) -> tuple[dict[str, str], float, int]:
    """{story id: sha1 of its analysis}, CPU seconds of corroboration, articles in the store,
    corroborated by the newsweave found in ``src``."""
    sys.path.insert(0, str(src))
    from newsweave.corroborate import analyze_story
    from newsweave.embed import load_embedder
    from newsweave.store import Store

    with Store(db) as store:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM stories ORDER BY id")]
        articles = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        load_embedder()  # not timed: loaded once per process
        out: dict[str, str] = {}
        start = time.process_time()
        for story_id in ids:
            story = analyze_story(store, story_id)
            if story is None:
                continue
            data = asdict(story)
            data.pop("generated_at", None)
            out[story_id] = hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        return out, time.process_time() - start, articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="an existing store (not modified)")
    parser.add_argument("--save", type=Path, help="write the digests here")
    parser.add_argument("--compare", type=Path, help="digests saved by an earlier run")
    parser.add_argument("--src", type=Path, default=REPO / "src",
                        help="the newsweave source to run (a clone of another commit); default this checkout's")
    args = parser.parse_args()
    if not args.db.exists():
        parser.error(f"{args.db}: no such store")

    found, cpu, articles = digests(args.db, args.src)
    import newsweave

    print(f"newsweave from {Path(newsweave.__file__).parent}")
    print(f"{len(found):,} stories corroborated in {cpu:.1f} CPU s "
          f"({cpu * 1000 / max(articles, 1):.2f} ms per stored article)")
    if args.save:
        args.save.write_text(json.dumps(found, indent=0, sort_keys=True))
        print(f"digests written to {args.save}")
    if args.compare:
        before = json.loads(args.compare.read_text())
        differ = sorted(s for s in before.keys() | found.keys() if before.get(s) != found.get(s))
        print(f"{len(differ):,} of {len(before.keys() | found.keys()):,} stories differ from {args.compare}"
              + (f": {', '.join(differ[:10])}" + (" ..." if len(differ) > 10 else "") if differ else ""))
        if differ:
            sys.exit(1)


if __name__ == "__main__":
    main()
