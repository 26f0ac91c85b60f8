"""Quote/attribution bench on PolNeAR (dev split): content spans, speakers, speed, and a regex baseline.

Usage: .venv/bin/python bench/polnear.py [--data ../shared/data/polnear/dev.jsonl] [--limit N]

Definitions (per article, gold = the primary annotation's attributions, predictions = newsweave's
``find_attributions`` which is what ``find_quotes_in_text`` runs; one-to-one greedy matching):
* overlap match: the predicted content overlaps at least 50% of the gold content span's characters;
* token-F1 match: token-level F1 between predicted and gold content >= 0.5 (penalises oversized spans);
* exact match: the same text after stripping quote marks, edge punctuation and a leading "that".
* source (on overlap-matched pairs whose gold relation has a source):
  span = the predicted speaker mention overlaps the gold source span (pronoun sources count: we
  resolve pronouns, but the mention we attach to is still the pronoun);
  name = the predicted speaker string shares a word with the gold source text (gold sources that are
  named, i.e. not pronouns/relatives, only; this is string overlap, not coreference).
* direct/indirect: a gold content is "direct" when it contains a quote mark; recall is given per gold
  kind, precision per predicted kind.
* speed: spaCy nlp() alone vs. nlp + resolve_entities + find_quotes (the extraction overhead).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from newsweave.extract.entities import resolve_entities  # noqa: E402
from newsweave.extract.nlp import load_nlp  # noqa: E402
from newsweave.extract.quotes import find_attributions  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "polnear" / "dev.jsonl"
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "who",
        "which",
        "that",
        "his",
        "her",
        "its",
        "their",
        "this",
        "these",
        "those",
    ]
)
STOP = frozenset(["the", "a", "an", "mr.", "mr", "mrs.", "mrs", "ms.", "ms", "of", "and", "dr.", "said"])
_WORD = re.compile(r"[\w’'.-]+")


@dataclass
class Pred:
    start: int
    end: int
    direct: bool
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None


def _tokens(text: str) -> list[str]:
    return [w.strip(".’'").lower() for w in _WORD.findall(text) if w.strip(".’'")]


def _norm(text: str) -> str:
    t = text.strip().strip("“”\"‘’'").strip(" ,.;:").strip("“”\"‘’'")
    t = re.sub(r"^that\s+", "", t)
    return " ".join(t.split()).lower()


def token_f1(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    common: dict[str, int] = {}
    for w in ta:
        common[w] = common.get(w, 0) + 1
    hit = 0
    for w in tb:
        if common.get(w, 0) > 0:
            common[w] -= 1
            hit += 1
    if not hit:
        return 0.0
    p, r = hit / len(ta), hit / len(tb)
    return 2 * p * r / (p + r)


# ---------------------------------------------------------------- baseline

_CAP_NAME = re.compile(r"\b(?:[A-Z][a-z]+\.?\s)?[A-Z][a-z]+(?:\s[A-Z][a-z]+)*")
_NOT_NAME = frozenset(
    [
        "The",
        "A",
        "An",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "But",
        "And",
        "In",
        "On",
        "At",
        "This",
        "That",
        "If",
        "When",
        "While",
        "As",
        "For",
    ]
)


def baseline(text: str) -> list[Pred]:
    """Text between quote marks; speaker = the nearest capitalised name after (80 chars) or before (200)."""
    out = []
    for m in re.finditer(r"“([^”\n]+)”|\"([^\"\n]+)\"", text):
        g = 1 if m.group(1) is not None else 2
        s, e = m.start(g), m.end(g)
        speaker = None
        sp_s = sp_e = None
        after = [
            n for n in _CAP_NAME.finditer(text, e, min(len(text), e + 80)) if n.group(0) not in _NOT_NAME
        ]
        before = [n for n in _CAP_NAME.finditer(text, max(0, s - 200), s) if n.group(0) not in _NOT_NAME]
        pick = after[0] if after else (before[-1] if before else None)
        if pick:
            speaker, sp_s, sp_e = pick.group(0), pick.start(), pick.end()
        out.append(Pred(s, e, True, speaker, sp_s, sp_e))
    return out


# ---------------------------------------------------------------- scoring


class Score:
    def __init__(self, name: str) -> None:
        self.name = name
        self.n_gold = self.n_pred = 0
        self.tp = {"overlap": 0, "tokf1": 0, "exact": 0}
        self.gold_kind = {"direct": [0, 0], "indirect": [0, 0]}  # [matched, total]
        self.pred_kind = {"direct": [0, 0], "indirect": [0, 0]}
        self.src_span = [0, 0]
        self.src_name = [0, 0]
        self.resolved = [0, 0]

    def add(self, text: str, gold: list[dict], preds: list[Pred]) -> None:
        self.n_gold += len(gold)
        self.n_pred += len(preds)
        for crit in self.tp:
            self.tp[crit] += len(_match(text, gold, preds, crit))
        pairs = _match(text, gold, preds, "overlap")
        matched_pred = {id(p) for _, p in pairs}
        matched_gold = {id(g) for g, _ in pairs}
        for g in gold:
            kind = "direct" if _is_direct(g) else "indirect"
            self.gold_kind[kind][1] += 1
            self.gold_kind[kind][0] += id(g) in matched_gold
        for p in preds:
            kind = "direct" if p.direct else "indirect"
            self.pred_kind[kind][1] += 1
            self.pred_kind[kind][0] += id(p) in matched_pred
        for g, p in pairs:
            src = g.get("source")
            self.resolved[1] += 1
            self.resolved[0] += p.speaker is not None
            if not src:
                continue
            self.src_span[1] += 1
            if (
                p.speaker_start is not None
                and p.speaker_start < src["char_end"]
                and src["char_start"] < (p.speaker_end or 0)
            ):
                self.src_span[0] += 1
            words = set(_tokens(src["text"])) - STOP
            if src["text"].lower() in PRONOUNS or not words:
                continue
            self.src_name[1] += 1
            if p.speaker and words & (set(_tokens(p.speaker)) - STOP):
                self.src_name[0] += 1

    def report(self, seconds: float, docs: int) -> None:
        print(f"== {self.name}: {self.n_pred} predicted, {self.n_gold} gold attributions")
        for crit, tp in self.tp.items():
            p = tp / self.n_pred if self.n_pred else 0.0
            r = tp / self.n_gold if self.n_gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            print(f"   content {crit:8s} P {p:6.1%}  R {r:6.1%}  F1 {f:6.1%}")
        for kind in ("direct", "indirect"):
            gm, gt = self.gold_kind[kind]
            pm, pt = self.pred_kind[kind]
            print(
                f"   {kind:8s} recall {gm}/{gt} = {gm / max(1, gt):6.1%}   precision {pm}/{pt} = {pm / max(1, pt):6.1%}"
            )
        a, b = self.src_span
        print(f"   source span acc (matched, gold has source) {a}/{b} = {a / max(1, b):6.1%}")
        a, b = self.src_name
        print(f"   source name acc (matched, named gold source) {a}/{b} = {a / max(1, b):6.1%}")
        a, b = self.resolved
        print(f"   matched with any speaker {a}/{b} = {a / max(1, b):6.1%}")
        if seconds:
            print(f"   speed {docs / seconds:6.1f} docs/s")


def _is_direct(g: dict) -> bool:
    c = g["content"]["text"]
    return any(q in c for q in '“”"')


def _match(text: str, gold: list[dict], preds: list[Pred], crit: str) -> list[tuple[dict, Pred]]:
    """One-to-one greedy matching, best score first."""
    scored = []
    for g in gold:
        gs, ge = g["content"]["char_start"], g["content"]["char_end"]
        for p in preds:
            ov = min(ge, p.end) - max(gs, p.start)
            if ov <= 0:
                continue
            if crit == "overlap":
                score = ov / max(1, ge - gs)
                ok = score >= 0.5
            elif crit == "tokf1":
                score = token_f1(text[p.start : p.end], text[gs:ge])
                ok = score >= 0.5
            else:
                score = 1.0
                ok = _norm(text[p.start : p.end]) == _norm(text[gs:ge])
            if ok:
                scored.append((score, ov, g, p))
    scored.sort(key=lambda x: (-x[0], -x[1]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, _, g, p in scored:
        if id(g) in used_g or id(p) in used_p:
            continue
        used_g.add(id(g))
        used_p.add(id(p))
        out.append((g, p))
    return out


def load(path: Path, limit: int | None) -> list[dict]:
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                docs.append(json.loads(line))
            if limit and len(docs) >= limit:
                break
    return docs


def run(docs: Iterable[dict]) -> None:
    docs = list(docs)
    nlp = load_nlp()
    nlp("warm up")
    ours, base = (
        Score("newsweave (find_quotes_in_text)"),
        Score("baseline (regex quotes + nearest capitalised name)"),
    )
    t_nlp = t_ext = t_base = 0.0
    for d in docs:
        text, gold = d["text"], d["attributions"]
        authors = [a.strip() for a in re.split(r",| and ", d.get("author") or "") if a.strip()]
        t0 = time.perf_counter()
        doc = nlp(text)
        t1 = time.perf_counter()
        ents, mentions = resolve_entities(doc, authors)
        atts = find_attributions(doc, ents, mentions)
        t2 = time.perf_counter()
        preds = [
            Pred(a.quote.start, a.quote.end, a.quote.direct, a.quote.speaker, a.speaker_start, a.speaker_end)
            for a in atts
        ]
        t_nlp += t1 - t0
        t_ext += t2 - t1
        ours.add(text, gold, preds)
        t3 = time.perf_counter()
        bpreds = baseline(text)
        t_base += time.perf_counter() - t3
        base.add(text, gold, bpreds)
    n = len(docs)
    print(f"PolNeAR: {n} articles, {sum(len(d['attributions']) for d in docs)} gold attributions")
    ours.report(t_nlp + t_ext, n)
    print(
        f"   (spaCy alone {n / t_nlp:.1f} docs/s; entities+quotes add {t_ext / t_nlp:.1%} to the parse time)"
    )
    base.report(t_base, n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = ap.parse_args(argv)
    if not args.data.is_file():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    run(load(args.data, args.limit))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
