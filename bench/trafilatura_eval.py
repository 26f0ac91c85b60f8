"""Cleaning quality on the trafilatura evaluation pages: newsweave's clean() vs plain trafilatura.

Scoring follows trafilatura's own evaluation: every ``with`` snippet found in the extracted text is
a true positive (else a false negative), every ``without`` snippet found is a false positive (else
a true negative); precision, recall, F1 and accuracy are computed over all snippets of all pages.
Metadata: title, author and date accuracy over the pages that have metadata gold (``null`` gold
is skipped; ``""`` gold is right when the system finds nothing).

Both systems get the same decoded page text and the page URL from the gold. Plain trafilatura is
``trafilatura.extract`` with its defaults plus ``trafilatura.extract_metadata``.

    .venv/bin/python bench/trafilatura_eval.py [--limit N] [--jobs 2] [--errors 10] [--languages]

The HTML archive is unpacked once into bench/_work/ (git-ignored).
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import re
import sys
import tarfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSWEAVE_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data" / "trafilatura-eval"
WORK = REPO / "bench" / "_work" / "trafilatura-eval"
SYSTEMS = ("newsweave", "trafilatura")


# ------------------------------------------------------------------ data


def unpack(data: Path, work: Path) -> Path:
    """Unpack html.tar.gz into ``work`` once; return the folder holding ``html/``."""
    marker = work / ".unpacked"
    if not marker.exists():
        work.mkdir(parents=True, exist_ok=True)
        with tarfile.open(data / "html.tar.gz") as archive:
            archive.extractall(work, filter="data")
        marker.write_text("ok\n")
    return work


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)


def decode_html(raw: bytes) -> tuple[str, str]:
    """Decode page bytes: BOM, then strict UTF-8 (a page that decodes as UTF-8 almost surely is),
    then the declared charset, then charset-normalizer's guess. Latin-1 reads as cp1252 (as
    browsers do)."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(name, errors="replace"), name
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(raw[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        name = "cp1252" if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii") else name
        try:
            return raw.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass
    best = from_bytes(raw).best()
    if best is not None:
        return str(best), best.encoding
    return raw.decode("cp1252", errors="replace"), "cp1252"


# ------------------------------------------------------------------ running the systems


def run_page(job: tuple[str, str, str | None]) -> dict[str, Any]:
    """Both systems on one page (runs in a worker process)."""
    page_id, path, url = job
    raw = Path(path).read_bytes()
    text, encoding = decode_html(raw)
    return {
        "id": page_id,
        "encoding": encoding,
        "newsweave": _run_newsweave(page_id, raw, text, url, encoding),
        "trafilatura": _run_trafilatura(text, url),
    }


def _run_newsweave(page_id: str, raw: bytes, text: str, url: str | None, encoding: str) -> dict[str, Any]:
    from newsweave.clean import NoArticleError, clean
    from newsweave.records import RawDocument

    doc = RawDocument(
        path=page_id, format="html", raw=raw, text=text, encoding=encoding, content_format="html",
        given={"url": url} if url else {},
    )  # fmt: skip
    started = time.perf_counter()
    try:
        article = clean(doc)
    except NoArticleError:
        return {
            "text": "",
            "title": None,
            "authors": [],
            "date": None,
            "seconds": time.perf_counter() - started,
        }
    return {
        "text": article.body,
        "title": article.title,
        "authors": article.authors,
        "date": article.published,
        "language": article.language,
        "seconds": time.perf_counter() - started,
    }


def _run_trafilatura(text: str, url: str | None) -> dict[str, Any]:
    import trafilatura

    started = time.perf_counter()
    extracted = trafilatura.extract(text, url=url) or ""
    meta = trafilatura.extract_metadata(text, default_url=url)
    author = meta.author if meta else None
    return {
        "text": extracted,
        "title": meta.title if meta else None,
        "authors": [a.strip() for a in author.split(";")] if author else [],
        "date": meta.date if meta else None,
        "seconds": time.perf_counter() - started,
    }


# ------------------------------------------------------------------ scoring


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    meta: Counter = field(default_factory=Counter)  # "<field>_ok" and "<field>_n"
    seconds: float = 0.0

    def add_snippets(self, text: str, gold: dict[str, Any]) -> tuple[int, int]:
        """Count this page's snippets; returns (missed with-snippets, kept without-snippets)."""
        missed = kept = 0
        for snippet in gold["with"]:
            if snippet in text:
                self.tp += 1
            else:
                self.fn += 1
                missed += 1
        for snippet in gold["without"]:
            if snippet in text:
                self.fp += 1
                kept += 1
            else:
                self.tn += 1
        return missed, kept

    def add_meta(self, result: dict[str, Any], gold: dict[str, Any]) -> None:
        checks = {
            "title": (gold.get("title"), _same_title),
            "author": (gold.get("author"), _same_authors),
            "date": (gold.get("date"), _same_date),
        }
        value = {"title": result.get("title"), "author": result.get("authors"), "date": result.get("date")}
        for name, (expected, same) in checks.items():
            if expected is None:
                continue
            self.meta[f"{name}_n"] += 1
            self.meta[f"{name}_ok"] += int(same(value[name], expected))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    def meta_accuracy(self, name: str) -> float:
        n = self.meta[f"{name}_n"]
        return self.meta[f"{name}_ok"] / n if n else 0.0


def _norm(text: str) -> str:
    text = " ".join(text.split()).casefold()
    return text.strip(" \"'“”„«».:;!?-–—")


def _same_title(found: str | None, gold: str) -> bool:
    return _norm(found or "") == _norm(gold)


_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|/|&|\band\b|\bund\b|\bmit\b|\bet\b)\s*", re.I)


def _name_set(value: Any) -> set[str]:
    text = "; ".join(value) if isinstance(value, list) else str(value or "")
    text = re.sub(r"^\s*(?:von|by|par|por)\s+", "", text, flags=re.I)
    return {_norm(part) for part in _NAME_SEPARATORS.split(text) if _norm(part)}


def _same_authors(found: list[str] | None, gold: str | list[str]) -> bool:
    return _name_set(found or []) == _name_set(gold)


def _same_date(found: str | None, gold: str) -> bool:
    return (found or "")[:10] == gold


# ------------------------------------------------------------------ main


def evaluate(args: argparse.Namespace) -> dict[str, Score]:
    gold: dict[str, dict[str, Any]] = json.loads((args.data / "gold.json").read_text(encoding="utf-8"))
    root = unpack(args.data, args.work)
    ids = sorted(gold)[: args.limit] if args.limit else sorted(gold)
    jobs = [(page_id, str(root / gold[page_id]["file"]), gold[page_id].get("url")) for page_id in ids]
    scores = {system: Score() for system in SYSTEMS}
    misses: dict[str, list[tuple[int, str, str]]] = {system: [] for system in SYSTEMS}
    languages: Counter = Counter()
    results: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for result in pool.map(run_page, jobs, chunksize=4):
            page = gold[result["id"]]
            results.append(result)
            for system in SYSTEMS:
                out = result[system]
                missed, kept = scores[system].add_snippets(out["text"], page)
                scores[system].add_meta(out, page)
                scores[system].seconds += out["seconds"]
                if missed or kept:
                    misses[system].append(
                        (missed + kept, result["id"], f"missed {missed}, kept clutter {kept}")
                    )
            languages[result["newsweave"].get("language", "none")] += 1
    _report(scores, len(jobs))
    if args.errors:
        for system in SYSTEMS:
            print(f"\nworst pages for {system}:")
            for _, page_id, what in sorted(misses[system], reverse=True)[: args.errors]:
                print(f"  {page_id}: {what}")
    print("\nnewsweave languages:", dict(languages.most_common(8)))
    if args.languages:
        _compare_language_modes(results)
    if args.dump:
        args.dump.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return scores


def _report(scores: dict[str, Score], pages: int) -> None:
    print(f"pages: {pages}")
    header = f"{'system':12s} {'precision':>9s} {'recall':>7s} {'F1':>6s} {'accuracy':>8s} {'title':>6s} {'author':>6s} {'date':>6s} {'s/page':>7s}"
    print(header)
    for system, s in scores.items():
        print(
            f"{system:12s} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.accuracy:8.3f} "
            f"{s.meta_accuracy('title'):6.3f} {s.meta_accuracy('author'):6.3f} {s.meta_accuracy('date'):6.3f} "
            f"{s.seconds / max(pages, 1):7.3f}"
        )
    first = next(iter(scores.values()))
    print(
        f"snippets: tp+fn={first.tp + first.fn} fp+tn={first.fp + first.tn}; metadata pages: "
        f"title {first.meta['title_n']}, author {first.meta['author_n']}, date {first.meta['date_n']}"
    )


def _compare_language_modes(results: list[dict[str, Any]]) -> None:
    """How often cheaper settings agree with lingua's high-accuracy mode on the first 3,000 characters.

    The settings: low-accuracy mode (trigrams only) on the first 3,000, 1,500, 1,000 and 500
    characters of each cleaned body, and newsweave's own: the English function-word check, then
    low-accuracy mode on ``SAMPLE_CHARS``. The check may only ever say English: its table row
    counts where it answered, and any of those the reference calls another language.
    """
    from newsweave.clean.language import SAMPLE_CHARS, clearly_english, detect_language

    texts = [r["newsweave"]["text"] for r in results if r["newsweave"]["text"]]
    started = time.perf_counter()
    reference = [detect_language(text, low_accuracy=False, sample_chars=3000, english_check=False)
                 for text in texts]
    print(f"language: high-accuracy mode, first 3,000 characters: {time.perf_counter() - started:.1f}s "
          f"for {len(texts)} bodies; newsweave uses the English check, then low-accuracy mode on the "
          f"first {SAMPLE_CHARS:,}")
    for chars in (3000, 1500, 1000, 500):
        started = time.perf_counter()
        found = [detect_language(text, low_accuracy=True, sample_chars=chars, english_check=False) for text in texts]
        seconds = time.perf_counter() - started
        same = sum(a == b for a, b in zip(found, reference, strict=True))
        print(f"  low-accuracy, first {chars:,} characters: agrees on {same}/{len(texts)} bodies; {seconds:.1f}s")
    started = time.perf_counter()
    found = [detect_language(text) for text in texts]
    seconds = time.perf_counter() - started
    same = sum(a == b for a, b in zip(found, reference, strict=True))
    checked = [ref for text, ref in zip(texts, reference, strict=True) if clearly_english(text[:SAMPLE_CHARS])]
    english = sum(ref == "en" for ref in reference)
    print(f"  newsweave (English check, then low-accuracy on {SAMPLE_CHARS:,}): agrees on {same}/{len(texts)} "
          f"bodies; {seconds:.1f}s; the check answered {len(checked)} ({english} English by the reference), "
          f"{sum(ref != 'en' for ref in checked)} of them not English by the reference")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with gold.json and html.tar.gz")
    parser.add_argument("--work", type=Path, default=WORK, help="where to unpack the pages")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (by id)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--errors", type=int, default=0, help="list the N worst pages per system")
    parser.add_argument(
        "--languages", action="store_true", help="compare lingua low- and high-accuracy modes"
    )
    parser.add_argument("--dump", type=Path, help="write per-page outputs as JSON")
    args = parser.parse_args(argv)
    if not (args.data / "gold.json").exists():
        print(f"evaluation data not found in {args.data}", file=sys.stderr)
        return 2
    evaluate(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
