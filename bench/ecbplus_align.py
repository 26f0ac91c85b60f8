"""Fact alignment measured on ECB+ (dev topics), with gold cross-document event coreference as a proxy.

For every gold sub-topic (documents about one seminal event) the documents are extracted and
their statements aligned by newsweave exactly as corroboration does. Then:

* recall: of the pairs of ACTION mentions in different documents that the gold puts in one
  chain, the share whose two statements newsweave put in one fact;
* precision: of the cross-document statement pairs newsweave put in one fact, the share that
  share at least one gold ACTION chain.

Only mentions and statements in the corpus's validated sentences count (the only sentences
with complete annotation). A baseline in the same run aligns any two statements whose
embedding cosine is at or above a threshold (no entities, no slots, no vetoes).

    .venv/bin/python bench/ecbplus_align.py [--topics 1,2,3] [--limit-topics N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from newsweave.corroborate import align  # noqa: E402
from newsweave.embed import embed  # noqa: E402
from newsweave.extract import extract  # noqa: E402
from newsweave.records import Article, Statement  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus"
BASELINE_THRESHOLDS = (0.7, 0.8, 0.9)

Pair = tuple[tuple[str, int], tuple[str, int]]  # ((doc, statement index), (doc, statement index))


def load(topics: set[int] | None) -> tuple[dict[str, list[dict]], dict[str, dict], list[dict]]:
    by_subtopic: dict[str, list[dict]] = defaultdict(list)
    docs: dict[str, dict] = {}
    with open(DATA / "documents.jsonl", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if topics and doc["topic"] not in topics:
                continue
            by_subtopic[doc["subtopic"]].append(doc)
            docs[doc["doc_id"]] = doc
    chains = []
    with open(DATA / "chains.jsonl", encoding="utf-8") as fh:
        for line in fh:
            chain = json.loads(line)
            if chain["type"] == "ACTION":
                chains.append(chain)
    return by_subtopic, docs, chains


def validated_spans(doc: dict) -> list[tuple[int, int]]:
    """Character spans of the validated sentences (text is the sentences joined by newlines)."""
    spans, offset = [], 0
    validated = set(doc["validated_sentences"])
    for i, sentence in enumerate(doc["sentences"]):
        if i in validated:
            spans.append((offset, offset + len(sentence)))
        offset += len(sentence) + 1
    return spans


def statement_chains(statements: list[Statement], mentions: list[tuple[int, int, str]]) -> list[set[str]]:
    """Gold chains with a mention inside each statement's clause."""
    return [{c for s, e, c in mentions if st.start <= s and e <= st.end} for st in statements]


def score(pairs: set[Pair], gold_pairs: set[Pair], chains_of: dict[tuple[str, int], set[str]]) -> tuple[float, float]:
    predicted_ok = [p for p in pairs if chains_of.get(p[0], set()) & chains_of.get(p[1], set())]
    precision = len(predicted_ok) / len(pairs) if pairs else 0.0
    recall = len(pairs & gold_pairs) / len(gold_pairs) if gold_pairs else 0.0
    return precision, recall


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", help="comma-separated topic numbers (default: all dev topics)")
    parser.add_argument("--limit-topics", type=int, default=0, help="only the first N topics")
    args = parser.parse_args()
    topics = {int(t) for t in args.topics.split(",")} if args.topics else None
    by_subtopic, docs, chains = load(topics)
    if args.limit_topics:
        keep = sorted({d["topic"] for d in docs.values()})[: args.limit_topics]
        by_subtopic = {k: v for k, v in by_subtopic.items() if v[0]["topic"] in keep}

    mentions_by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for chain in chains:
        for m in chain["mentions"]:
            if m["validated_sentence"]:
                mentions_by_doc[m["doc_id"]].append((m["char_start"], m["char_end"], chain["chain_id"]))

    started = time.perf_counter()
    ours: set[Pair] = set()
    gold: set[Pair] = set()
    baseline: dict[float, set[Pair]] = {t: set() for t in BASELINE_THRESHOLDS}
    chains_of: dict[tuple[str, int], set[str]] = {}
    n_docs = n_statements = 0
    for subtopic in sorted(by_subtopic):
        group = by_subtopic[subtopic]
        articles = [Article(id=d["doc_id"], path=d["doc_id"], body=d["text"], outlet=None, title=None) for d in group]
        extractions = {ex.article_id: ex for ex in extract(articles)}
        n_docs += len(articles)
        # statements inside validated sentences only
        keep: dict[str, list[Statement]] = {}
        for d in group:
            spans = validated_spans(d)
            statements = [st for st in extractions[d["doc_id"]].statements
                          if any(s <= st.start and st.end <= e for s, e in spans)]
            keep[d["doc_id"]] = statements
            n_statements += len(statements)
            for i, found in enumerate(statement_chains(statements, mentions_by_doc[d["doc_id"]])):
                chains_of[(d["doc_id"], i)] = found
        index_of = {(doc_id, st.start): i for doc_id, sts in keep.items() for i, st in enumerate(sts)}

        for fact in align(articles, extractions):
            members = [(a, index_of[(a, st.start)]) for a, st in fact if (a, st.start) in index_of]
            for x, y in combinations(sorted(set(members)), 2):
                if x[0] != y[0]:
                    ours.add((x, y))

        keys = sorted(chains_of_key for chains_of_key in chains_of if chains_of_key[0] in keep)
        for x, y in combinations(keys, 2):
            if x[0] != y[0] and chains_of[x] & chains_of[y]:
                gold.add((x, y))

        flat = [(doc_id, i, st) for doc_id, sts in keep.items() for i, st in enumerate(sts)]
        if flat:
            vectors = embed([st.text for _, _, st in flat])
            sims = vectors @ vectors.T
            for a, b in combinations(range(len(flat)), 2):
                if flat[a][0] == flat[b][0]:
                    continue
                pair = tuple(sorted(((flat[a][0], flat[a][1]), (flat[b][0], flat[b][1]))))
                for t in BASELINE_THRESHOLDS:
                    if sims[a, b] >= t:
                        baseline[t].add(pair)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started

    print(f"ECB+ dev: {len(by_subtopic)} sub-topics, {n_docs} documents, {n_statements} statements in validated "
          f"sentences, {len(gold)} gold cross-document statement pairs sharing an ACTION chain ({elapsed:.0f}s)")
    print(f"{'system':<34}{'pairs':>8}{'precision':>11}{'recall':>9}{'F1':>7}")
    p, r = score(ours, gold, chains_of)
    print(f"{'newsweave alignment':<34}{len(ours):>8}{p:>11.3f}{r:>9.3f}{f1(p, r):>7.3f}")
    for t in BASELINE_THRESHOLDS:
        p, r = score(baseline[t], gold, chains_of)
        print(f"{f'baseline: embedding cosine >= {t}':<34}{len(baseline[t]):>8}{p:>11.3f}{r:>9.3f}{f1(p, r):>7.3f}")


if __name__ == "__main__":
    main()
