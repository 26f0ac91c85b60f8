"""Stage 1, ingest: turn paths (files, folders, "-" for stdin) into RawDocuments.

Every bad item becomes an IngestError naming the file (and line for JSON Lines); the
rest of the batch goes on. Nothing here touches the store.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from charset_normalizer import from_bytes

from newsweave.records import IngestError, RawDocument

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
SUPPORTED_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
JSONL_FIELDS = ("url", "title", "outlet", "published", "updated", "authors", "fetched")
STDIN = "<stdin>"


def iter_inputs(
    paths: Iterable[str | Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
) -> Iterator[RawDocument | IngestError]:
    """Yield one RawDocument per article found under ``paths``, or an IngestError per bad item.

    Folders are walked recursively in sorted order (so runs are reproducible); files with
    unknown suffixes inside folders are skipped silently, but named explicitly they are errors.
    """
    for path in paths:
        if str(path) == "-":
            data = (stdin or sys.stdin.buffer).read(max_bytes + 1)
            yield from _from_bytes(STDIN, data, _sniff_format(data), max_bytes)
            continue
        p = Path(path)
        if p.is_dir():
            for child in _walk(p):
                if child.suffix.lower() in SUPPORTED_SUFFIXES and not child.name.startswith("."):
                    yield from _from_file(child, max_bytes)
        elif p.is_file():
            yield from _from_file(p, max_bytes)
        elif p.exists():
            yield IngestError(str(p), "not a regular file")
        else:
            yield IngestError(str(p), "no such file or folder")


def _walk(folder: Path) -> Iterator[Path]:
    """The files under ``folder`` in ``sorted(folder.rglob("*"))`` order, listing one folder at a time.

    Sorting every path first would hold the names of the whole corpus in memory (tens of MB for
    100,000 files). Like rglob, it does not follow links to folders and skips unreadable folders.
    """
    try:
        entries = sorted(folder.iterdir())
    except PermissionError:
        return
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry)
        elif entry.is_file():
            yield entry


def count_inputs(paths: Iterable[str | Path]) -> int:
    """Number of input files under ``paths`` (for progress bars); stdin counts as one."""
    total = 0
    for path in paths:
        p = Path(path)
        if str(path) == "-" or p.is_file():
            total += 1
        elif p.is_dir():
            total += sum(
                1 for c in p.rglob("*") if c.is_file() and c.suffix.lower() in SUPPORTED_SUFFIXES
            )
    return total


def _from_file(path: Path, max_bytes: int) -> Iterator[RawDocument | IngestError]:
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        yield IngestError(str(path), f"unsupported file type {path.suffix or '(none)'!r}; use .txt, .html or .jsonl")
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield IngestError(str(path), f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield IngestError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    yield from _from_bytes(str(path), data, fmt, max_bytes)


def _from_bytes(where: str, data: bytes, fmt: str, max_bytes: int) -> Iterator[RawDocument | IngestError]:
    if len(data) > max_bytes:
        yield IngestError(where, f"input is over the {max_bytes:,}-byte limit (--max-bytes)")
        return
    if not data.strip():
        yield IngestError(where, "empty input")
        return
    if fmt == "jsonl":
        yield from _jsonl_rows(where, data)
        return
    decoded = decode_bytes(data, html=fmt == "html")
    if isinstance(decoded, str):  # an error message
        yield IngestError(where, decoded)
        return
    text, encoding = decoded
    yield RawDocument(
        path=where, format=fmt, raw=data, text=text, encoding=encoding, content_format=fmt  # type: ignore[arg-type]
    )


def _jsonl_rows(where: str, data: bytes) -> Iterator[RawDocument | IngestError]:
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            yield IngestError(where, "row is not valid UTF-8 (JSON Lines must be UTF-8)", number)
            continue
        except json.JSONDecodeError as exc:
            yield IngestError(where, f"broken JSON: {exc.msg} at column {exc.colno}", number)
            continue
        # Valid JSON the decoder still cannot turn into Python: these would otherwise end the whole run.
        except RecursionError:
            yield IngestError(where, "unreadable JSON: nested too deeply", number)
            continue
        except ValueError as exc:  # a number over Python's integer digit limit
            yield IngestError(where, f"unreadable JSON: {str(exc).split(':')[0]}", number)
            continue
        doc = _jsonl_document(where, number, line, row)
        yield doc


def _jsonl_document(where: str, number: int, line: bytes, row: Any) -> RawDocument | IngestError:
    if not isinstance(row, dict):
        return IngestError(where, "row is not a JSON object", number)
    html, text = row.get("html"), row.get("text")
    content, content_format = (html, "html") if isinstance(html, str) and html.strip() else (text, "txt")
    if not isinstance(content, str) or not content.strip():
        return IngestError(where, 'row has no non-empty "text" or "html" field', number)
    given: dict[str, Any] = {}
    for key in JSONL_FIELDS:
        value = row.get(key)
        if value in (None, "", []):
            continue
        if key == "authors":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                return IngestError(where, '"authors" must be a list of strings', number)
        elif not isinstance(value, str):
            return IngestError(where, f'"{key}" must be a string', number)
        given[key] = value
    return RawDocument(
        path=where,
        format="jsonl",
        raw=line,
        text=content,
        line=number,
        given=given,
        content_format=content_format,  # type: ignore[arg-type]
        fetched=given.get("fetched"),
    )


def _sniff_format(data: bytes) -> str:
    head = data.lstrip()[:512].lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head or b"<head" in head:
        return "html"
    return "txt"


def decode_bytes(data: bytes, html: bool = False) -> tuple[str, str] | str:
    """Decode input bytes: UTF-8 first, then the page's declared or detected charset.

    Returns ``(text, encoding)`` or an error message. Binary data (NUL bytes, or nothing a
    charset detector can read as text) is rejected rather than decoded into garbage.
    """
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary file (contains NUL bytes), not text or HTML"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if html:
        declared = _declared_charset(data)
        if declared:
            try:
                return data.decode(declared), declared
            except (LookupError, UnicodeDecodeError):
                pass
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        return "not valid UTF-8 and no character set could be detected"
    try:
        text = data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        return f"not valid UTF-8 and not valid {best.encoding} either"
    if _looks_binary(text):
        return "binary file, not text or HTML"
    return text, best.encoding


def _declared_charset(data: bytes) -> str | None:
    match = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", data[:4096], re.I)
    return match.group(1).decode("ascii").lower() if match else None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / len(sample) > 0.02
