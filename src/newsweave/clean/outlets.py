"""The known-outlets table (``newsweave/data/outlets.json``) and lookups into it.

The table maps web and e-mail domains, printed mastheads and program names to one canonical
outlet name, and gives each outlet's newsroom timezone, so that a printed time without an
offset can still be given one. Agencies in the table are never reported as authors.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Outlet:
    name: str
    kind: str
    domains: tuple[str, ...]
    mastheads: tuple[str, ...]
    programs: tuple[str, ...]
    timezone: str | None


def _key(text: str) -> str:
    """Masthead comparison key: case, punctuation and a leading "the" do not matter."""
    text = re.sub(r"[^\w]+", " ", text.casefold()).strip()
    return re.sub(r"^the ", "", text)


@lru_cache(maxsize=1)
def _table() -> dict:
    data = resources.files("newsweave").joinpath("data/outlets.json").read_text(encoding="utf-8")
    return json.loads(data)


@lru_cache(maxsize=1)
def outlets() -> tuple[Outlet, ...]:
    return tuple(
        Outlet(
            name=row["name"],
            kind=row.get("kind", "newspaper"),
            domains=tuple(row.get("domains", ())),
            mastheads=tuple(row.get("mastheads", ())),
            programs=tuple(row.get("programs", ())),
            timezone=row.get("timezone"),
        )
        for row in _table()["outlets"]
    )


@lru_cache(maxsize=1)
def _by_masthead() -> dict[str, Outlet]:
    index: dict[str, Outlet] = {}
    for outlet in outlets():
        for name in (outlet.name, *outlet.mastheads):
            index.setdefault(_key(name), outlet)
    return index


@lru_cache(maxsize=1)
def _by_program() -> dict[str, Outlet]:
    return {_key(name): outlet for outlet in outlets() for name in outlet.programs}


def hostname(url_or_host: str) -> str:
    """The lower-case host of a URL, an e-mail address or a bare host, without "www."."""
    text = url_or_host.strip().lower()
    if "@" in text and "/" not in text:
        text = text.rsplit("@", 1)[1]
    elif "//" in text:
        try:
            text = urlsplit(text).hostname or ""
        except ValueError:  # a malformed URL ("https://[::1", bad port): no host to go by
            text = ""
    else:
        text = text.split("/", 1)[0]
    return text.removeprefix("www.").strip(".")


def by_domain(url_or_host: str) -> Outlet | None:
    """The outlet owning a host (subdomains included), e.g. ``news.kbs.co.kr`` -> KBS."""
    host = hostname(url_or_host)
    while host:
        for outlet in outlets():
            if host in outlet.domains:
                return outlet
        if "." not in host:
            break
        host = host.split(".", 1)[1]
    return None


def by_masthead(text: str) -> Outlet | None:
    """The outlet whose strong masthead (or canonical name) is exactly ``text``."""
    return _by_masthead().get(_key(text)) if text.strip() else None


def by_program(text: str) -> Outlet | None:
    """The outlet owning a weak masthead (a program name such as "News Today")."""
    return _by_program().get(_key(text)) if text.strip() else None


def is_agency(name: str) -> bool:
    """True for news and photo agencies (AP, Reuters, Yonhap, Getty Images, ...)."""
    outlet = by_masthead(name)
    return outlet is not None and outlet.kind == "agency"


def timezone_for_host(url_or_host: str) -> str | None:
    """Newsroom timezone for a site: the outlet table first, then the country-code TLD table."""
    outlet = by_domain(url_or_host)
    if outlet and outlet.timezone:
        return outlet.timezone
    host = hostname(url_or_host)
    tld = host.rsplit(".", 1)[-1] if host else ""
    return _table()["tld_timezones"].get(tld)


def registrable_domain(url_or_host: str) -> str | None:
    """A short site name for an unknown outlet: ``https://www.example.co.uk/x`` -> ``example.co.uk``."""
    host = hostname(url_or_host)
    if not host or "." not in host:
        return None
    parts = host.split(".")
    # two-level public suffixes like co.uk / com.au / co.kr keep one more label
    keep = 3 if len(parts) >= 3 and len(parts[-2]) <= 3 and len(parts[-1]) == 2 else 2
    return ".".join(parts[-keep:])
