"""Political event coding (PLOVER/CAMEO) measured on two development sets.

(a) ``petrarch-gsr``: 78 English sentences with gold CAMEO codings (code, source actor, target
    actor; some sentences have none). Scored per sentence as sets: CAMEO root (2 digits), full code,
    and (root, source country, target country) triples, where a gold actor counts by its first
    three letters (``USA``, ``IGO``, ``---``) and ours by the actor's ISO3 country (``IGO`` for an
    intergovernmental organisation, ``---`` when unknown). A symmetric event ("A and B met") counts in
    both directions, as the gold codes it. The no-event sentences are reported apart: how many we
    leave empty, and how many events we invent on them.
(b) ``conflibert-cameo``: sentences with a 5-way CAMEO class (0 neutral/statements and appeals, 1 verbal
    cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict) and source/target
    actor spans. Our class is the penta-class of the sentence's main event (the one on the main verb,
    else the first), 0 when we code nothing; actor spans are the main event's actor1/actor2 mention
    spans, scored by overlap against the gold source / target spans (a reciprocal gold span counts for
    either role).

A majority-class baseline is printed in the same run. Entities and dates come from the module's own
fallbacks (``fallback_mentions``: spaCy NER plus a country table), not from ``extract.entities``.

    .venv/bin/python bench/events_eval.py [--limit N] [--split test|train|both] [--loose] [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from newsweave.extract.events import (  # noqa: E402
    CodedEvent,
    code_events_detailed,
    fallback_mentions,
    fallback_timexes,
    quad_class,
)
from newsweave.extract.nlp import load_nlp  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CLASS_NAMES = ["neutral", "verb-coop", "mat-coop", "verb-conf", "mat-conf"]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def fmt(name: str, tp: int, fp: int, fn: int) -> str:
    p, r, f = prf(tp, fp, fn)
    return f"  {name:<34} P {p:6.1%}  R {r:6.1%}  F1 {f:6.1%}   (tp {tp}, fp {fp}, fn {fn})"


def code_docs(
    texts: list[str], dates: list[str | None], loose: bool
) -> tuple[list[list[CodedEvent]], list, float, float]:
    """Parse and code; returns the events per text, the docs, and parse / coding seconds."""
    nlp = load_nlp()
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=64))
    t1 = time.perf_counter()
    out = []
    for doc, d in zip(docs, dates, strict=True):
        ents, ments = fallback_mentions(doc)
        out.append(code_events_detailed(doc, ents, ments, fallback_timexes(doc, d), d, loose=loose))
    t2 = time.perf_counter()
    return out, docs, t1 - t0, t2 - t1


def actor_code(name: str | None, country: str | None, kind_igo: bool) -> str:
    if kind_igo:
        return "IGO"
    return country or "---"


IGO_NAMES = {
    "United Nations",
    "European Union",
    "NATO",
    "African Union",
    "ASEAN",
    "Arab League",
    "Interpol",
    "International Atomic Energy Agency",
    "World Health Organization",
    "International Monetary Fund",
    "World Bank",
    "Organization of American States",
    "ECOWAS",
    "OPEC",
    "International Criminal Court",
}


def triples(ce: CodedEvent) -> set[tuple[str, str, str]]:
    ev = ce.event
    a1 = actor_code(ev.actor1, ev.actor1_country, ev.actor1 in IGO_NAMES)
    a2 = actor_code(ev.actor2, ev.actor2_country, ev.actor2 in IGO_NAMES) if ev.actor2 else "---"
    root = (ev.cameo or "")[:2]
    out = {(root, a1, a2)}
    if ce.symmetric and ev.actor2:
        out.add((root, a2, a1))
    return out


# ---------------------------------------------------------------- petrarch-gsr


def eval_petrarch(limit: int | None, loose: bool, show: bool) -> None:
    with open(DATA / "petrarch-gsr" / "sentences.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rows = [r for r in rows if r["text"].strip()]
    if limit:
        rows = rows[:limit]
    dates = [f"{r['date'][:4]}-{r['date'][4:6]}-{r['date'][6:8]}" if r.get("date") else None for r in rows]
    coded, _, t_parse, t_code = code_docs([r["text"] for r in rows], dates, loose)
    c = Counter()
    no_event_total = no_event_ok = invented = 0
    gold_roots_all: Counter[str] = Counter()
    gold_codes_all: Counter[str] = Counter()
    for r in rows:
        for e in r["events"]:
            gold_roots_all[e["event_code"][:2]] += 1
            gold_codes_all[e["event_code"]] += 1
    maj_root = gold_roots_all.most_common(1)[0][0]
    maj_code = gold_codes_all.most_common(1)[0][0]
    b = Counter()
    for r, evs in zip(rows, coded, strict=True):
        gold = r["events"]
        g_root = {e["event_code"][:2] for e in gold}
        g_code = {e["event_code"] for e in gold}
        g_tri = {(e["event_code"][:2], e["source_actor"][:3], e["target_actor"][:3]) for e in gold}
        p_root = {(ce.event.cameo or "")[:2] for ce in evs}
        p_code = {ce.event.cameo for ce in evs if ce.event.cameo}
        p_tri = set().union(*(triples(ce) for ce in evs)) if evs else set()
        for name, g, p in (("root", g_root, p_root), ("code", g_code, p_code), ("triple", g_tri, p_tri)):
            c[name, "tp"] += len(g & p)
            c[name, "fp"] += len(p - g)
            c[name, "fn"] += len(g - p)
        # baseline: the most frequent gold root / code on every sentence
        for name, g, p in (("root", g_root, {maj_root}), ("code", g_code, {maj_code})):
            b[name, "tp"] += len(g & p)
            b[name, "fp"] += len(p - g)
            b[name, "fn"] += len(g - p)
        if not gold:
            no_event_total += 1
            no_event_ok += not evs
            invented += len(evs)
        if show and (g_tri != p_tri):
            print(f"- {r['text'][:160]}")
            print(f"    gold {sorted(g_tri)}  {sorted(g_code)}")
            print(
                f"    ours {sorted(p_tri)}  {sorted(p_code)}  "
                + "; ".join(f"{ce.event.trigger}:{ce.event.actor1}->{ce.event.actor2}" for ce in evs)
            )
    n = len(rows)
    print(
        f"\n== petrarch-gsr: {n} sentences, {sum(len(r['events']) for r in rows)} gold codings"
        + (" (loose actors)" if loose else "")
    )
    print(fmt("CAMEO root (2 digits)", c["root", "tp"], c["root", "fp"], c["root", "fn"]))
    print(fmt("CAMEO full code", c["code", "tp"], c["code", "fp"], c["code", "fn"]))
    print(fmt("(root, source, target) triple", c["triple", "tp"], c["triple", "fp"], c["triple", "fn"]))
    print(
        f"  no-event sentences: {no_event_ok}/{no_event_total} left empty, {invented} events invented on them"
    )
    print(f"  baseline: every sentence coded as the most frequent gold root {maj_root} / code {maj_code}")
    print(fmt("  baseline root", b["root", "tp"], b["root", "fp"], b["root", "fn"]))
    print(fmt("  baseline full code", b["code", "tp"], b["code", "fp"], b["code", "fn"]))
    print(
        f"  speed: parse {n / t_parse:,.0f} sent/s, coding {n / t_code:,.0f} sent/s (coding = {t_code / t_parse:.0%} of parse time)"
    )


# ---------------------------------------------------------------- conflibert-cameo


def main_event(evs: list[CodedEvent], doc) -> CodedEvent | None:  # noqa: ANN001
    if not evs:
        return None
    for ce in evs:
        if doc[ce.clause_i].dep_ == "ROOT":
            return ce
    return min(evs, key=lambda ce: ce.trigger_i)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def macro_f1(gold: list[int], pred: list[int]) -> tuple[float, list[tuple[float, float, float]]]:
    per = []
    for k in range(5):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == k and p == k)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != k and p == k)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == k and p != k)
        per.append(prf(tp, fp, fn))
    return sum(f for _, _, f in per) / 5, per


def eval_conflibert(split: str, limit: int | None, loose: bool, show: bool) -> None:
    with open(DATA / "conflibert-cameo" / f"{split}.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rows = [r for r in rows if r["event_class"] is not None]
    if limit:
        rows = rows[:limit]
    coded, docs, t_parse, t_code = code_docs([r["text"] for r in rows], [None] * len(rows), loose)
    gold = [r["event_class"] for r in rows]
    pred = []
    span = Counter()
    for r, evs, doc in zip(rows, coded, docs, strict=True):
        me = main_event(evs, doc)
        k = quad_class(me.event.cameo) if me else 0
        pred.append(k)
        if show and k != r["event_class"]:
            desc = (
                f"{me.event.cameo} {me.event.trigger}: {me.event.actor1} -> {me.event.actor2}" if me else "-"
            )
            print(f"- gold {r['event_class']} ours {k} [{desc}] {r['text'][:150]}")
        if not r.get("has_span_annotation"):
            continue
        recip = [(s["char_start"], s["char_end"]) for s in r["reciprocal_actor"] or []]
        for role, gold_spans, ours in (
            (
                "source",
                [(s["char_start"], s["char_end"]) for s in r["source_actor"] or []] + recip,
                me.actor1_span if me else None,
            ),
            (
                "target",
                [(s["char_start"], s["char_end"]) for s in r["target_actor"] or []] + recip,
                me.actor2_span if me else None,
            ),
        ):
            if ours is not None:
                hit = any(overlap(ours, g) for g in gold_spans)
                span[role, "tp"] += hit
                span[role, "fp"] += not hit
            span[role, "fn"] += sum(1 for g in gold_spans if ours is None or not overlap(ours, g))
            span[role, "gold_hit"] += sum(1 for g in gold_spans if ours is not None and overlap(ours, g))
    n = len(rows)
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / n
    mf1, per = macro_f1(gold, pred)
    maj = Counter(gold).most_common(1)[0][0]
    b_acc = sum(g == maj for g in gold) / n
    b_mf1, _ = macro_f1(gold, [maj] * n)
    print(
        f"\n== conflibert-cameo ({split}): {n} sentences, classes {dict(sorted(Counter(gold).items()))}"
        + (" (loose actors)" if loose else "")
    )
    print(f"  5-class accuracy {acc:6.1%}   macro-F1 {mf1:6.1%}")
    for k, (p, r_, f) in enumerate(per):
        print(f"    class {k} {CLASS_NAMES[k]:<10} P {p:6.1%} R {r_:6.1%} F1 {f:6.1%}")
    print(
        f"  baseline (always class {maj} {CLASS_NAMES[maj]}): accuracy {b_acc:6.1%}   macro-F1 {b_mf1:6.1%}"
    )
    conf = Counter(zip(gold, pred, strict=True))
    print(
        "  confusion (rows gold, cols ours): "
        + " | ".join(" ".join(f"{conf[g, p]:3d}" for p in range(5)) for g in range(5))
    )
    for role in ("source", "target"):
        tp, fp = span[role, "tp"], span[role, "fp"]
        gold_n = span[role, "gold_hit"] + span[role, "fn"]
        p = tp / (tp + fp) if tp + fp else 0.0
        rc = span[role, "gold_hit"] / gold_n if gold_n else 0.0
        f = 2 * p * rc / (p + rc) if p + rc else 0.0
        print(
            f"  {role} span overlap: P {p:6.1%}  R {rc:6.1%}  F1 {f:6.1%}   (predicted {tp + fp}, gold {gold_n})"
        )
    print(
        f"  speed: parse {n / t_parse:,.0f} sent/s, coding {n / t_code:,.0f} sent/s (coding = {t_code / t_parse:.0%} of parse time)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N sentences of each set")
    ap.add_argument(
        "--split", choices=["test", "train", "both"], default="test", help="conflibert split (default test)"
    )
    ap.add_argument(
        "--loose", action="store_true", help="keep actors that are plain noun phrases (no entity/country)"
    )
    ap.add_argument("--show-errors", action="store_true", help="print the sentences we get wrong")
    ap.add_argument("--only", choices=["petrarch", "conflibert"], default=None)
    args = ap.parse_args()
    if args.only in (None, "petrarch"):
        eval_petrarch(args.limit, args.loose, args.show_errors)
    if args.only in (None, "conflibert"):
        for split in ("train", "test") if args.split == "both" else (args.split,):
            eval_conflibert(split, args.limit, args.loose, args.show_errors)


if __name__ == "__main__":
    main()
