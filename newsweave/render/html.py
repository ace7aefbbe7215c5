"""Brief -> one self-contained HTML page (templates/brief.html).

Each citation links to the cited sentence, highlighted in the article's full text further down
the page. Every text from the articles is escaped by jinja2's autoescape; on top of that the page
carries a Content-Security-Policy that allows its own inline CSS and nothing else (no script, no
image, no request anywhere), so even a mistake in escaping could not run or fetch anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from newsweave.models import Article, Brief, Span
from newsweave.render.sections import (
    article_numbers,
    brief_sections,
    cited_numbers,
    describe,
    is_web_link,
    support,
)


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
    """The brief as one self-contained HTML page (inline CSS, no scripts, nothing fetched).

    Args:
        brief: The brief; every text in it is treated as untrusted and escaped.

    Returns:
        The HTML page.
    """
    import jinja2

    template_text = (
        files("newsweave.render").joinpath("templates/brief.html").read_text(encoding="utf-8")
    )
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
                "support": support(brief, sentence.articles),
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
            "link": article.url if is_web_link(article.url) else None,
            "description": describe(article),
            "paragraphs": _segments(article, cited[article.id]),
        }
        for n, article in enumerate(brief.articles, start=1)
    ]
    return template.render(
        title=brief.title,
        summary=summary,
        articles=articles,
        **brief_sections(brief, lambda spans: cited_numbers(brief, tuple(spans))),
    )
