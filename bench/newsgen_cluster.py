"""Story clustering at scale: BCubed of newsweave's stories on the generated news corpus.

ECB+ (bench/ecbplus_cluster.py) has two events per topic and a few dozen documents each; a news
archive has the same kind of event again and again (a storm here, a storm there, a rate decision
every few weeks). The generated corpus (tests/newsgen.py) has that shape: stories of a dozen kinds,
each in its own town and on its own day, reported by several outlets in their own words, with the
generator's true story of every article. This bench ingests ``--n`` of its articles through the
real pipeline (clean, extract, cluster) once, then re-clusters the stored extraction under each
configuration (``cluster.recluster``: the same assignments incremental ingestion in publication
order would make) and prints BCubed precision / recall / F1 against the true stories.

    .venv/bin/python bench/newsgen_cluster.py                         # 3,000 articles, default config
    .venv/bin/python bench/newsgen_cluster.py --set place_conflict=0  # compare a setting
    .venv/bin/python bench/newsgen_cluster.py --db /tmp/g.db          # keep the ingested store

The generator is ours, so its numbers say how clustering copes with recurring events of one kind,
not how good it is on real news: nothing is tuned on it alone (every default must also hold on
ECB+, see ClusterConfig).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecbplus_cluster import parse_setting  # noqa: E402
from newsgen import iter_articles, write_corpus  # noqa: E402
from newsweave import cluster, pipeline  # noqa: E402
from newsweave.cluster import ClusterConfig  # noqa: E402
from newsweave.store import Store  # noqa: E402
from throughput import fresh_db, machine, write_section  # noqa: E402

_FILE_NUMBER = re.compile(r"(\d{6})-[^/]*\.(?:txt|html)$")


def bcubed(gold: dict[str, int], pred: dict[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 of ``pred`` against ``gold`` over the items of ``gold``."""
    by_gold: dict[int, set[str]] = defaultdict(set)
    by_pred: dict[str, set[str]] = defaultdict(set)
    for item, g in gold.items():
        by_gold[g].add(item)
        by_pred[pred[item]].add(item)
    p = r = 0.0
    for item, g in gold.items():
        same_gold, same_pred = by_gold[g], by_pred[pred[item]]
        both = len(same_gold & same_pred)
        p += both / len(same_pred)
        r += both / len(same_gold)
    p, r = p / len(gold), r / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def true_stories(store: Store, n: int, seed: int) -> dict[str, int]:
    """Stored article id -> the generator's story: text and HTML pages by the article number in
    their file name, JSON Lines rows by URL."""
    articles = list(iter_articles(n, seed))
    by_url = {a.url: a.story for a in articles}
    out = {}
    offset = 0
    while rows := store.articles(limit=1000, offset=offset):
        offset += len(rows)
        for a in rows:
            m = _FILE_NUMBER.search(a.path)
            if m and a.format in ("txt", "html"):
                out[a.id] = articles[int(m.group(1))].story
            elif a.url in by_url:
                out[a.id] = by_url[a.url]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3000, help="generated articles (default 3000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--db", type=Path, help="keep the ingested store here and reuse it next time")
    ap.add_argument("--workers", type=int, default=pipeline.default_workers())
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="also score the default configuration with this setting changed (repeatable)")
    ap.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsgen-cluster-") as tmp:
        db = args.db or Path(tmp) / "store.db"
        if not db.exists():
            corpus = Path(tmp) / "corpus"
            write_corpus(corpus, args.n, seed=args.seed)
            started = time.perf_counter()
            with Store(fresh_db(db)) as store:
                result = pipeline.ingest(store, [corpus], workers=args.workers, analyze=False)
            print(f"ingested {result.n_added:,} of {args.n:,} articles in {time.perf_counter() - started:.0f} s",
                  flush=True)
        with Store(db) as store:
            gold = true_stories(store, args.n, args.seed)
            configs = [("default", ClusterConfig())]
            configs += [(s, dataclasses.replace(ClusterConfig(), **dict([parse_setting(s)]))) for s in args.set]
            rows = []
            for label, cfg in configs:
                started = time.perf_counter()
                cluster.recluster(store, config=cfg)
                seconds = time.perf_counter() - started
                pred = store.partition()
                sizes = defaultdict(int)
                for sid in pred.values():
                    sizes[sid] += 1
                p, r, f1 = bcubed(gold, pred)
                largest = max(sizes.values())
                rows.append((label, p, r, f1, len(sizes), largest, seconds))
                print(f"{label:30s} B3 P/R/F1 {p:.3f}/{r:.3f}/{f1:.3f}  stories {len(sizes):,} "
                      f"(true {len(set(gold.values())):,}), largest {largest}  [{seconds:.0f} s]", flush=True)
            cluster.recluster(store)  # leave a kept store clustered with the default configuration
    if not args.no_write:
        table = ["| configuration | B3 precision | B3 recall | B3 F1 | stories | largest story |",
                 "|---|---:|---:|---:|---:|---:|"]
        table += [f"| {label} | {p:.3f} | {r:.3f} | **{f1:.3f}** | {n:,} | {big} |"
                  for label, p, r, f1, n, big, _ in rows]
        write_section("Clustering on the generated corpus", "\n".join([
            f"`.venv/bin/python bench/newsgen_cluster.py --n {args.n}"
            + "".join(f" --set {s}" for s in args.set) + f"` ({time.strftime('%Y-%m-%d')})",
            "",
            f"{args.n:,} generated articles (tests/newsgen.py, seed {args.seed}; {len(gold):,} stored with a "
            f"known true story, {len(set(gold.values())):,} true stories) ingested through the real pipeline, "
            "then re-clustered in publication order under each configuration; BCubed against the generator's "
            "stories. The corpus repeats events of one kind in different towns and on different days, which "
            f"ECB+ does not. {machine()}",
            "",
            *table,
        ]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
