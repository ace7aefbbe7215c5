"""Brief -> Markdown, JSON or one self-contained HTML page.

Citations are numbered by the brief's article order: [1] is `brief.articles[0]`. In HTML each
citation links to the cited sentence, highlighted in the article's full text further down the page,
so a reader can check every summary sentence against its sources without leaving the page.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

from newsweave.models import Actor, Article, Brief, CitedQuote, Claim, Span, SummarySentence

FORMATS = ("markdown", "json", "html")
NO_SUMMARY = "No summary: no sentence of these articles is long enough or fits the budget."
UNKNOWN_SPEAKER = "Speaker not named"
# Actors listed in Markdown and HTML, most mentioned first; JSON has them all.
SHOWN_ACTORS = 30
# Corroborated claims listed in Markdown and HTML, most sources first; JSON has them all.
SHOWN_CLAIMS = 10


@dataclass(frozen=True)
class SpeakerQuotes:
    """One speaker's quotes, for the "Who said what" section."""

    name: str
    roles: tuple[str, ...]
    quotes: tuple[CitedQuote, ...]


def group_quotes(brief: Brief) -> list[SpeakerQuotes]:
    """The brief's quotes grouped by speaker, in order of first quote; unknown speakers last."""
    actors = {actor.id: actor for actor in brief.actors}
    groups: dict[str, list[CitedQuote]] = {}
    for quote in brief.quotes:
        # An unnamed speaker ("a spokesman") is one person only within one article.
        key = quote.speaker_id or (
            f"{quote.sources[0].article}\x00{quote.speaker}" if quote.speaker else ""
        )
        groups.setdefault(key, []).append(quote)
    result = []
    for key, quotes in groups.items():
        actor = actors.get(key)
        name = actor.name if actor else quotes[0].speaker or UNKNOWN_SPEAKER
        result.append(SpeakerQuotes(name, actor.roles if actor else (), tuple(quotes)))
    result.sort(key=lambda group: group.name == UNKNOWN_SPEAKER)
    return result


def article_numbers(brief: Brief) -> dict[str, int]:
    """Citation number of each article id: [1] is the brief's first article."""
    return {article.id: n for n, article in enumerate(brief.articles, start=1)}


def _numbers(brief: Brief, spans: tuple[Span, ...]) -> list[int]:
    number = article_numbers(brief)
    return sorted({number[span.article] for span in spans})


def _md(text: str) -> str:
    """Text from the articles made inert in Markdown: one line, markup characters escaped."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(text.split()))


def _quote_line(quote: CitedQuote) -> str:
    if quote.kind == "indirect":
        return f"(reported) {quote.text}"
    return f"“{quote.text}”" + (" (partial)" if quote.kind == "partial" else "")


def _actor_line(actor: Actor) -> str:
    details = [actor.kind]
    if actor.roles:
        details.append("; ".join(actor.roles))
    if actor.aliases:
        details.append("also " + ", ".join(actor.aliases))
    plural = "s" if actor.mentions != 1 else ""
    return f"**{_md(actor.name)}** ({_md('; '.join(details))}): {actor.mentions} mention{plural}"


def _citation_numbers(brief: Brief, sentence: SummarySentence) -> list[int]:
    number = article_numbers(brief)
    return [number[article_id] for article_id in sentence.articles]


def _describe(article: Article) -> str:
    parts = [article.outlet or "outlet unknown", article.published or "date unknown"]
    if article.author:
        parts.insert(0, f"by {article.author}")
    return ", ".join(parts)


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown: title, summary with [n] citations, and the numbered sources."""
    lines = [f"# {brief.title}", "", "## Summary", ""]
    if not brief.summary:
        lines.append(f"_{NO_SUMMARY}_")
    for sentence in brief.summary:
        cites = "".join(f"[{n}]" for n in _citation_numbers(brief, sentence))
        lines.append(f"- {_md(sentence.text)} {cites} ({_support(len(sentence.articles))})")
    lines += _markdown_quotes(brief) + _markdown_actors(brief)
    lines += _markdown_timeline(brief) + _markdown_claims(brief)
    lines += ["", "## Sources", ""]
    for n, article in enumerate(brief.articles, start=1):
        where = article.url or article.path or article.id
        title = article.title or "(untitled)"
        removed = len(article.removed_lines)
        note = (
            f"; {removed} non-article line{'s' if removed != 1 else ''} removed" if removed else ""
        )
        lines.append(f"{n}. **{title}**. {_describe(article)}. {where}{note}")
    return "\n".join(lines) + "\n"


def _markdown_quotes(brief: Brief) -> list[str]:
    lines = ["", "## Who said what"]
    if not brief.quotes:
        lines += ["", "_No quotes found._"]
    for group in group_quotes(brief):
        roles = f" ({_md('; '.join(group.roles))})" if group.roles else ""
        lines += ["", f"**{_md(group.name)}**{roles}", ""]
        for quote in group.quotes:
            cites = "".join(f"[{n}]" for n in _numbers(brief, quote.sources))
            lines.append(f"- {_md(_quote_line(quote))} {cites}")
    return lines


def _markdown_actors(brief: Brief) -> list[str]:
    lines = ["", "## Actors", ""]
    if not brief.actors:
        lines.append("_No named actors found._")
    for actor in brief.actors[:SHOWN_ACTORS]:
        cites = "".join(f"[{n}]" for n in _numbers(brief, actor.sources))
        lines.append(f"- {_actor_line(actor)} {cites}")
    if len(brief.actors) > SHOWN_ACTORS:
        lines.append(f"- … and {len(brief.actors) - SHOWN_ACTORS} more (see the JSON output)")
    if brief.relations:
        lines += ["", "### How they relate", ""]
        for relation in brief.relations:
            cites = "".join(f"[{n}]" for n in _numbers(brief, relation.sources))
            lines.append(
                f"- {_md(relation.subject)} *{relation.predicate}* {_md(relation.object)} "
                f"({relation.type}) {cites}"
            )
    return lines


def _support(count: int) -> str:
    return f"{count} source{'s' if count != 1 else ''}"


def undated_note(brief: Brief) -> str | None:
    """The line that says which articles have no publication date, when some have none."""
    if not brief.undated_articles:
        return None
    number = article_numbers(brief)
    listed = ", ".join(f"[{number[i]}]" for i in brief.undated_articles)
    return (
        f'No publication date for {listed}: their relative dates ("Monday", "last year") '
        "are not placed on the timeline. Give one with --published FILE=DATE."
    )


def _markdown_timeline(brief: Brief) -> list[str]:
    lines = ["", "## Timeline", ""]
    if not brief.timeline:
        lines.append("_No dated events found._")
    for event in brief.timeline:
        cites = "".join(f"[{n}]" for n in _numbers(brief, event.sources))
        when = ", ".join(dict.fromkeys(f"“{_md(span.text)}”" for span in event.when))
        lines.append(f"- **{event.date}** ({event.precision}; {when}) {_md(event.text)} {cites}")
    note = undated_note(brief)
    if note:
        lines += ["", f"_{note}_"]
    return lines


def agreeing(brief: Brief) -> list[Claim]:
    """The corroborated claims shown in the brief: most sources first, at most SHOWN_CLAIMS."""
    return [c for c in brief.claims if c.status == "corroborated"][:SHOWN_CLAIMS]


def conflict_lines(brief: Brief, claim: Claim) -> list[str]:
    """One plain line per conflict of a claim: the kind of fact and how each source puts it."""
    number = article_numbers(brief)
    return [
        f"{c.kind}: [{number[c.sources[0].article]}] “{c.this}” vs "
        f"[{number[c.sources[1].article]}] “{c.other}”"
        for c in claim.conflicts
    ]


def _markdown_claims(brief: Brief) -> list[str]:
    counts = Counter(claim.status for claim in brief.claims)
    lines = ["", "## Where sources agree", ""]
    shown = agreeing(brief)
    if not shown:
        lines.append("_No statement is made by more than one source._")
    for claim in shown:
        cites = "".join(f"[{n}]" for n in _numbers(brief, claim.sources))
        lines.append(f"- {_md(claim.text)} {cites} ({_support(len(claim.articles))})")
    lines += [
        "",
        f"_{counts['corroborated']} corroborated, {counts['single-source']} single-source, "
        f"{counts['contradicted']} contradicted statements (all in the JSON output)._",
        "",
        "## Sources differ",
        "",
    ]
    contradicted = [claim for claim in brief.claims if claim.status == "contradicted"]
    if not contradicted:
        lines.append("_No contradictions found between the sources._")
    for claim in contradicted:
        lines.append(f"- {'; '.join(_md(line) for line in conflict_lines(brief, claim))}")
        for source in dict.fromkeys(s for c in claim.conflicts for s in c.sources):
            lines.append(f"  - [{_numbers(brief, (source,))[0]}] {_md(source.text)}")
    return lines


def render_json(brief: Brief) -> str:
    """The brief as JSON (the contract in docs/output.md), indented, UTF-8 characters kept."""
    return json.dumps(brief.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _is_web_link(url: str | None) -> bool:
    """Only http(s) URLs become links: a `javascript:` URL from the input must not run."""
    return url is not None and url.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class _Segment:
    text: str
    anchor: str | None


def _anchor(span: Span) -> str:
    return f"span-{span.article}-{span.start}"


def _segments(article: Article, spans: list[Span]) -> list[list[_Segment]]:
    """The article's paragraphs cut into plain and cited segments (overlapping spans merged)."""
    marks: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if marks and span.start < marks[-1][1]:
            start, end, anchor = marks[-1]
            marks[-1] = (start, max(end, span.end), anchor)
        else:
            marks.append((span.start, span.end, _anchor(span)))
    paragraphs: list[list[_Segment]] = []
    for offset, end_of_paragraph in article.paragraph_bounds():
        segments: list[_Segment] = []
        cursor = offset
        for mark_start, mark_end, anchor in marks:
            if mark_end <= offset or mark_start >= end_of_paragraph:
                continue
            start, end = max(mark_start, offset), min(mark_end, end_of_paragraph)
            if start > cursor:
                segments.append(_Segment(article.text[cursor:start], None))
            segments.append(_Segment(article.text[start:end], anchor))
            cursor = end
        if cursor < end_of_paragraph:
            segments.append(_Segment(article.text[cursor:end_of_paragraph], None))
        paragraphs.append(segments)
    return paragraphs


def render_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page (inline CSS, no scripts, nothing fetched)."""
    import jinja2

    template_text = files("newsweave").joinpath("templates/brief.html").read_text(encoding="utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(template_text)
    number = article_numbers(brief)
    cited: dict[str, list[Span]] = {article.id: [] for article in brief.articles}
    summary = []
    for sentence in brief.summary:
        for span in sentence.sources:
            cited[span.article].append(span)
        summary.append(
            {
                "text": sentence.text,
                "support": len(sentence.articles),
                "citations": [
                    {"number": number[span.article], "anchor": _anchor(span), "quote": span.text}
                    for span in sentence.sources
                ],
            }
        )
    articles = [
        {
            "number": n,
            "article": article,
            "link": article.url if _is_web_link(article.url) else None,
            "description": _describe(article),
            "paragraphs": _segments(article, cited[article.id]),
        }
        for n, article in enumerate(brief.articles, start=1)
    ]
    return template.render(
        title=brief.title,
        summary=summary,
        articles=articles,
        no_summary=NO_SUMMARY,
        speakers=[
            {
                "name": group.name,
                "roles": group.roles,
                "quotes": [
                    {"line": _quote_line(q), "numbers": _numbers(brief, q.sources), "cue": q.cue}
                    for q in group.quotes
                ],
            }
            for group in group_quotes(brief)
        ],
        actors=[
            {"actor": actor, "numbers": _numbers(brief, actor.sources)}
            for actor in brief.actors[:SHOWN_ACTORS]
        ],
        more_actors=max(len(brief.actors) - SHOWN_ACTORS, 0),
        relations=[
            {"relation": relation, "numbers": _numbers(brief, relation.sources)}
            for relation in brief.relations
        ],
        timeline=[
            {
                "event": event,
                "when": list(dict.fromkeys(span.text for span in event.when)),
                "numbers": _numbers(brief, event.sources),
            }
            for event in brief.timeline
        ],
        undated=undated_note(brief),
        agreeing=[
            {"claim": claim, "numbers": _numbers(brief, claim.sources)} for claim in agreeing(brief)
        ],
        claim_counts=Counter(claim.status for claim in brief.claims),
        differing=[
            {
                "lines": conflict_lines(brief, claim),
                "sources": [
                    {"number": number[span.article], "text": span.text}
                    for span in dict.fromkeys(s for c in claim.conflicts for s in c.sources)
                ],
            }
            for claim in brief.claims
            if claim.status == "contradicted"
        ],
    )


RENDERERS: dict[str, Callable[[Brief], str]] = {
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}
