"""Brief -> Markdown.

Every field taken from the articles (titles, outlets, authors, URLs, quotes, names, claims,
dates) is untrusted: a Markdown file is often turned into HTML and opened in a browser, where a
crafted title like `<img src=x onerror=...>` would run. So each one goes through `_md`, which
makes it one line of plain text whatever a CommonMark renderer does with it, and only http(s)
URLs become links, through `_md_url`.
"""

from __future__ import annotations

import re
from urllib.parse import quote as percent_encode

from newsweave.models import Actor, Brief
from newsweave.render.sections import (
    NO_SUMMARY,
    SHOWN_ACTORS,
    agreeing,
    citation_numbers,
    cited_numbers,
    claim_counts,
    conflict_lines,
    conflict_sources,
    describe,
    group_quotes,
    is_web_link,
    origins_note,
    quote_line,
    support,
    undated_note,
    update_lines,
)

# Characters that start inline markup anywhere in a line: emphasis, code, links and images
# ([ ]), raw HTML and autolinks (< >), headings (#), tables (|), strikethrough and fences (~),
# attribute lists of some renderers ({ }), and the escape character itself.
_INLINE_MARKUP = re.compile(r"[\\`*_{}\[\]<>#|~]")
# "!" only means something before "[" (an image), and "&" only before an entity ("&lt;",
# "&#60;"); escaping them everywhere would litter ordinary text ("AT\&T", "No\!").
_IMAGE_OR_ENTITY = re.compile(r"!(?=\\?\[)|&(?=#?[0-9A-Za-z]+;)")
# What makes a line a list item, a numbered item or a heading underline when it starts one.
_BLOCK_START = re.compile(r"^(?:[-+=]|\d{1,9}(?=[.)]))")
# Kept as they are in a URL; everything else (spaces, controls, < > " ` \ ^ { | }, non-ASCII)
# is percent-encoded, so the URL cannot end an autolink or be read as markup.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


def _md(text: str) -> str:
    """Text from the articles made inert in Markdown: one line, markup characters escaped.

    Args:
        text: Any text from an article or the brief.

    Returns:
        The text on one line (runs of whitespace, line breaks included, become one space), that
        a CommonMark renderer shows as the same text and never as a tag, link, image or entity.
    """
    line = " ".join(text.split())
    line = _IMAGE_OR_ENTITY.sub(lambda m: "\\" + m[0], _INLINE_MARKUP.sub(r"\\\g<0>", line))
    start = _BLOCK_START.match(line)
    if start is None:
        return line
    # "- " or "1. " at the start of an item would open a nested list; escape its marker.
    if start[0].isdigit():
        return f"{start[0]}\\{line[start.end() :]}"
    return f"\\{line}"


def _md_url(url: str) -> str:
    """A URL from the input: an autolink when it is http(s), else escaped text that links nowhere.

    Args:
        url: The URL as the input gives it.

    Returns:
        `<https://...>` with spaces, `<`, `>` and other unsafe characters percent-encoded; or
        for any other scheme (`javascript:`, `data:`, `file:`), the URL as plain text.
    """
    if not is_web_link(url):
        return _md(url)
    return f"<{percent_encode(url, safe=_URL_SAFE)}>"


def _cites(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown: title, summary with [n] citations, and the numbered sources.

    Args:
        brief: The brief; every text in it is treated as untrusted and escaped.

    Returns:
        The Markdown text, ending with a line break.
    """
    lines = [f"# {_md(brief.title)}", "", "## Summary", ""]
    if not brief.summary:
        lines.append(f"_{NO_SUMMARY}_")
    for sentence in brief.summary:
        cites = _cites(citation_numbers(brief, sentence))
        lines.append(f"- {_md(sentence.text)} {cites} ({support(brief, sentence.articles)})")
    lines += _markdown_quotes(brief) + _markdown_actors(brief)
    lines += _markdown_timeline(brief) + _markdown_claims(brief)
    lines += ["", "## Sources", ""]
    note = origins_note(brief)
    if note:
        lines += [f"_{_md(note)}_", ""]
    for n, article in enumerate(brief.articles, start=1):
        where = _md_url(article.url) if article.url else _md(article.path or article.id)
        title = _md(article.title or "(untitled)")
        removed = len(article.removed_lines)
        note = (
            f"; {removed} non-article line{'s' if removed != 1 else ''} removed" if removed else ""
        )
        lines.append(f"{n}. **{title}**. {_md(describe(article))}. {where}{note}")
    return "\n".join(lines) + "\n"


def _markdown_quotes(brief: Brief) -> list[str]:
    lines = ["", "## Who said what"]
    if not brief.quotes:
        lines += ["", "_No quotes found._"]
    for group in group_quotes(brief):
        roles = f" ({_md('; '.join(group.roles))})" if group.roles else ""
        lines += ["", f"**{_md(group.name)}**{roles}", ""]
        for quote in group.quotes:
            cites = _cites(cited_numbers(brief, quote.sources))
            lines.append(f"- {_md(quote_line(quote))} {cites}")
    return lines


def _actor_line(actor: Actor) -> str:
    details = [actor.kind]
    if actor.roles:
        details.append("; ".join(actor.roles))
    if actor.aliases:
        details.append("also " + ", ".join(actor.aliases))
    plural = "s" if actor.mentions != 1 else ""
    return f"**{_md(actor.name)}** ({_md('; '.join(details))}): {actor.mentions} mention{plural}"


def _markdown_actors(brief: Brief) -> list[str]:
    lines = ["", "## Actors", ""]
    if not brief.actors:
        lines.append("_No named actors found._")
    for actor in brief.actors[:SHOWN_ACTORS]:
        lines.append(f"- {_actor_line(actor)} {_cites(cited_numbers(brief, actor.sources))}")
    if len(brief.actors) > SHOWN_ACTORS:
        lines.append(f"- … and {len(brief.actors) - SHOWN_ACTORS} more (see the JSON output)")
    if brief.relations:
        lines += ["", "### How they relate", ""]
        for relation in brief.relations:
            cites = _cites(cited_numbers(brief, relation.sources))
            lines.append(
                f"- {_md(relation.subject)} *{_md(relation.predicate)}* {_md(relation.object)} "
                f"({_md(relation.type)}) {cites}"
            )
    return lines


def _markdown_timeline(brief: Brief) -> list[str]:
    lines = ["", "## Timeline", ""]
    if not brief.timeline:
        lines.append("_No dated events found._")
    for event in brief.timeline:
        cites = _cites(cited_numbers(brief, event.sources))
        when = ", ".join(dict.fromkeys(f"“{_md(span.text)}”" for span in event.when))
        lines.append(
            f"- **{_md(event.date)}** ({_md(event.precision)}; {when}) {_md(event.text)} {cites}"
        )
    note = undated_note(brief)
    if note:
        lines += ["", f"_{note}_"]
    return lines


def _markdown_claims(brief: Brief) -> list[str]:
    counts = claim_counts(brief)
    lines = ["", "## Where sources agree", ""]
    shown = agreeing(brief)
    if not shown:
        lines.append("_No statement is made by more than one source._")
    for claim in shown:
        cites = _cites(cited_numbers(brief, claim.sources))
        lines.append(f"- {_md(claim.text)} {cites} ({support(brief, claim.articles)})")
        lines += [f"  - {_md(line)}" for line in update_lines(brief, claim)]
    lines += [
        "",
        f"_{counts['corroborated']} corroborated, {counts['single-source']} single-source, "
        f"{counts['contradicted']} contradicted statements; {counts['uncertain']} uncertain "
        "(another source may say the same; too close to call). All in the JSON output._",
        "",
        "## Sources differ",
        "",
    ]
    contradicted = [claim for claim in brief.claims if claim.status == "contradicted"]
    if not contradicted:
        lines.append("_No contradictions found between the sources._")
    for claim in contradicted:
        lines.append(f"- {'; '.join(_md(line) for line in conflict_lines(brief, claim))}")
        for source in conflict_sources(claim):
            lines.append(f"  - [{cited_numbers(brief, (source,))[0]}] {_md(source.text)}")
        lines += [f"  - {_md(line)}" for line in update_lines(brief, claim)]
    return lines
