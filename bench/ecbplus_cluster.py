"""Story clustering on ECB+ dev topics (1-35): newsweave vs a plain TF-IDF + agglomerative baseline.

The 772 documents are ingested as a stream in a shuffled order through the real pipeline
(clean -> extract -> cluster) into a store; the resulting stories are scored with BCubed and
pairwise precision / recall / F1 against two golds: the same seminal event (``subtopic``: what a
story should be) and the topic (coarser: two similar events of one kind). Other shuffles are
replayed with ``cluster.recluster(order=...)`` over the stored extraction, which assigns the
articles exactly as incremental ingestion in that order would.

The baseline sees the same text (title + body of the cleaned article): TF-IDF (sublinear tf,
English stopwords, fitted on all documents at once) and average-link agglomerative clustering on
cosine distance, cut at a distance threshold.

No setting may be chosen on the documents it is scored on, so both systems are cross-validated
over topics: a setting is chosen on the odd topics and scored on the even topics' documents, and
vice versa, and the two held-out halves are pooled (every document scored once, under the setting
its own topic did not help choose; BCubed and pairwise counts are per document, so pooling is
exact). The baseline chooses its distance threshold that way; newsweave chooses among the
settings in CV_GRID (threshold, weights, weak-date veto: every choice that was made by looking at
ECB+ dev), on its mean over the shuffles. Also printed, labelled as such: newsweave's default
configuration over all topics (its defaults were chosen on all of ECB+ dev: optimistic) and the
baseline with its ORACLE threshold (the best on the very documents it is scored on).

    .venv/bin/python bench/ecbplus_cluster.py                 # 5 shuffles, CV (about 15 min)
    .venv/bin/python bench/ecbplus_cluster.py --no-cv         # no newsweave CV (about 2 min)
    .venv/bin/python bench/ecbplus_cluster.py --db /tmp/e.db  # keep the ingested store, reuse it next time
    .venv/bin/python bench/ecbplus_cluster.py --set threshold=0.3 --no-cv   # try a setting
    .venv/bin/python bench/ecbplus_cluster.py --grid          # exploration grid (see GRID; not held out)
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

from newsweave import cluster, pipeline
from newsweave.cluster import ClusterConfig
from newsweave.records import Article, ArticleExtraction, Entity, Mention, RawDocument, Sentence
from newsweave.store import Store

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "ecbplus"


# ---------------------------------------------------------------- metrics
#
# Every score is built from per-document counts, so a score can be pooled over documents that were
# scored under different clusterings (cross-validation: each fold under the setting chosen on the
# other fold). For one clustering the pooled numbers are the usual BCubed and pairwise scores.

Scores = dict[str, tuple[float, float, float]]
Part = tuple[dict[str, str], list[str]]  # (predicted cluster of every document, the documents scored with it)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def pooled(parts: list[Part], gold: dict[str, str]) -> dict[str, tuple[float, float, float]]:
    """BCubed (``b3``) and pairwise (``pair``) P/R/F1 over the documents of every part, each scored
    under its part's clustering (of all documents: a wrong merge across folds still counts)."""
    b3_p = b3_r = 0.0
    tp = fp = fn = 0
    count = 0
    gold_members: dict[str, set[str]] = defaultdict(set)
    for item, c in gold.items():
        gold_members[c].add(item)
    for pred, items in parts:
        pred_members: dict[str, set[str]] = defaultdict(set)
        for item, c in pred.items():
            pred_members[c].add(item)
        for item in items:
            mine, theirs = pred_members[pred[item]], gold_members[gold[item]]
            both = len(mine & theirs)
            b3_p += both / len(mine)
            b3_r += both / len(theirs)
            tp += both - 1  # pairs of this document with the others (each pair counted from both ends)
            fp += len(mine) - both
            fn += len(theirs) - both
            count += 1
    p, r = b3_p / count, b3_r / count
    pp = tp / (tp + fp) if tp + fp else 0.0
    pr = tp / (tp + fn) if tp + fn else 0.0
    return {"b3": (p, r, _f1(p, r)), "pair": (pp, pr, _f1(pp, pr))}


def scores(pred: dict[str, str], docs: list[dict], parts: list[Part] | None = None) -> Scores:
    """Same-event (gold ``subtopic``) and topic scores of one clustering, or of ``parts`` pooled."""
    parts = parts or [(pred, [d["doc_id"] for d in docs])]
    event = pooled(parts, {d["doc_id"]: d["subtopic"] for d in docs})
    topic = pooled(parts, {d["doc_id"]: str(d["topic"]) for d in docs})
    return {"event_b3": event["b3"], "event_pair": event["pair"], "topic_b3": topic["b3"], "topic_pair": topic["pair"]}


def folds(docs: list[dict]) -> tuple[list[str], list[str]]:
    """2-fold split over topics: documents of odd topics, documents of even topics."""
    odd = [d["doc_id"] for d in docs if d["topic"] % 2 == 1]
    even = [d["doc_id"] for d in docs if d["topic"] % 2 == 0]
    return odd, even


def cross_validate(runs: dict[object, list[dict[str, str]]], docs: list[dict]) -> tuple[list[Scores], list[object]]:
    """Choose a setting on one fold's topics, score the other fold's documents with it, and back.

    ``runs`` maps each candidate setting to its clusterings of all documents (one per shuffle, the
    same shuffles for every setting). A setting is chosen by its mean same-event BCubed F1 over the
    shuffles on the choosing fold only; the result is one pooled score per shuffle (both held-out
    folds together) and the setting chosen for each fold (odd topics' setting, even topics')."""
    odd, even = folds(docs)
    sub = {d["doc_id"]: d["subtopic"] for d in docs}

    def fold_f1(setting: object, items: list[str]) -> float:
        return statistics.mean(pooled([(pred, items)], sub)["b3"][2] for pred in runs[setting])

    chosen_on_odd = max(runs, key=lambda s: (fold_f1(s, odd), str(s)))  # ties: deterministic
    chosen_on_even = max(runs, key=lambda s: (fold_f1(s, even), str(s)))
    n_shuffles = len(next(iter(runs.values())))
    out = [scores({}, docs, parts=[(runs[chosen_on_odd][k], even), (runs[chosen_on_even][k], odd)])
           for k in range(n_shuffles)]
    return out, [chosen_on_even, chosen_on_odd]


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

BASELINE_THRESHOLDS = [round(0.50 + 0.02 * i, 2) for i in range(25)]  # cosine distance 0.50 .. 0.98


def baseline(docs: list[dict], texts: dict[str, str], thresholds: list[float]) -> dict[float, dict[str, str]]:
    """TF-IDF (sublinear tf, English stopwords, fitted on all documents) + average-link agglomerative
    clustering on cosine distance, cut at each threshold: threshold -> clustering."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = [d["doc_id"] for d in docs]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([texts[i] for i in ids]).toarray()
    out = {}
    for t in thresholds:
        labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                         distance_threshold=t).fit_predict(x)
        out[t] = {i: str(lab) for i, lab in zip(ids, labels, strict=True)}
    return out


# ---------------------------------------------------------------- report


def fmt(name: str, s: Scores, spread: tuple[float, float] | None = None) -> str:
    e, ep, t, tp = s["event_b3"], s["event_pair"], s["topic_b3"], s["topic_pair"]
    rng = f" ({spread[0]:.3f}-{spread[1]:.3f})" if spread else " " * 14
    return (f"{name:<44} event B3 P/R/F1 {e[0]:.3f}/{e[1]:.3f}/{e[2]:.3f}{rng}  pair F1 {ep[2]:.3f} | "
            f"topic B3 F1 {t[2]:.3f}  pair F1 {tp[2]:.3f}")


def mean_scores(runs: list[Scores]) -> Scores:
    return {k: tuple(statistics.mean(r[k][i] for r in runs) for i in range(3)) for k in runs[0]}


def f1_range(runs: list[Scores]) -> tuple[float, float]:
    values = [r["event_b3"][2] for r in runs]
    return min(values), max(values)


# Settings newsweave's CV chooses among (every other parameter at its default): every choice made
# by looking at ECB+ dev, so that the cross-validated line carries none of them unearned.
CV_GRID: dict[str, list[dict[str, object]]] = {
    "threshold": [{"threshold": t} for t in (0.22, 0.24, 0.26, 0.28, 0.30)],
    "weights": [{"w_text": 0.5, "w_link": 0.3, "w_entities": 0.2}, {"w_text": 0.5, "w_link": 0.2, "w_entities": 0.3}],
    "weak-date veto": [{"max_gap_days_weak": None}, {"max_gap_days_weak": 365}],
}


def cv_settings(grid: dict[str, list[dict[str, object]]]) -> list[tuple[tuple[str, object], ...]]:
    """Every combination of the grid's choices, as hashable (field, value) tuples."""
    out = []
    for choice in itertools.product(*grid.values()):
        merged: dict[str, object] = {}
        for part in choice:
            merged.update(part)
        out.append(tuple(merged.items()))
    return out


# Exploration grid (--grid): mean over the shuffles, every setting scored on all of ECB+ dev.
GRID = {
    "threshold": [0.22, 0.26, 0.30],
    "merge_similarity": [0.2, 0.25, None],
    "max_gap_days_weak": [365, None],
}


def parse_setting(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    if key not in {f.name for f in dataclasses.fields(ClusterConfig)}:
        raise SystemExit(f"--set: no ClusterConfig field {key!r}")
    return key, (None if value == "None" else json.loads(value.lower() if value in ("True", "False") else value))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--seeds", default="0,1,2,3,4", help="shuffle seeds (the first is ingested, the rest replayed)")
    ap.add_argument("--features", choices=["pipeline", "local"], default="pipeline")
    ap.add_argument("--db", type=Path, help="keep the store here and reuse it when it exists (skips ingestion)")
    ap.add_argument("--no-cv", action="store_true", help="skip newsweave's cross-validation (much faster)")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="change a ClusterConfig field for every newsweave run (experiments), e.g. threshold=0.3")
    ap.add_argument("--grid", action="store_true", help="print the exploration grid (see GRID)")
    ap.add_argument("--limit", type=int, help="only the first N documents (smoke test)")
    args = ap.parse_args()

    docs = [json.loads(line) for line in (args.data / "documents.jsonl").open(encoding="utf-8")]
    docs = docs[:args.limit] if args.limit else docs
    seeds = [int(s) for s in args.seeds.split(",")]
    config = dataclasses.replace(cluster.DEFAULT_CONFIG, **dict(parse_setting(x) for x in args.set))
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

    def run(seed: int, cfg: ClusterConfig) -> dict[str, str]:
        order = [by_doc[d["doc_id"]].id for d in shuffled(docs, seed) if d["doc_id"] in by_doc]
        cluster.recluster(store, config=cfg, order=order)
        return predicted()

    # newsweave with its configuration, one stream per shuffle
    ours: list[dict[str, str]] = []
    for i, seed in enumerate(seeds):
        ingested = i == 0 and fresh and config == cluster.DEFAULT_CONFIG
        ours.append(predicted() if ingested else run(seed, config))  # the ingested stream itself, or a replay
        print(fmt(f"newsweave (shuffle {seed}{', as ingested' if ingested else ''})", scores(ours[-1], docs))
              + f"  stories {len(set(ours[-1].values()))}", flush=True)
    ours_scores = [scores(p, docs) for p in ours]

    # newsweave, threshold cross-validated over topics (replays of the same shuffles)
    cv_ours: tuple[list[Scores], list[object]] | None = None
    if not args.no_cv:
        runs: dict[object, list[dict[str, str]]] = {}
        for setting in cv_settings(CV_GRID):
            cfg = dataclasses.replace(config, **dict(setting))
            runs[setting] = [run(seed, cfg) for seed in seeds]
            m = mean_scores([scores(p, docs) for p in runs[setting]])
            print(f"  CV grid {dict(setting)}: event B3 F1 {m['event_b3'][2]:.3f} on all topics", flush=True)
        cv_ours = cross_validate(runs, docs)

    # the baseline: oracle threshold (chosen on the scored documents) and cross-validated threshold
    texts = {d["doc_id"]: d["text"] for d in docs}  # missing from the store: the raw text
    texts.update({doc_id_of(a): f"{a.title or ''}\n{a.body}" for a in articles})
    base = baseline(docs, texts, BASELINE_THRESHOLDS)
    oracle_t = max(base, key=lambda t: (scores(base[t], docs)["event_b3"][2], -t))
    oracle = scores(base[oracle_t], docs)
    cv_base, base_chosen = cross_validate({t: [p] for t, p in base.items()}, docs)

    def setting_text(chosen: list[object]) -> str:
        return ", ".join(f"{name} {dict(c) if isinstance(c, tuple) else c}" for name, c in zip(
            ("odd topics", "even topics"), chosen, strict=True))

    print()
    n = len(seeds)
    changed = {k: v for k, v in dataclasses.asdict(config).items()
               if v != getattr(cluster.DEFAULT_CONFIG, k)}
    label = "newsweave, default config" if not changed else f"newsweave {changed}"
    print(fmt(f"{label} (mean of {n} shuffles)", mean_scores(ours_scores), f1_range(ours_scores)))
    if cv_ours is not None:
        print(fmt(f"newsweave, CV {'/'.join(CV_GRID)} (mean of {n} shuffles)", mean_scores(cv_ours[0]), f1_range(cv_ours[0])))
    print(fmt("baseline tfidf+agglo, CV threshold", cv_base[0]))
    print(fmt(f"baseline tfidf+agglo, ORACLE t={oracle_t:.2f}", oracle))
    print()
    if cv_ours is not None:
        print(f"CV: settings chosen on the other fold's topics: newsweave {setting_text(cv_ours[1])}; "
              f"baseline distance {setting_text(base_chosen)}")
        ours_cv = mean_scores(cv_ours[0])["event_b3"][2]
        print(f"same-event BCubed F1, both cross-validated: newsweave {ours_cv:.3f} vs baseline "
              f"{cv_base[0]['event_b3'][2]:.3f} ({ours_cv - cv_base[0]['event_b3'][2]:+.3f}); "
              f"the oracle baseline {oracle['event_b3'][2]:.3f} saw the gold of the documents it is scored on")
    else:
        print(f"baseline distance thresholds chosen by CV: {setting_text(base_chosen)}")

    if args.grid:
        print("\nexploration grid (mean over shuffles, scored on all topics: not held out) -> same-event BCubed F1")
        results = []
        keys = list(GRID)
        for values in itertools.product(*GRID.values()):
            setting = dict(zip(keys, values, strict=True))
            cfg = dataclasses.replace(config, **setting)
            m = mean_scores([scores(run(seed, cfg), docs) for seed in seeds])
            results.append((m["event_b3"][2], str(values), setting, m))
            print(f"  {setting}  event B3 F1 {m['event_b3'][2]:.3f} "
                  f"(P {m['event_b3'][0]:.3f} R {m['event_b3'][1]:.3f})  topic B3 F1 {m['topic_b3'][2]:.3f}",
                  flush=True)
        f1, _, setting, _ = max(results, key=lambda r: (r[0], r[1]))
        print(f"best: {setting}: event B3 F1 {f1:.3f}")
    if args.db:
        cluster.recluster(store)  # leave a kept store clustered with the default configuration
    store.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
