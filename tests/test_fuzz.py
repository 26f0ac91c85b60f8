"""Fuzzing ingest: random and mutated HTML, text and JSON Lines never crash a run.

Every input item (a file, or a non-blank JSON Lines row) must come out exactly once as stored,
a duplicate, or an IngestError naming its file (and line) with a clear one-line message; the
store must stay consistent whatever went in. Mutations start from generated news pages, so
they reach deep into cleaning and extraction instead of stopping at the first parse error.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgen import GeneratedArticle, iter_articles, render_html, render_jsonl, render_txt
from newsweave import pipeline
from newsweave.extract.nlp import load_nlp
from newsweave.records import RawDocument
from newsweave.store import Store
from store_checks import connect, store_problems

MAX_BYTES = 300_000  # small, so the fuzzer also meets the size limit
# Few examples keep `make test` quick; NEWSWEAVE_FUZZ_EXAMPLES=500 runs a longer campaign.
EXAMPLES = int(os.environ.get("NEWSWEAVE_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.data_too_large])

Draw = Callable[..., object]


@pytest.fixture(scope="module", autouse=True)
def warm_spacy() -> None:
    load_nlp()  # cached per process: every example reuses this one load


def article(seed: int) -> GeneratedArticle:
    return next(iter_articles(1, seed=seed))


seeds = st.integers(0, 100_000)
control = st.sampled_from(["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u202e",
                           "\ufeff", "\ufffd", "\r", "\t"])
invalid_utf8 = st.sampled_from([b"\xff", b"\xfe\xfe", b"\xc3(", b"\xe2\x82", b"\xf0\x28\x8c\x28", b"\xed\xa0\x80",
                                b"\xc0\xaf", b"\x80\x80\x80"])


def insert(text: str, draw: Draw, piece: str) -> str:
    at = draw(st.integers(0, len(text)))
    return text[:at] + piece + text[at:]


@st.composite
def html_pages(draw: Draw) -> bytes:
    """A generated news page with a few mutations, in some encoding, maybe with bytes flipped."""
    page = render_html(article(draw(seeds)))
    for mutation in draw(st.lists(st.sampled_from(
            ["truncate", "nest", "script", "attribute", "charset", "junk", "control", "unclose", "comment"]),
            max_size=4)):
        if mutation == "truncate":
            page = page[:draw(st.integers(0, len(page)))]
        elif mutation == "nest":
            depth = draw(st.integers(1, 5000))
            closed = draw(st.booleans())
            page = insert(page, draw, "<div><span>" * depth + "deep text" + ("</span></div>" * depth if closed else ""))
        elif mutation == "script":
            body = draw(st.text(max_size=200))
            page = insert(page, draw, f"<script>{body}" + draw(st.sampled_from(["</script>", ""])))
        elif mutation == "attribute":
            size = draw(st.integers(100, 200_000))
            page = insert(page, draw, f'<p data-x="{"a" * size}" class=\'{"b" * 50}\'>attr</p>')
        elif mutation == "charset":
            odd = draw(st.sampled_from(["x-unknown", "utf-16", "", "shift_jis", "'><b>", "latin-1", "utf-7",
                                        "koi8-r", "utf-32", "gb18030"]))
            page = page.replace('charset="utf-8"', f'charset="{odd}"')
        elif mutation == "junk":
            page = insert(page, draw, draw(st.text(max_size=80)))
        elif mutation == "control":
            page = insert(page, draw, draw(control) * draw(st.integers(1, 50)))
        elif mutation == "unclose":
            page = page.replace(draw(st.sampled_from(["</p>", "</article>", "</head>", "</title>", ">"])), "")
        else:
            page = insert(page, draw, draw(st.sampled_from(["<!--", "<![CDATA[", "<?xml version='1.0'?>",
                                                            "<!DOCTYPE", "&#x0;", "&#xD800;", "&bogus;"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1", "cp1252", "utf-16", "shift_jis", "koi8-r"]))
    data = page.encode(encoding, errors="replace")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(invalid_utf8) + data[at:]
    return data


@st.composite
def text_pages(draw: Draw) -> bytes:
    """A scraped page as text with control characters, invalid UTF-8 or an odd encoding, or random text."""
    if draw(st.integers(0, 4)) == 0:
        text = draw(st.text(max_size=2000))
    else:
        text = render_txt(article(draw(seeds)))
        for _ in range(draw(st.integers(0, 6))):
            text = insert(text, draw, draw(control) * draw(st.integers(1, 400)))
        if draw(st.booleans()):
            text = text[:draw(st.integers(0, len(text)))]
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "utf-16-le", "latin-1", "cp1252"])),
                       errors="replace")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(invalid_utf8) + data[at:]
    return data


ODD_STRINGS = ["2026-13-45", "yesterday", "0000-00-00T99:99", "javascript:x", "http://", "https://[::1",
               "http://x:99999999/", "//[", "9" * 30, "\x00", "Z", "mailto:@", "+99:99"]
odd_metadata = st.dictionaries(
    st.sampled_from(["url", "title", "outlet", "published", "updated", "authors", "fetched", "language"]),
    st.one_of(st.text(max_size=40), st.sampled_from(ODD_STRINGS)),
    max_size=5,
)

json_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
                        st.lists(st.one_of(st.integers(), st.text(max_size=10)), max_size=3),
                        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3))
JSONL_KEYS = ["text", "html", "title", "authors", "published", "updated", "url", "outlet", "fetched"]


@st.composite
def jsonl_rows(draw: Draw) -> bytes:
    """One JSON Lines row: good, with a field of the wrong type, broken, hostile, or not an object."""
    good = render_jsonl(article(draw(seeds)))
    kind = draw(st.sampled_from(["good", "wrong type", "odd value", "truncated", "not object", "deep",
                                 "huge number", "bad utf-8", "html", "empty text", "junk"]))
    if kind == "good":
        return good.encode()
    if kind == "odd value":
        row = json.loads(good)
        row.update(draw(odd_metadata))
        return _dumps(row).encode()
    if kind == "wrong type":
        key = draw(st.sampled_from(JSONL_KEYS))
        return good.replace('{"text"', f'{{"{key}": {_dumps(draw(json_values))}, "text"', 1).encode() \
            if key != "text" else good.replace('"text": ', f'"text": {_dumps(draw(json_values))}, "x": ', 1).encode()
    if kind == "truncated":
        return good[:draw(st.integers(1, len(good) - 1))].encode()
    if kind == "not object":
        return _dumps(draw(st.one_of(st.integers(), st.text(max_size=20), st.lists(st.integers()), st.none()))).encode()
    if kind == "deep":
        depth = draw(st.integers(500, 50_000))
        return ('{"text": ' + "[" * depth + "]" * draw(st.sampled_from([0, depth])) + "}").encode()
    if kind == "huge number":
        return good.replace('{"text"', '{"n": ' + "9" * draw(st.integers(4000, 20_000)) + ', "text"', 1).encode()
    if kind == "bad utf-8":
        data = good.encode()
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(invalid_utf8) + data[at:]
    if kind == "html":
        return _dumps({"html": html_text(draw), "title": draw(st.text(max_size=30))}).encode()
    if kind == "empty text":
        return _dumps({"text": draw(st.sampled_from(["", "   ", "\n\n", "\u200b"])), "title": "x"}).encode()
    return draw(st.binary(max_size=200)).replace(b"\n", b" ")


def html_text(draw: Draw) -> str:
    return render_html(article(draw(seeds)))[: draw(st.integers(0, 5000))]


def _dumps(value: object) -> str:
    return json.dumps(value)


@st.composite
def jsonl_files(draw: Draw) -> bytes:
    rows = draw(st.lists(jsonl_rows(), min_size=1, max_size=6))
    blank = draw(st.sampled_from([b"", b"   ", b"\r"]))
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), blank)
    return draw(st.sampled_from([b"\n", b"\r\n"])).join(rows) + draw(st.sampled_from([b"", b"\n"]))


SUFFIXES = st.sampled_from([".txt", ".html", ".jsonl", ".htm", ".text"])
any_file = st.one_of(
    st.tuples(st.just(".html"), html_pages()),
    st.tuples(st.sampled_from([".txt", ".text"]), text_pages()),
    st.tuples(st.just(".jsonl"), jsonl_files()),
    st.tuples(SUFFIXES, st.binary(max_size=3000)),
)


# ---------------------------------------------------------------- the oracle


def expected_items(path: Path, data: bytes) -> set[str]:
    """Where each input item of one file is reported: the file, or each non-blank JSON Lines row."""
    if path.suffix != ".jsonl" or len(data) > MAX_BYTES or not data.strip():
        return {str(path)}
    return {f"{path}:{n}" for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()}


def ingest_files(files: list[tuple[str, bytes]]) -> None:
    """Ingest ``files`` into a fresh store and check every outcome and the store."""
    with tempfile.TemporaryDirectory(prefix="nw-fuzz-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        expected: dict[str, Path] = {}
        for i, (suffix, data) in enumerate(files):
            path = folder / f"item{i}{suffix}"
            path.write_bytes(data)
            expected.update(dict.fromkeys(expected_items(path, data), path))
        events: list[tuple[str, str]] = []
        db = Path(tmp) / "fuzz.db"
        with Store(db) as store:
            result = pipeline.ingest(store, [folder], max_bytes=MAX_BYTES, workers=1, nlp=load_nlp(),
                                     on_progress=lambda what, where: events.append((what, where)))
        check_outcomes(expected, events, result, db)


def check_outcomes(expected: dict[str, Path], events: list[tuple[str, str]], result: pipeline.IngestResult,
                   db: Path) -> None:
    reported = Counter(where for _, where in events)
    assert reported == Counter(expected.keys()), "every item must be reported exactly once"
    kinds = Counter(what for what, _ in events)
    assert kinds["added"] == len(result.added)
    assert kinds["duplicate"] == len(result.duplicates)
    assert kinds["error"] == len(result.errors)
    for error in result.errors:
        assert error.where in expected, f"error for an unknown item: {error}"
        assert error.path == str(expected[error.where])
        message = error.message
        assert message.strip() and message == message.strip(), repr(message)
        assert not any(ch in message for ch in "\n\r\x00"), f"not a one-line message: {message!r}"
        assert "Traceback" not in message
        # a cleaner that raised (rather than rejecting the input) is a bug, even though the batch survives
        assert not message.startswith("cleaning failed"), message
    conn = connect(db)
    try:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(result.added)
        broken = conn.execute("SELECT article_id, note FROM extractions WHERE note LIKE 'extraction failed%'").fetchall()
        assert not broken, f"an extractor raised: {[tuple(r) for r in broken]}"
    finally:
        conn.close()
    assert store_problems(db, settled=True) == []


# ---------------------------------------------------------------- the tests


@FUZZ
@given(st.lists(st.tuples(SUFFIXES, st.binary(max_size=5000)), min_size=1, max_size=4))
def test_random_bytes(files: list[tuple[str, bytes]]) -> None:
    ingest_files(files)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from([".html", ".htm"]), html_pages()), min_size=1, max_size=2))
def test_mutated_html(files: list[tuple[str, bytes]]) -> None:
    ingest_files(files)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from([".txt", ".text"]), text_pages()), min_size=1, max_size=2))
def test_text_with_control_characters_and_invalid_utf8(files: list[tuple[str, bytes]]) -> None:
    ingest_files(files)


@FUZZ
@given(st.lists(st.tuples(st.just(".jsonl"), jsonl_files()), min_size=1, max_size=2))
def test_json_lines_with_broken_rows_and_wrong_types(files: list[tuple[str, bytes]]) -> None:
    ingest_files(files)


@settings(max_examples=max(1, EXAMPLES * 3 // 5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_file, min_size=2, max_size=4))
def test_a_mixed_batch(files: list[tuple[str, bytes]]) -> None:
    ingest_files(files)


@FUZZ
@given(st.lists(st.tuples(st.one_of(st.text(max_size=1500), seeds.map(lambda s: "\n".join(article(s).paragraphs))),
                          st.sampled_from(["txt", "html"]), odd_metadata), min_size=1, max_size=3))
def test_documents_with_odd_metadata(items: list[tuple[str, str, dict[str, object]]]) -> None:
    """Straight into ``ingest_documents``: any text, either content format, any string metadata."""
    docs = []
    for i, (text, fmt, given_) in enumerate(items):
        if isinstance(given_.get("authors"), str):
            given_["authors"] = [given_["authors"]]
        docs.append(RawDocument(path=f"doc{i}", format="jsonl", raw=f"{i}:{text}".encode("utf-8", "surrogatepass"),
                                text=text, line=1, given=given_, content_format=fmt,  # type: ignore[arg-type]
                                fetched=given_.get("fetched")))  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="nw-fuzz-") as tmp:
        db = Path(tmp) / "docs.db"
        events: list[tuple[str, str]] = []
        with Store(db) as store:
            result = pipeline.ingest_documents(store, docs, workers=1, nlp=load_nlp(),
                                               on_progress=lambda what, where: events.append((what, where)))
        check_outcomes({d.where: Path(d.path) for d in docs}, events, result, db)
