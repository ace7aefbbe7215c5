"""What each web page shows, as plain data for its template: built from the store and the brief.

Pure functions of their inputs (a store is read, never written). A citation is always a link to
the cited span in its article's page (`/articles/ID?start=S&end=E#cited`), so the span is
highlighted and scrolled into view by the browser itself, with no script.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any
from urllib.parse import quote, urlencode

from newsweave.corpus.lookup import StorySummary
from newsweave.models import Annotation, Brief, Span
from newsweave.render.sections import (
    article_numbers,
    brief_sections,
    describe,
    is_web_link,
    support,
)
from newsweave.web.charts import actor_graph, sparkline, timeline_chart

# Entity labels marked on an article page (the rest, numbers and ordinals, would be noise).
MARKED_ENTITIES = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW"})


def article_path(article_id: str) -> str:
    """The address of an article's page (any id, quoted as one path segment)."""
    return "/articles/" + quote(article_id, safe="")


def span_link(span: Span) -> str:
    """The address that opens a span's article with the span highlighted and in view."""
    return f"{article_path(span.article)}?{urlencode({'start': span.start, 'end': span.end})}#cited"


def story_rows(
    stories: Sequence[StorySummary], independent: Callable[[StorySummary], int]
) -> list[dict[str, Any]]:
    """The story list's rows: counts, independent sources, outlets, dates and activity.

    Args:
        stories: The stories of the page.
        independent: How many independent sources a story has (see `Site.independent`).
    """
    return [
        {
            "story": story,
            "href": f"/stories/{story.id}",
            "independent": independent(story),
            "spark": sparkline(story.published),
        }
        for story in stories
    ]


def _citations(brief: Brief, spans: Sequence[Span]) -> list[dict[str, Any]]:
    """One citation mark per cited article (its first span): number, link, sentence, outlet."""
    number = article_numbers(brief)
    outlet = {a.id: a.outlet or a.title or a.id for a in brief.articles}
    first: dict[str, Span] = {}
    for span in spans:
        first.setdefault(span.article, span)
    return [
        {
            "number": number[span.article],
            "href": span_link(span),
            "quote": span.text,
            "outlet": outlet[span.article],
        }
        for span in sorted(first.values(), key=lambda s: number[s.article])
    ]


def brief_page(brief: Brief, story_id: str) -> dict[str, Any]:
    """Everything the brief page shows, each statement with its citation marks."""
    return {
        "story_id": story_id,
        "brief": brief,
        "summary": [
            {
                "text": s.text,
                "support": support(brief, s.articles),
                "citations": _citations(brief, s.sources),
            }
            for s in brief.summary
        ],
        "timeline_chart": timeline_chart(brief, span_link),
        "graph": actor_graph(brief, span_link),
        "articles": [
            {
                "number": n,
                "article": a,
                "href": article_path(a.id),
                "link": a.url if is_web_link(a.url) else None,
                "description": describe(a),
            }
            for n, a in enumerate(brief.articles, start=1)
        ],
        **brief_sections(brief, lambda spans: _citations(brief, spans)),
    }


@dataclass(frozen=True)
class Segment:
    """A run of an article's text with the same marks: entity label, quote, time, cited."""

    text: str
    entity: str | None
    quote: bool
    time: str | None
    cited: bool


def article_paragraphs(
    annotation: Annotation, cited: tuple[int, int] | None
) -> list[list[Segment]]:
    """The article's paragraphs cut where any mark starts or ends, each run with its marks.

    Cutting at every boundary, rather than nesting elements, keeps overlapping marks (a name
    inside a quote inside the cited sentence) valid HTML.

    Args:
        annotation: The article's annotation (entities, quotes, time expressions).
        cited: The character range to highlight, or None.
    """
    article = annotation.article
    entities = [
        (e.span.start, e.span.end, e.label)
        for e in annotation.entities
        if e.label in MARKED_ENTITIES
    ]
    quotes = [(q.span.start, q.span.end) for q in annotation.quotes]
    times = [(t.span.start, t.span.end, t.value) for t in annotation.times]
    cuts = {0, len(article.text)}
    for start, end in [*((s, e) for s, e, _ in entities), *quotes, *((s, e) for s, e, _ in times)]:
        cuts.update((start, end))
    if cited:
        cuts.update(cited)
    paragraphs = []
    for offset, end_of_paragraph in article.paragraph_bounds():
        bounds = sorted(
            {offset, end_of_paragraph} | {c for c in cuts if offset < c < end_of_paragraph}
        )
        segments = []
        for start, end in pairwise(bounds):
            segments.append(
                Segment(
                    article.text[start:end],
                    next((label for s, e, label in entities if s <= start and end <= e), None),
                    any(s <= start and end <= e for s, e in quotes),
                    next((value for s, e, value in times if s <= start and end <= e), None),
                    cited is not None and cited[0] <= start and end <= cited[1],
                )
            )
        paragraphs.append(segments)
    return paragraphs
