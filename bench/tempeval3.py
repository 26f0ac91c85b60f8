"""Score newsweave's time-expression tagger on the TempEval-3 training data (TimeBank + AQUAINT).

Usage::

    .venv/bin/python bench/tempeval3.py [--limit N] [--subset TimeBank|AQUAINT] [--errors K]

Each document's text goes through the spaCy pipeline once; both systems then work on the same Docs, with the
document creation time (DCT) as the anchor:

* ``newsweave``: :func:`newsweave.extract.timex.find_timexes` (rules over the Doc + tense from the parse);
* ``baseline``: spaCy DATE/TIME entities, each normalised with dateparser (``RELATIVE_BASE`` = DCT,
  ``PREFER_DATES_FROM='current_period'``) and formatted at the granularity dateparser reports;
* ``newsweave spans + dateparser values``: our spans and types with dateparser's values, which isolates the
  normaliser (dateparser cannot express durations, sets, quarters, seasons, decades or REFs).

Printed per subset and overall (TempEval-3 task A style): span P/R/F1 strict (same offsets) and relaxed (any
overlap, one-to-one), type and value accuracy on the relaxed matches, and value F1 = value accuracy x relaxed F1
(the TE3 headline normalisation score). Speed: the time each tagger adds on top of ``nlp.pipe``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from newsweave.extract.nlp import load_nlp  # noqa: E402
from newsweave.extract.timex import find_timexes  # noqa: E402

SHARED = Path(os.environ.get("NEWSWEAVE_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data" / "tempeval3" / "documents.jsonl"


@dataclass
class Scores:
    gold: int = 0
    system: int = 0
    strict: int = 0  # system spans with exactly the gold offsets
    relaxed: int = 0  # one-to-one overlapping pairs
    type_ok: int = 0  # among relaxed pairs
    value_ok: int = 0  # among relaxed pairs
    errors: list[str] = field(default_factory=list)

    def add(self, other: Scores) -> None:
        for name in ("gold", "system", "strict", "relaxed", "type_ok", "value_ok"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def _prf(hit: int, n_sys: int, n_gold: int) -> tuple[float, float, float]:
    p = hit / n_sys if n_sys else 0.0
    r = hit / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_doc(gold: list[dict], system: list[tuple[int, int, str, str, str]], keep_errors: bool) -> Scores:
    """Match system timexes (start, end, type, value, text) to gold ones, one-to-one."""
    s = Scores(gold=len(gold), system=len(system))
    gold_spans = {(g["char_start"], g["char_end"]) for g in gold}
    s.strict = sum(1 for t in system if (t[0], t[1]) in gold_spans)
    used: set[int] = set()
    for g in gold:
        best, best_overlap = None, 0
        for i, t in enumerate(system):
            if i in used:
                continue
            overlap = min(g["char_end"], t[1]) - max(g["char_start"], t[0])
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is None:
            if keep_errors:
                s.errors.append(f"MISS  {g['type']:8} {g['value']:14} {g['text']!r}")
            continue
        used.add(best)
        t = system[best]
        s.relaxed += 1
        s.type_ok += t[2] == g["type"]
        s.value_ok += t[3] == g["value"]
        if keep_errors and t[3] != g["value"]:
            s.errors.append(
                f"VALUE {g['type']:8} gold={g['value']:14} sys={t[3]:14} {g['text']!r} ~ {t[4]!r}"
            )
    if keep_errors:
        for i, t in enumerate(system):
            if i not in used:
                s.errors.append(f"FALSE {t[2]:8} {t[3]:14} {t[4]!r}")
    return s


# ---------------------------------------------------------------- baseline: spaCy ents + dateparser


def _dateparser_normaliser():
    """value(text, dct) with dateparser, formatted at the granularity it reports ("XXXX-XX-XX" if it fails)."""
    from dateparser.date import DateDataParser

    parsers: dict[str, DateDataParser] = {}

    def value(text: str, dct: str) -> str:
        ddp = parsers.get(dct)
        if ddp is None:
            base = datetime.fromisoformat(dct[:19]) if "T" in dct else datetime.fromisoformat(dct[:10])
            ddp = parsers[dct] = DateDataParser(
                languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "current_period"}
            )
        try:
            data = ddp.get_date_data(text)
        except Exception:  # dateparser raises on some odd inputs; then it just has no value
            return "XXXX-XX-XX"
        if data is None or data.date_obj is None:
            return "XXXX-XX-XX"
        d, period = data.date_obj, data.period
        if period == "year":
            return f"{d.year:04d}"
        if period == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if period == "week":
            iso = d.isocalendar()
            return f"{iso[0]:04d}-W{iso[1]:02d}"
        if period == "time":
            return d.strftime("%Y-%m-%dT%H:%M")
        return d.strftime("%Y-%m-%d")

    return value


def _baseline_factory():
    """spaCy DATE/TIME entities, typed by their label, valued by dateparser."""
    value = _dateparser_normaliser()

    def baseline(doc, dct: str) -> list[tuple[int, int, str, str, str]]:
        return [
            (ent.start_char, ent.end_char, ent.label_, value(ent.text, dct), ent.text)
            for ent in doc.ents
            if ent.label_ in ("DATE", "TIME")
        ]

    return baseline


def _rules_dateparser_factory():
    """newsweave's spans and types, but dateparser's values: isolates the normaliser."""
    value = _dateparser_normaliser()

    def system(doc, dct: str) -> list[tuple[int, int, str, str, str]]:
        return [(t.start, t.end, t.type, value(t.text, dct), t.text) for t in find_timexes(doc, dct)]

    return system


# ---------------------------------------------------------------- report


def _print_table(title: str, by_subset: dict[str, Scores]) -> None:
    print(f"\n== {title}")
    print(
        f"{'subset':10} {'gold':>5} {'sys':>5} | {'strict P':>8} {'R':>6} {'F1':>6} | {'relax P':>8} {'R':>6} "
        f"{'F1':>6} | {'type acc':>8} {'value acc':>9} {'value F1':>8}"
    )
    for name, s in by_subset.items():
        sp, sr, sf = _prf(s.strict, s.system, s.gold)
        rp, rr, rf = _prf(s.relaxed, s.system, s.gold)
        tacc = s.type_ok / s.relaxed if s.relaxed else 0.0
        vacc = s.value_ok / s.relaxed if s.relaxed else 0.0
        print(
            f"{name:10} {s.gold:5d} {s.system:5d} | {sp:8.3f} {sr:6.3f} {sf:6.3f} | {rp:8.3f} {rr:6.3f} {rf:6.3f} "
            f"| {tacc:8.3f} {vacc:9.3f} {vacc * rf:8.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument("--subset", choices=["TimeBank", "AQUAINT"], help="only this subset")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument(
        "--errors", type=int, default=0, help="print up to K newsweave errors (misses, values, false)"
    )
    ap.add_argument("--no-baseline", action="store_true", help="skip the spaCy+dateparser baseline")
    args = ap.parse_args(argv)

    if not args.data.is_file():
        print(f"data not found: {args.data} (set NEWSWEAVE_SHARED)", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    if args.subset:
        rows = [r for r in rows if r["subset"] == args.subset]
    if args.limit:
        rows = rows[: args.limit]

    nlp = load_nlp()
    t0 = time.perf_counter()
    docs = list(nlp.pipe([r["text"] for r in rows], batch_size=32))
    t_nlp = time.perf_counter() - t0

    systems = {
        "newsweave": lambda doc, dct: [
            (t.start, t.end, t.type, t.value, t.text) for t in find_timexes(doc, dct)
        ]
    }
    if not args.no_baseline:
        systems["baseline (spaCy DATE/TIME + dateparser)"] = _baseline_factory()
        systems["newsweave spans + dateparser values"] = _rules_dateparser_factory()

    print(f"{len(rows)} documents, spaCy nlp.pipe {t_nlp:.2f}s ({len(rows) / t_nlp:.1f} docs/s)")
    for name, system in systems.items():
        by_subset: dict[str, Scores] = defaultdict(Scores)
        t0 = time.perf_counter()
        outputs = [system(doc, row["dct"]) for doc, row in zip(docs, rows, strict=True)]
        elapsed = time.perf_counter() - t0
        for row, out in zip(rows, outputs, strict=True):
            by_subset[row["subset"]].add(score_doc(row["timexes"], out, keep_errors=args.errors > 0))
        total = Scores()
        for s in list(by_subset.values()):
            total.add(s)
        by_subset["overall"] = total
        _print_table(
            f"{name}: {elapsed:.2f}s for {len(rows)} docs = {len(rows) / elapsed:.0f} docs/s "
            f"(+{100 * elapsed / t_nlp:.1f}% on nlp.pipe)",
            by_subset,
        )
        if args.errors and name == "newsweave":
            print(f"\nfirst {args.errors} newsweave errors:")
            for line in total.errors[: args.errors]:
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
