"""Reading inputs: formats, folders, stdin, and every kind of bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

from newsweave.ingest import count_inputs, decode_bytes, iter_inputs
from newsweave.records import IngestError, RawDocument

ARTICLE = "Harbour officials said the ferry docked safely on Monday after a short delay.\n"


def split(items: list[RawDocument | IngestError]) -> tuple[list[RawDocument], list[IngestError]]:
    docs = [i for i in items if isinstance(i, RawDocument)]
    errors = [i for i in items if isinstance(i, IngestError)]
    return docs, errors


def test_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.html").write_text("<html><body><p>" + ARTICLE + "</p></body></html>")
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "notes.md").write_text("ignored inside folders")
    docs, errors = split(list(iter_inputs([tmp_path])))
    assert [Path(d.path).name for d in docs] == ["a.txt", "two.html"]
    assert [d.format for d in docs] == ["txt", "html"]
    assert errors == []
    assert count_inputs([tmp_path]) == 2


def test_jsonl_rows_keep_given_metadata_and_line_numbers(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"text": ARTICLE, "title": "Ferry docks", "outlet": "Harbour Times", "authors": ["Ana Ruiz"],
         "published": "2026-03-09T08:00:00+01:00", "url": "https://example.org/ferry"},
        {"html": "<html><body><article><p>" + ARTICLE + "</p></article></body></html>"},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    docs, errors = split(list(iter_inputs([feed])))
    assert errors == []
    assert [d.line for d in docs] == [1, 2]
    assert docs[0].given == {"url": "https://example.org/ferry", "title": "Ferry docks", "outlet": "Harbour Times",
                             "published": "2026-03-09T08:00:00+01:00", "authors": ["Ana Ruiz"]}
    assert docs[0].content_format == "txt" and docs[1].content_format == "html"
    assert docs[0].raw == feed.read_bytes().split(b"\n")[0]  # the row itself is the raw input


def test_bad_jsonl_rows_are_errors_with_line_numbers_and_the_rest_goes_in(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"text": ARTICLE}) + "\n"
        + '{"text": "broken\n'
        + json.dumps(["not", "an", "object"]) + "\n"
        + json.dumps({"title": "no text"}) + "\n"
        + json.dumps({"text": ARTICLE + " again", "authors": 5}) + "\n"
        + json.dumps({"text": ARTICLE + " third"}) + "\n"
    )
    docs, errors = split(list(iter_inputs([feed])))
    assert [d.line for d in docs] == [1, 6]
    assert [(e.line, e.path) for e in errors] == [(2, str(feed)), (3, str(feed)), (4, str(feed)), (5, str(feed))]
    assert "broken JSON" in errors[0].message
    assert "not a JSON object" in errors[1].message
    assert '"text" or "html"' in errors[2].message
    assert "authors" in errors[3].message
    assert str(errors[0]).startswith(f"{feed}:2: ")


def test_empty_binary_oversized_and_unknown_files_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "big.txt").write_text("word " * 500)
    (tmp_path / "ok.txt").write_text(ARTICLE)
    odd = tmp_path / "data.pdf"
    odd.write_bytes(b"%PDF-1.4")
    paths = [tmp_path / n for n in ("empty.txt", "image.txt", "big.txt", "ok.txt")] + [odd, tmp_path / "missing.txt"]
    docs, errors = split(list(iter_inputs(paths, max_bytes=1000)))
    assert [Path(d.path).name for d in docs] == ["ok.txt"]
    messages = {Path(e.path).name: e.message for e in errors}
    assert messages["empty.txt"] == "empty input"
    assert "binary" in messages["image.txt"]
    assert "over the 1,000-byte limit" in messages["big.txt"]
    assert "unsupported file type '.pdf'" in messages["data.pdf"]
    assert messages["missing.txt"] == "no such file or folder"


def test_legacy_charsets_are_detected_not_mangled(tmp_path: Path) -> None:
    text = "Die Bürgermeisterin äußerte sich am Dienstag zur Schließung des Hafens für größere Schiffe.\n" * 3
    page = tmp_path / "latin.html"
    page.write_bytes(
        b'<html><head><meta charset="iso-8859-1"></head><body><p>' + text.encode("latin-1") + b"</p></body></html>"
    )
    plain = tmp_path / "latin.txt"
    plain.write_bytes(text.encode("cp1252"))
    docs, errors = split(list(iter_inputs([page, plain])))
    assert errors == []
    assert all("Bürgermeisterin äußerte" in d.text for d in docs)
    assert docs[0].encoding == "iso-8859-1"


def test_undecodable_bytes_are_rejected() -> None:
    assert isinstance(decode_bytes(b"\x00\x01\x02\x03binary"), str)
    assert decode_bytes("plain ünïcode".encode()) == ("plain ünïcode", "utf-8")


def test_stdin_is_sniffed(tmp_path: Path) -> None:
    stream = io.BytesIO(json.dumps({"text": ARTICLE}).encode() + b"\n")
    docs, errors = split(list(iter_inputs(["-"], stdin=stream)))
    assert errors == [] and docs[0].format == "jsonl" and docs[0].path == "<stdin>"
    stream = io.BytesIO(b"<!DOCTYPE html><html><body><p>" + ARTICLE.encode() + b"</p></body></html>")
    docs, _ = split(list(iter_inputs(["-"], stdin=stream)))
    assert docs[0].format == "html"
