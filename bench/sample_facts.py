"""Fact alignment and status on the bundled sample corpus, against its hand-written ground truth.

examples/expected.json lists, for each of the corpus's stories, its key facts: which articles
state each one (with the exact phrase), and the status newsweave should give it. This script
ingests the corpus, corroborates each expected story's articles (so clustering errors do not
hide alignment errors; --clustered uses the stories newsweave formed instead) and prints:

* found: expected facts that one produced fact covers in every article that states them;
* status: of those, the share with the expected status (corroborated / single_source / conflicting);
* exact: the share whose produced fact cites exactly the expected articles;
* false conflicts: produced conflicting facts where the ground truth has none.

    .venv/bin/python bench/sample_facts.py [--sweep] [--clustered] [--verbose]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from newsweave import corroborate as corroboration  # noqa: E402
from newsweave import pipeline  # noqa: E402
from newsweave.records import Fact  # noqa: E402
from newsweave.store import Store  # noqa: E402

CORPUS = REPO / "examples" / "corpus"
EXPECTED = REPO / "examples" / "expected.json"


def article_keys(store: Store) -> dict[str, str]:
    """expected.json key ("outlet/file.txt" or "feeds/x.jsonl#L3") -> article id."""
    keys = {}
    for article in store.articles():
        rel = Path(article.path).resolve().relative_to(CORPUS.resolve()).as_posix()
        keys[rel + (f"#L{article.line}" if article.line else "")] = article.id
    return keys


def covers(fact: Fact, article_id: str, phrase: str) -> bool:
    return any(ev.article_id == article_id and (phrase in (ev.clause or "") or phrase in ev.sentence)
               for ev in fact.evidence)


def evaluate(store: Store, expected: dict[str, Any], clustered: bool, verbose: bool) -> dict[str, float]:
    keys = article_keys(store)
    totals = {"facts": 0, "found": 0, "status": 0, "exact": 0, "false_conflicts": 0, "partial": 0.0}
    for name, story in expected["stories"].items():
        ids = [keys[k] for k in story["articles"]]
        if clustered:
            story_ids = {store.story_of(i).story_id for i in ids}
            facts = [Fact(**{**f, "evidence": [corroboration.Evidence(**e) for e in f["evidence"]]})
                     for sid in story_ids for f in (store.analysis(sid) or {"facts": []})["facts"]]
        else:
            articles = store.articles(ids=ids)
            extractions = {i: store.extraction(i) for i in ids}
            duplicates = {a.article_id: a.duplicate_of for a in (store.story_of(i) for i in ids)
                          if a is not None and a.duplicate_of in ids}
            facts = corroboration.corroborate(name, articles, extractions, duplicates).facts
        expected_conflicts = sum(1 for f in story["facts"] if f["status"] == "conflicting")
        produced_conflicts = sum(1 for f in facts if f.status == "conflicting")
        totals["false_conflicts"] += max(0, produced_conflicts - expected_conflicts)
        for want in story["facts"]:
            statements = {keys[k]: phrase for k, phrase in want.get("statements", {}).items()}
            if not statements:
                continue
            totals["facts"] += 1
            best = max(facts, key=lambda f: sum(covers(f, a, p) for a, p in statements.items()), default=None)
            hits = sum(covers(best, a, p) for a, p in statements.items()) if best else 0
            totals["partial"] += hits / len(statements)
            found = best is not None and hits == len(statements)
            status_ok = found and best.status == want["status"]
            exact = found and set(best.article_ids) == set(statements)
            totals["found"] += found
            totals["status"] += status_ok
            totals["exact"] += exact
            if verbose and not (found and status_ok and exact):
                got = f"{best.status} {len(best.article_ids)} art: {best.text[:90]}" if best else "-"
                print(f"  [{name}/{want['id']}] want {want['status']} {len(statements)} art; "
                      f"covered {hits}/{len(statements)}; got {got}")
    n = max(totals["facts"], 1)
    return {
        "facts": totals["facts"],
        "found": totals["found"] / n,
        "coverage": totals["partial"] / n,
        "status": totals["status"] / n,
        "exact": totals["exact"] / n,
        "false_conflicts": totals["false_conflicts"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="try a grid of alignment thresholds")
    parser.add_argument("--clustered", action="store_true", help="use the stories newsweave formed")
    parser.add_argument("--verbose", action="store_true", help="list the facts that were missed")
    args = parser.parse_args()
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        store = Store(Path(tmp) / "sample.db")
        pipeline.ingest(store, [CORPUS])
        print(f"ingested {store.count_articles()} articles in {time.perf_counter() - started:.1f}s")
        header = f"{'align':>6}{'merge':>6}{'facts':>6}{'found':>7}{'cover':>7}{'status':>8}{'exact':>7}{'false conf':>11}"
        grid = [(corroboration.ALIGN_THRESHOLD, corroboration.MERGE_MEAN_THRESHOLD)]
        if args.sweep:
            grid = list(itertools.product((0.30, 0.34, 0.38, 0.42, 0.46, 0.50), (0.26, 0.32, 0.38)))
        print(header)
        for align_t, merge_t in grid:
            corroboration.ALIGN_THRESHOLD, corroboration.MERGE_MEAN_THRESHOLD = align_t, merge_t
            m = evaluate(store, expected, args.clustered, args.verbose and not args.sweep)
            print(f"{align_t:>6.2f}{merge_t:>6.2f}{m['facts']:>6}{m['found']:>7.2f}{m['coverage']:>7.2f}"
                  f"{m['status']:>8.2f}{m['exact']:>7.2f}{m['false_conflicts']:>11}")
        store.close()


if __name__ == "__main__":
    main()
