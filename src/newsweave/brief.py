"""The cited brief of a story, as Markdown (and HTML rendered from it).

Every sentence of the brief ends with numbered references to the articles that state it;
the numbers resolve in the closing "Sources" list (outlet, title, date).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from markdown_it import MarkdownIt

from newsweave.records import Article, Entity, Fact, Story

MAX_SUMMARY_FACTS = 3
MAX_SINGLE_PER_OUTLET = 8
MAX_QUOTES_PER_SPEAKER = 4


def render_brief(
    story: Story,
    articles: Sequence[Article],
    entities: dict[str, Entity] | None = None,
    copies: dict[str, str] | None = None,
) -> str:
    """Markdown brief: summary, agreed facts, differences, single-source facts, quotes, timeline, sources.

    ``copies`` maps an article that republishes another (syndication) to that original: the brief
    says so, since the two count as one source."""
    numbers = {a.id: i for i, a in enumerate(articles, start=1)}

    def cite(article_ids: Sequence[str]) -> str:
        refs = sorted({numbers[a] for a in article_ids if a in numbers})
        return "".join(f"[{n}]" for n in refs)

    def sentence(text: str, article_ids: Sequence[str]) -> str:
        text = text.strip()
        end = "."
        if text and text[-1] in ".!?":
            end, text = text[-1], text[:-1].rstrip()
        return f"{text} {cite(article_ids)}{end}"

    corroborated = [f for f in story.facts if f.status == "corroborated"]
    conflicting = [f for f in story.facts if f.status == "conflicting"]
    single = [f for f in story.facts if f.status == "single_source"]
    outlets = _outlet_names(articles)
    lines: list[str] = [f"# {story.title}", ""]

    names = [f"{outlets[a.id]} {cite([a.id])}" for a in articles]
    coverage = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    n_outlets = len(set(outlets.values()))
    count = f"{_number_word(n_outlets).capitalize()} outlet{'s' if n_outlets != 1 else ''}"
    lines.append(f"{count} {'report' if n_outlets != 1 else 'reports'} this story: {coverage}.")
    if story.event_date:
        from newsweave.corroborate import human_date

        lines[-1] += " " + sentence(f"Its main event took place {human_date(story.event_date)}", [a.id for a in articles])
    by_id = {a.id: a for a in articles}
    for copy, original in (copies or {}).items():
        if copy in numbers and original in numbers and outlets[copy] != outlets[original]:
            # which is the copy was decided by ingest order; the publication times say who published first
            first, later = _in_publication_order(by_id[original], by_id[copy])
            said = (f"{outlets[later.id]} republishes the report of {outlets[first.id]}" if first is not later
                    else f"{outlets[copy]} and {outlets[original]} carry the same report")
            lines[-1] += " " + sentence(f"{said}, so the two count as one source", [copy, original])
    lines.append("")
    lead = (corroborated or conflicting or single)[:MAX_SUMMARY_FACTS]
    if lead:
        lines.append(" ".join(sentence(f.text, f.article_ids) for f in lead))
        lines.append("")

    lines += ["## What happened", ""]
    if corroborated:
        lines += [f"- {sentence(f.text, f.article_ids)}" for f in corroborated]
    else:
        lines.append(f"- {sentence('No fact is stated by more than one independent outlet yet', [a.id for a in articles])}")
    lines.append("")

    lines += ["## Where the sources differ", ""]
    if conflicting:
        for fact in conflicting:
            lines.append(f"- {sentence(fact.text, fact.article_ids)}")
            assert fact.conflict is not None
            sides = [v for v in fact.conflict.values if not v.fits_all]
            for value in fact.conflict.values:
                named = list(dict.fromkeys(outlets[a] for a in value.article_ids if a in outlets))
                names = " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
                says = f"{names} {'give' if len(named) > 1 else 'gives'} {fact.conflict.slot} as “{value.value}”"
                if value.fits_all:
                    says += f", which fits {'both' if len(sides) == 2 else 'all of them'}"
                lines.append(f"  - {sentence(says, value.article_ids)}")
    else:
        lines.append(f"- {sentence('The sources give no incompatible values for any fact they share', [a.id for a in articles])}")
    lines.append("")

    # Single-source statements that cannot stand alone ("It lasted the longest") stay in the
    # report but not in the brief: a reader could not tell what they are about.
    single = [f for f in single if _stands_alone(f.text)]
    if single:
        lines += ["## Reported by only one outlet", ""]
        by_outlet: dict[str, list[Fact]] = defaultdict(list)
        for fact in single:
            by_outlet[outlets.get(fact.article_ids[0], "unknown outlet")].append(fact)
        for outlet in sorted(by_outlet, key=lambda o: min(numbers[f.article_ids[0]] for f in by_outlet[o])):
            facts = by_outlet[outlet]
            lines += [f"### {outlet}", ""]
            lines += [f"- {sentence(f.text, f.article_ids)}" for f in facts[:MAX_SINGLE_PER_OUTLET]]
            if len(facts) > MAX_SINGLE_PER_OUTLET:
                rest = facts[MAX_SINGLE_PER_OUTLET:]
                ids = list(dict.fromkeys(a for f in rest for a in f.article_ids))
                lines.append(f"- {sentence(f'{len(rest)} more statement(s) only this outlet makes are in the report', ids)}")
            lines.append("")

    if story.quotes:
        lines += ["## Who said what", ""]
        by_speaker: dict[str, list] = defaultdict(list)
        display: dict[str, str] = {}
        for quote in story.quotes:
            if len(quote.text.split()) < 4:
                continue  # a quoted phrase inside someone's paraphrase, not a quote worth listing
            name = quote.speaker or "Unattributed"
            if quote.speaker_entity_id and entities and quote.speaker_entity_id in entities:
                name = entities[quote.speaker_entity_id].name
            key = name.lower()
            display.setdefault(key, name[0].upper() + name[1:])
            by_speaker[key].append(quote)
        named = {k for k, quotes in by_speaker.items() if any(q.speaker_entity_id for q in quotes)}
        for speaker in sorted(by_speaker, key=lambda k: (k not in named, k == "unattributed", -len(by_speaker[k]), k)):
            lines += [f"### {display[speaker]}", ""]
            seen: set[str] = set()
            said = by_speaker[speaker]
            words = [_plain(q.text) for q in said]
            for i, quote in enumerate(said):
                key = words[i][:80]
                if key in seen or any(words[i] in words[j] and len(words[j]) > len(words[i])
                                      for j in range(len(said)) if said[j].article_id == quote.article_id):
                    continue  # also the part of a paraphrase that the article quotes word for word
                seen.add(key)
                if len(seen) > MAX_QUOTES_PER_SPEAKER:
                    break
                text = quote_words(quote.text)
                if quote.direct:
                    lines.append(f"- “{text}” {cite([quote.article_id])}")
                else:
                    lines.append(f"- (reported) {text} {cite([quote.article_id])}")
            lines.append("")

    if story.timeline:
        lines += ["## Timeline", ""]
        latest = max((a.published or "")[:10] for a in articles)
        for entry in story.timeline:
            # compared at the entry's own granularity: "2025-11" is upcoming in June 2025, "2025" is not
            upcoming = " (upcoming)" if latest and entry.date > latest[:len(entry.date)] else ""
            lines.append(f"- **{entry.date}**{upcoming}: {sentence(entry.text, entry.article_ids)}")
        lines.append("")

    lines += ["## Sources", ""]
    for article in articles:
        when = (article.published or "date unknown")[:10] + (" (estimated)" if article.published_estimated else "")
        title = f"“{article.title}”" if article.title else "untitled"
        where = article.url or article.path
        lines.append(f"{numbers[article.id]}. {outlets[article.id]}, {title}, {when}. {where}")
    return "\n".join(lines).rstrip() + "\n"


def _number_word(n: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[n] if 0 <= n < len(words) else str(n)


def _stands_alone(text: str) -> bool:
    words = text.split()
    return len(words) >= 6 and words[0].lower().strip("“\"") not in {
        "it", "they", "this", "that", "these", "those", "he", "she", "we", "i", "there", "such"}


def _outlet_names(articles: Sequence[Article]) -> dict[str, str]:
    """Display name of each article's outlet; unknown outlets are told apart by their file."""
    return {a.id: a.outlet or f"unknown outlet ({a.path.rsplit('/', 1)[-1]})" for a in articles}


def brief_html(markdown: str, title: str = "newsweave brief") -> str:
    """A standalone HTML page of a brief (Markdown rendered with HTML in the input escaped)."""
    body = MarkdownIt("commonmark", {"html": False}).render(markdown)
    from html import escape

    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}"
        "h1{font-size:1.6rem}h2{border-bottom:1px solid #ddd;margin-top:2rem}li{margin:.3rem 0}</style>"
        f"</head><body>\n{body}</body></html>\n"
    )


def _in_publication_order(a: Article, b: Article) -> tuple[Article, Article]:
    """(earlier, later) by publication time; (a, a) when either time is missing or they tie."""
    def moment(article: Article) -> datetime | None:
        try:
            value = datetime.fromisoformat(article.published or "")
        except ValueError:
            return None
        return value if value.tzinfo is not None else None  # a time without zone compares with nothing

    ta, tb = moment(a), moment(b)
    if ta is None or tb is None or ta == tb:
        return a, a
    return (a, b) if ta < tb else (b, a)


def quote_words(text: str) -> str:
    """A quote's words for display: without a leading "that" and without the marks around the
    quote or a lone mark at either end (a quote running on into the next paragraph), but with the
    marks of a phrase it quotes ('would review it "on the basis of evidence"')."""
    words = re.sub(r"^that\s+", "", text.strip())
    while len(words) > 1:
        if words[0] in _OPEN_MARKS and words[-1] in _CLOSE_MARKS and _balanced(words[1:-1]):
            words = words[1:-1].strip()
        elif words[0] in _OPEN_MARKS and not _balanced(words) and _balanced(words[1:]):
            words = words[1:].strip()
        elif words[-1] in _CLOSE_MARKS and not _balanced(words) and _balanced(words[:-1]):
            words = words[:-1].strip()
        else:
            break
    return re.sub(r",([\"”])$", r"\1", words)  # 'evidence,"' closing a quoted phrase: no comma


_OPEN_MARKS, _CLOSE_MARKS = "“\"", "”\""


def _plain(text: str) -> str:
    """A quote's words, lower-cased, without marks or punctuation (to find one inside another)."""
    return " ".join(re.sub(r"[^\w\s'’-]", " ", text.lower()).split())


def _balanced(text: str) -> bool:
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")
