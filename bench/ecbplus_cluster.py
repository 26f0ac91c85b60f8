"""Story clustering on ECB+ dev topics (1-35): newsweave vs a plain TF-IDF + agglomerative baseline.

The 772 documents are ingested as a stream in a shuffled order through the real pipeline
(clean -> extract -> cluster) into a temporary store; the resulting stories are scored with
BCubed and pairwise precision / recall / F1 against two golds: the same seminal event
(``subtopic``: what a story should be) and the topic (coarser: two similar events of one kind).
Other shuffles are replayed with ``cluster.recluster(order=...)`` over the stored extraction.

The baseline sees the same text (title + body of the cleaned article): TF-IDF (sublinear tf,
English stopwords) and average-link agglomerative clustering on cosine distance; its distance
threshold is chosen on this same data (the best of a grid for same-event BCubed F1), which makes
it an optimistic baseline.

    .venv/bin/python bench/ecbplus_cluster.py                 # 3 shuffles, the numbers
    .venv/bin/python bench/ecbplus_cluster.py --grid          # calibration grid (see GRID)
    .venv/bin/python bench/ecbplus_cluster.py --features local  # spaCy NER only instead of extraction
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from newsweave import cluster, pipeline
from newsweave.cluster import ClusterConfig
from newsweave.records import Article, ArticleExtraction, Entity, Mention, RawDocument, Sentence
from newsweave.store import Store

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "ecbplus"


# ---------------------------------------------------------------- metrics


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    for item, c in pred.items():
        pc[c].add(item)
    for item, c in gold.items():
        gc[c].add(item)
    p = r = 0.0
    for item in gold:
        mine, theirs = pc[pred[item]], gc[gold[item]]
        both = len(mine & theirs)
        p += both / len(mine)
        r += both / len(theirs)
    p, r = p / len(gold), r / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairwise(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    items = sorted(gold)
    tp = fp = fn = 0
    for a, b in itertools.combinations(items, 2):
        same_p, same_g = pred[a] == pred[b], gold[a] == gold[b]
        tp += same_p and same_g
        fp += same_p and not same_g
        fn += same_g and not same_p
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scores(pred: dict[str, str], docs: list[dict]) -> dict[str, tuple[float, float, float]]:
    sub = {d["doc_id"]: d["subtopic"] for d in docs}
    top = {d["doc_id"]: str(d["topic"]) for d in docs}
    return {"event_b3": bcubed(pred, sub), "event_pair": pairwise(pred, sub),
            "topic_b3": bcubed(pred, top), "topic_pair": pairwise(pred, top)}


# ---------------------------------------------------------------- newsweave


def raw_document(doc: dict) -> RawDocument:
    text = doc["text"] + "\n"
    return RawDocument(path=f"ecbplus/{doc['doc_id']}.txt", format="txt", raw=text.encode("utf-8"), text=text)


def doc_id_of(article: Article) -> str:
    return Path(article.path).stem


def ingest_pipeline(store: Store, docs: list[dict]) -> dict[str, str]:
    """The real pipeline: clean, extract (spaCy + newsweave extractors), cluster, in this order.
    Returns the documents the pipeline skipped as the same text as a stored one (doc -> article id)."""
    result = pipeline.ingest_documents(store, (raw_document(d) for d in docs), analyze=False)
    if result.errors:
        print(f"note: {len(result.errors)} input(s) rejected by the pipeline, e.g. {result.errors[0]}; "
              "both systems are scored without them", file=sys.stderr)
    if result.duplicates:
        print(f"note: {len(result.duplicates)} input(s) with the same text as a stored one: they take its story",
              file=sys.stderr)
    return {Path(d.where).stem: d.existing_id for d in result.duplicates}


_SLUG = re.compile(r"[^a-z0-9]+")


def local_extraction(doc, article: Article) -> ArticleExtraction:
    """Fallback features when the extraction modules are unavailable: spaCy NER only, entity ids
    from the name (a one-word PERSON name maps to the longer name in the same article)."""
    ents = [e for e in doc.ents if e.label_ in {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT"}]
    full_names = [e.text for e in ents if e.label_ == "PERSON" and " " in e.text]
    mentions, entities = [], {}
    for e in ents:
        name = e.text
        if e.label_ == "PERSON" and " " not in name:
            name = next((f for f in full_names if f.split()[-1] == name), name)
        eid = f"{e.label_.lower()}:{_SLUG.sub('-', name.lower()).strip('-')}"
        mentions.append(Mention(e.text, e.start_char, e.end_char, eid))
        entities.setdefault(eid, Entity(eid, name, e.label_))
    return ArticleExtraction(article.id, True, sentences=[Sentence(s.start_char, s.end_char, s.text) for s in doc.sents],
                             mentions=mentions, entities=list(entities.values()))


def plain_article(doc: dict) -> Article:
    """Local mode does not depend on the clean stage: the first line is the title, all text the body."""
    raw = raw_document(doc)
    digest = hashlib.sha256(raw.raw).hexdigest()
    return Article(id=digest[:16], path=raw.path, body=doc["text"], title=doc["sentences"][0],
                   content_hash=digest, body_hash=hashlib.sha256(doc["text"].encode()).hexdigest())


def ingest_local(store: Store, docs: list[dict]) -> None:
    from newsweave.extract.nlp import load_nlp

    nlp = load_nlp()
    articles = [plain_article(d) for d in docs]
    parsed = nlp.pipe((a.body for a in articles), batch_size=32)
    for d, article, doc in zip(docs, articles, parsed, strict=True):
        extraction = local_extraction(doc, article)
        with store.transaction() as tx:
            if store.save_article(article, raw_document(d), extraction, conn=tx):
                cluster.assign(store, article, extraction, tx)


def partition_by_doc(store: Store) -> dict[str, str]:
    doc_of = {a.id: doc_id_of(a) for a in store.articles()}
    return {doc_of[aid]: sid for aid, sid in store.partition().items()}


def shuffled(items: list, seed: int) -> list:
    out = list(items)
    random.Random(seed).shuffle(out)
    return out


# ---------------------------------------------------------------- baseline


def baseline(docs: list[dict], texts: dict[str, str], thresholds: list[float]) -> list[tuple[float, dict]]:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = [d["doc_id"] for d in docs]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([texts[i] for i in ids]).toarray()
    out = []
    for t in thresholds:
        labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                         distance_threshold=t).fit_predict(x)
        out.append((t, scores({i: str(lab) for i, lab in zip(ids, labels, strict=True)}, docs)))
    return out


# ---------------------------------------------------------------- report


def fmt(name: str, s: dict[str, tuple[float, float, float]]) -> str:
    e, ep, t, tp = s["event_b3"], s["event_pair"], s["topic_b3"], s["topic_pair"]
    return (f"{name:<34} event B3 P/R/F1 {e[0]:.3f}/{e[1]:.3f}/{e[2]:.3f}  pair F1 {ep[2]:.3f} | "
            f"topic B3 P/R/F1 {t[0]:.3f}/{t[1]:.3f}/{t[2]:.3f}  pair F1 {tp[2]:.3f}")


def mean_scores(runs: list[dict[str, tuple[float, float, float]]]) -> dict[str, tuple[float, float, float]]:
    return {k: tuple(statistics.mean(r[k][i] for r in runs) for i in range(3)) for k in runs[0]}


GRID = {
    "threshold": [0.18, 0.22, 0.26],
    "window_days": [7, 30],
    "max_gap_days_weak": [7, 30, 3650],
    "date_penalty_per_day": [0.0, 0.03],
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--seeds", default="0,1,2", help="shuffle seeds (the first is ingested, the rest replayed)")
    ap.add_argument("--features", choices=["pipeline", "local"], default="pipeline")
    ap.add_argument("--db", type=Path, help="keep the store here and reuse it when it exists (skips ingestion)")
    ap.add_argument("--grid", action="store_true", help="print the calibration grid")
    ap.add_argument("--limit", type=int, help="only the first N documents (smoke test)")
    args = ap.parse_args()

    docs = [json.loads(line) for line in (args.data / "documents.jsonl").open(encoding="utf-8")]
    docs = docs[:args.limit] if args.limit else docs
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"ECB+ dev: {len(docs)} documents, {len({d['topic'] for d in docs})} topics, "
          f"{len({d['subtopic'] for d in docs})} same-event sub-topics")

    tmp = tempfile.TemporaryDirectory(prefix="ecbplus-")
    db = args.db or Path(tmp.name) / "ecbplus.db"
    store = Store(db)
    fresh = store.count_articles() == 0
    first = shuffled(docs, seeds[0])
    t0 = time.perf_counter()
    same_text: dict[str, str] = {}
    if fresh:
        if args.features == "pipeline":
            same_text = ingest_pipeline(store, first)
            (args.db or db).with_suffix(".same_text.json").write_text(json.dumps(same_text))
        else:
            ingest_local(store, first)
        print(f"ingested in {time.perf_counter() - t0:.0f}s ({args.features} features), shuffle seed {seeds[0]}")
    elif db.with_suffix(".same_text.json").exists():
        same_text = json.loads(db.with_suffix(".same_text.json").read_text())
    articles = store.articles()
    by_doc = {doc_id_of(a): a for a in articles}
    missing = [d["doc_id"] for d in docs if d["doc_id"] not in by_doc and d["doc_id"] not in same_text]
    if missing:
        print(f"note: {len(missing)} document(s) not stored ({', '.join(missing[:5])}): left out of both scores")
        docs = [d for d in docs if d["doc_id"] not in missing]
    extracted = sum(1 for a in articles if (x := store.extraction(a.id)) is not None and x.extracted and x.mentions)
    print(f"{extracted}/{len(articles)} articles have extracted entities")

    def predicted() -> dict[str, str]:
        pred = partition_by_doc(store)
        story_of_article = store.partition()
        for doc_id, article_id in same_text.items():  # the pipeline linked it to the stored copy
            pred[doc_id] = story_of_article.get(article_id, f"missing:{doc_id}")
        return {d["doc_id"]: pred.get(d["doc_id"], f"missing:{d['doc_id']}") for d in docs}

    def run(seed: int, config: ClusterConfig | None = None) -> dict:
        order = [by_doc[d["doc_id"]].id for d in shuffled(docs, seed) if d["doc_id"] in by_doc]
        cluster.recluster(store, config=config, order=order)
        return scores(predicted(), docs)

    runs = []
    for i, seed in enumerate(seeds):
        if i == 0 and fresh:
            runs.append(scores(predicted(), docs))  # the ingested stream itself
        else:
            runs.append(run(seed))
        print(fmt(f"newsweave (shuffle {seed})", runs[-1]) + f"  stories {len(set(store.partition().values()))}")
    ours = mean_scores(runs)

    texts = {d["doc_id"]: d["text"] for d in docs}  # missing from the store: the raw text
    texts.update({doc_id_of(a): f"{a.title or ''}\n{a.body}" for a in articles})
    thresholds = [round(x, 2) for x in np.arange(0.50, 0.99, 0.02)]
    base = baseline(docs, texts, thresholds)
    best_t, best = max(base, key=lambda tb: tb[1]["event_b3"][2])
    print()
    print(fmt(f"newsweave (mean of {len(seeds)} shuffles)", ours))
    print(fmt(f"baseline tfidf+agglo (t={best_t:.2f})", best))
    print(f"same-event BCubed F1: newsweave {ours['event_b3'][2]:.3f} vs baseline {best['event_b3'][2]:.3f} "
          f"({'+' if ours['event_b3'][2] >= best['event_b3'][2] else ''}"
          f"{ours['event_b3'][2] - best['event_b3'][2]:.3f})")

    if args.grid:
        print("\ncalibration grid (mean over shuffles) -> same-event BCubed F1")
        results = []
        keys = list(GRID)
        for values in itertools.product(*GRID.values()):
            setting = dict(zip(keys, values, strict=True))
            cfg = dataclasses.replace(cluster.DEFAULT_CONFIG, **setting)
            m = mean_scores([run(seed, cfg) for seed in seeds])
            results.append((m["event_b3"][2], values, m))
            print(f"  {setting}  event B3 F1 {m['event_b3'][2]:.3f} "
                  f"(P {m['event_b3'][0]:.3f} R {m['event_b3'][1]:.3f})  topic B3 F1 {m['topic_b3'][2]:.3f}",
                  flush=True)
        f1, values, _ = max(results)
        print(f"best: {dict(zip(keys, values, strict=True))}: event B3 F1 {f1:.3f}")
        cluster.recluster(store)  # leave the store with the default configuration
    store.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
