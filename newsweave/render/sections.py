"""What the Markdown, HTML and web briefs share: citations, grouping, and the wording of lines.

Everything here returns plain text taken from the brief; each renderer escapes it for its own
format (Markdown escapes, HTML autoescape), so nothing here may be trusted as markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from newsweave.models import UPDATE, Article, Brief, CitedQuote, Claim, Span, SummarySentence

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


def cited_numbers(brief: Brief, spans: tuple[Span, ...]) -> list[int]:
    """The citation numbers of the articles the spans are in, ascending, without repeats."""
    number = article_numbers(brief)
    return sorted({number[span.article] for span in spans})


def citation_numbers(brief: Brief, sentence: SummarySentence) -> list[int]:
    """The citation numbers of a summary sentence's articles, its own article first."""
    number = article_numbers(brief)
    return [number[article_id] for article_id in sentence.articles]


def quote_line(quote: CitedQuote) -> str:
    """A quote as one line: in curly quotes, or marked "(reported)" when indirect."""
    if quote.kind == "indirect":
        return f"(reported) {quote.text}"
    return f"“{quote.text}”" + (" (partial)" if quote.kind == "partial" else "")


def describe(article: Article) -> str:
    """Author, outlet and date of an article, with "unknown" for what is missing."""
    parts = [article.outlet or "outlet unknown", article.published or "date unknown"]
    if article.author:
        parts.insert(0, f"by {article.author}")
    return ", ".join(parts)


def support(brief: Brief, articles: Sequence[str]) -> str:
    """How many sources say something: "1 source", "3 articles, 2 independent sources".

    Copies of one text, and articles of one outlet, count once (Brief.origins).
    """
    independent = brief.independent(articles)
    sources = f"source{'s' if independent != 1 else ''}"
    if independent == len(articles):
        return f"{independent} {sources}"
    return f"{len(articles)} articles, {independent} independent {sources}"


def origins_note(brief: Brief) -> str | None:
    """The line that says which articles are one origin, when some are."""
    number = article_numbers(brief)
    shared = [ids for ids in brief.origins if len(ids) > 1]
    if not shared:
        return None
    groups = "; ".join(" ".join(f"[{number[i]}]" for i in ids) for ids in shared)
    return (
        f"{len(brief.articles)} articles, {len(brief.origins)} independent sources: {groups} "
        "are copies of one text or come from one outlet, and count as one source."
    )


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


def agreeing(brief: Brief) -> list[Claim]:
    """The corroborated claims shown in the brief: most sources first, at most SHOWN_CLAIMS.

    A claim whose only differences are updates (a later count) is corroborated, and shown here
    with its update lines.
    """
    return [c for c in brief.claims if c.status == "corroborated"][:SHOWN_CLAIMS]


def claim_counts(brief: Brief) -> Counter[str]:
    """How many claims have each status (corroborated, single-source, contradicted, uncertain)."""
    return Counter(claim.status for claim in brief.claims)


def conflict_lines(brief: Brief, claim: Claim) -> list[str]:
    """One plain line per conflict of a claim: the kind of fact and how each source puts it."""
    number = article_numbers(brief)
    return [
        f"{c.kind}: [{number[c.sources[0].article]}] “{c.this}” vs "
        f"[{number[c.sources[1].article]}] “{c.other}”"
        for c in claim.conflicts
        if c.kind != UPDATE
    ]


def conflict_sources(claim: Claim) -> list[Span]:
    """The sentences on either side of a claim's conflicts, in order, without repeats."""
    return list(dict.fromkeys(s for c in claim.conflicts if c.kind != UPDATE for s in c.sources))


def update_lines(brief: Brief, claim: Claim) -> list[str]:
    """One line per update of a claim: the earlier figure, its date, the later one, its date.

    "Updated: [1] 231 (1998-10-16) → [3] about 6,100 (1998-10-18)": a later count of the same
    thing, not a contradiction (story/claims.py).
    """
    number = article_numbers(brief)
    published = {article.id: article.published or "undated" for article in brief.articles}
    lines = []
    for c in claim.conflicts:
        if c.kind == UPDATE:
            earlier, later = c.sources
            lines.append(
                f"Updated: [{number[earlier.article]}] “{c.this}” ({published[earlier.article]})"
                f" → [{number[later.article]}] “{c.other}” ({published[later.article]})"
            )
    return lines


def is_web_link(url: str | None) -> bool:
    """Whether a URL from the input may become a link: only http(s).

    A `javascript:`, `data:` or `file:` URL from a crafted input must never be clickable.
    """
    return url is not None and url.lower().startswith(("http://", "https://"))


def brief_sections(brief: Brief, cite: Callable[[Sequence[Span]], list[Any]]) -> dict[str, Any]:
    """The sections an HTML brief shows after its summary, as data for a template.

    Args:
        brief: The brief.
        cite: The citations of a statement's spans as the page marks them: article numbers
            that link down the page (the HTML file), or links to each cited sentence (the web).

    Returns:
        speakers, actors (and more_actors), relations, timeline, undated, origins, agreeing,
        claim_counts and differing, each statement with its `citations`.
    """
    return {
        "no_summary": NO_SUMMARY,
        "speakers": [
            {
                "name": group.name,
                "roles": group.roles,
                "quotes": [
                    {"line": quote_line(q), "cue": q.cue, "citations": cite(q.sources)}
                    for q in group.quotes
                ],
            }
            for group in group_quotes(brief)
        ],
        "actors": [
            {"actor": actor, "citations": cite(actor.sources)}
            for actor in brief.actors[:SHOWN_ACTORS]
        ],
        "more_actors": max(len(brief.actors) - SHOWN_ACTORS, 0),
        "relations": [
            {"relation": relation, "citations": cite(relation.sources)}
            for relation in brief.relations
        ],
        "timeline": [
            {
                "event": event,
                "when": list(dict.fromkeys(span.text for span in event.when)),
                "citations": cite(event.sources),
            }
            for event in brief.timeline
        ],
        "undated": undated_note(brief),
        "origins": origins_note(brief),
        "agreeing": [
            {
                "claim": claim,
                "citations": cite(claim.sources),
                "support": support(brief, claim.articles),
                "updates": update_lines(brief, claim),
            }
            for claim in agreeing(brief)
        ],
        "claim_counts": claim_counts(brief),
        "differing": [
            {
                "lines": conflict_lines(brief, claim),
                "updates": update_lines(brief, claim),
                "sources": [
                    {"citation": cite([span])[0], "text": span.text}
                    for span in conflict_sources(claim)
                ],
            }
            for claim in brief.claims
            if claim.status == "contradicted"
        ],
    }
