"""The nouns of newsweave: frozen dataclasses for articles, annotations and briefs, with JSON forms.

Every piece of evidence is a `Span`: character offsets into one article's clean `text`, with the
text they cover, so `article.text[span.start:span.end] == span.text` can always be checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# How an article's clean text separates its paragraphs.
PARAGRAPH_BREAK = "\n\n"
# How far sources agree on a claim: several outlets, one only, or differing on a fact.
CLAIM_STATUSES = ("corroborated", "single-source", "contradicted")
# Facts on which two reports of one claim can differ.
CONFLICT_KINDS = ("number", "date", "name", "negation")
# Kinds of quote: words in quotation marks as a whole statement, a quoted phrase inside the
# writer's sentence, and reported speech without quotation marks.
QUOTE_KINDS = ("direct", "partial", "indirect")
# Coarse relation types between actors.
RELATION_TYPES = ("cooperation", "conflict", "statement", "other")


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


@dataclass(frozen=True)
class Span:
    """A stretch of one article's clean text: `[start, end)` character offsets and their text."""

    article: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"article", "start", "end", "text"}`."""
        return {"article": self.article, "start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Span:
        """Rebuild a Span from its JSON form."""
        return cls(str(data["article"]), int(data["start"]), int(data["end"]), str(data["text"]))

    def resolves_in(self, text: str) -> bool:
        """Whether this span's offsets cover exactly its text in `text`."""
        return 0 <= self.start <= self.end <= len(text) and text[self.start : self.end] == self.text


@dataclass(frozen=True)
class RemovedLine:
    """A paragraph of the input that is not article text: boilerplate or metadata.

    `line` is the 1-based line number in the input where the paragraph starts; `kind` says why
    it was removed (see `boilerplate.KINDS`).
    """

    line: int
    kind: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"line", "kind", "text"}`."""
        return {"line": self.line, "kind": self.kind, "text": self.text}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RemovedLine:
        """Rebuild a RemovedLine from its JSON form."""
        return cls(int(data["line"]), str(data["kind"]), str(data["text"]))


@dataclass(frozen=True)
class Article:
    """One news article: its clean text (paragraphs separated by blank lines) and metadata.

    `published` is an ISO 8601 string (a date, or a date and time with its offset when the
    source gave one), or None when the source did not say: dates are never guessed.
    """

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    path: str | None = None
    author: str | None = None
    removed_lines: tuple[RemovedLine, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in briefs and in `annotate` lines."""
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published,
            "url": self.url,
            "path": self.path,
            "author": self.author,
            "text": self.text,
            "removed_lines": [line.to_dict() for line in self.removed_lines],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Article:
        """Rebuild an Article from its JSON form."""
        return cls(
            id=str(data["id"]),
            text=str(data["text"]),
            title=_optional_str(data, "title"),
            outlet=_optional_str(data, "outlet"),
            published=_optional_str(data, "published"),
            url=_optional_str(data, "url"),
            path=_optional_str(data, "path"),
            author=_optional_str(data, "author"),
            removed_lines=tuple(RemovedLine.from_dict(r) for r in data.get("removed_lines", ())),
        )

    def span(self, start: int, end: int) -> Span:
        """The Span of `text[start:end]` in this article."""
        return Span(self.id, start, end, self.text[start:end])

    def paragraph_bounds(self) -> list[tuple[int, int]]:
        """(start, end) of each paragraph of `text` (paragraphs are joined by a blank line)."""
        bounds = []
        start = 0
        for paragraph in self.text.split(PARAGRAPH_BREAK):
            bounds.append((start, start + len(paragraph)))
            start += len(paragraph) + len(PARAGRAPH_BREAK)
        return bounds


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article and its content terms (lower-cased lemmas, no stop words)."""

    span: Span
    terms: tuple[str, ...]
    paragraph: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"start", "end", "text", "paragraph", "terms"}`."""
        return {
            "start": self.span.start,
            "end": self.span.end,
            "text": self.span.text,
            "paragraph": self.paragraph,
            "terms": list(self.terms),
        }


@dataclass(frozen=True)
class Entity:
    """A named-entity mention with its spaCy label (PERSON, ORG, GPE, NORP, DATE, ...)."""

    span: Span
    label: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"start", "end", "text", "label"}`."""
        return {
            "start": self.span.start,
            "end": self.span.end,
            "text": self.span.text,
            "label": self.label,
        }


def _span_fields(prefix: str, span: Span | None) -> dict[str, Any]:
    """`{prefix, prefix_start, prefix_end}` for a span that may be missing."""
    return {
        prefix: None if span is None else span.text,
        f"{prefix}_start": None if span is None else span.start,
        f"{prefix}_end": None if span is None else span.end,
    }


@dataclass(frozen=True)
class Quote:
    """Something a source said, as one article reports it.

    `span` is what was said (inside the quotation marks for direct and partial quotes, the
    reported clause for indirect ones). `speaker_span` is the mention in the text that says who
    ("he", "Kabulov", "a source"); `speaker` is the name it stands for ("Zamir Kabulov" for a
    resolved "he"), or None when the text does not say. `speaker_ref` is the named mention the
    speaker was resolved to (the same as `speaker_span` when that is a name).
    """

    span: Span
    kind: str
    speaker: str | None = None
    speaker_span: Span | None = None
    speaker_ref: Span | None = None
    cue: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `annotate` form: offsets of the quote, its speaker mention and its cue."""
        data: dict[str, Any] = {
            "start": self.span.start,
            "end": self.span.end,
            "text": self.span.text,
            "kind": self.kind,
        }
        mention = self.speaker_span
        data["speaker"] = self.speaker
        data["speaker_text"] = None if mention is None else mention.text
        data["speaker_start"] = None if mention is None else mention.start
        data["speaker_end"] = None if mention is None else mention.end
        data.update(_span_fields("cue", self.cue))
        return data


@dataclass(frozen=True)
class Role:
    """A title or role the text gives a named mention ("Russia's special envoy")."""

    mention: Span
    role: Span

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: the mention and the role, each with offsets."""
        return {"mention": self.mention.to_dict(), "role": self.role.to_dict()}


@dataclass(frozen=True)
class Interaction:
    """One sentence's (subject, predicate, object) between two named mentions, with its type."""

    subject: Span
    predicate: str
    object: Span
    type: str
    evidence: Span

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: mentions and evidence as spans, the predicate as its lemmas."""
        return {
            "subject": self.subject.to_dict(),
            "predicate": self.predicate,
            "object": self.object.to_dict(),
            "type": self.type,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True)
class TimeExpr:
    """A time expression with its TIMEX3 type (DATE, TIME, DURATION, SET) and value.

    `anchor` says where the value came from: "text" (the words say it all: "July 4, 2021"),
    "published" (resolved against the publication date: "Monday"), or "none" (relative, and the
    publication date is unknown, so the value keeps its relative form: "XXXX-WXX-1").
    """

    span: Span
    type: str
    value: str
    anchor: str

    def to_dict(self) -> dict[str, Any]:
        """The `annotate` form: `{"start", "end", "text", "type", "value", "anchor"}`."""
        return {
            "start": self.span.start,
            "end": self.span.end,
            "text": self.span.text,
            "type": self.type,
            "value": self.value,
            "anchor": self.anchor,
        }


@dataclass(frozen=True)
class Annotation:
    """The per-article NLP layer: sentences, entities, quotes, roles, interactions, times, vectors.

    `embeddings` is a (len(sentences), dimensions) float32 array of unit vectors; it takes part
    in neither equality nor the default JSON form (it is large and derived).
    """

    article: Article
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    embeddings: npt.NDArray[np.float32] = field(compare=False, repr=False)
    quotes: tuple[Quote, ...] = ()
    roles: tuple[Role, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    times: tuple[TimeExpr, ...] = ()

    def to_dict(self, with_embeddings: bool = False) -> dict[str, Any]:
        """The `annotate` line: the article's fields plus `sentences` and `entities`.

        Args:
            with_embeddings: Also write `embeddings`, one list of floats per sentence.
        """
        data = self.article.to_dict()
        data["sentences"] = [sentence.to_dict() for sentence in self.sentences]
        data["entities"] = [entity.to_dict() for entity in self.entities]
        data["quotes"] = [quote.to_dict() for quote in self.quotes]
        data["roles"] = [role.to_dict() for role in self.roles]
        data["interactions"] = [interaction.to_dict() for interaction in self.interactions]
        data["times"] = [time.to_dict() for time in self.times]
        if with_embeddings:
            data["embeddings"] = [[round(float(v), 6) for v in row] for row in self.embeddings]
        return data


@dataclass(frozen=True)
class SummarySentence:
    """A summary sentence taken verbatim from an article, with every Span that supports it.

    `sources[0]` is the sentence itself; the others are sentences of other articles that say
    the same thing.
    """

    text: str
    sources: tuple[Span, ...]

    @property
    def articles(self) -> tuple[str, ...]:
        """Ids of the supporting articles, in citation order, without repeats."""
        return tuple(dict.fromkeys(span.article for span in self.sources))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"text", "support", "sources": [spans]}`."""
        return {
            "text": self.text,
            "support": len(self.articles),
            "sources": [span.to_dict() for span in self.sources],
        }


@dataclass(frozen=True)
class Actor:
    """A person, organisation, country, place or group of the story, across all its articles.

    `id` is stable for the same name and kind; `aliases` are the other ways the articles name
    it; `sources` are its mentions, one Span each, `mentions` their count.
    """

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    mentions: int
    sources: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"id", "name", "kind", "aliases", "roles", "mentions", "sources"}`."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "roles": list(self.roles),
            "mentions": self.mentions,
            "sources": [span.to_dict() for span in self.sources],
        }


@dataclass(frozen=True)
class CitedQuote:
    """A quote of the story: one statement, with every article that reports it.

    `speaker_id` is the Actor who said it, when the speaker is a named actor.
    """

    text: str
    kind: str
    speaker: str | None
    speaker_id: str | None
    cue: str | None
    sources: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"text", "kind", "speaker", "speaker_id", "cue", "sources"}`."""
        return {
            "text": self.text,
            "kind": self.kind,
            "speaker": self.speaker,
            "speaker_id": self.speaker_id,
            "cue": self.cue,
            "sources": [span.to_dict() for span in self.sources],
        }


@dataclass(frozen=True)
class Relation:
    """Two actors and what one does to or with the other, with the sentences that say so."""

    subject: str
    subject_id: str
    predicate: str
    object: str
    object_id: str
    type: str
    sources: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: names and ids of both actors, predicate, type and sources."""
        return {
            "subject": self.subject,
            "subject_id": self.subject_id,
            "predicate": self.predicate,
            "object": self.object,
            "object_id": self.object_id,
            "type": self.type,
            "sources": [span.to_dict() for span in self.sources],
        }


@dataclass(frozen=True)
class Event:
    """A dated event of the timeline: what happened, when, and every sentence that says so.

    `date` is a TIMEX3 value ("2021-08-16", "2021-W33", "2021-07", "1996/2001"), `precision`
    how fine it is ("day", "week", "month", "quarter", "season", "year", "decade", "century",
    "years" for a span of years, "time" for a time of day); `when` are the time expressions.
    """

    date: str
    precision: str
    text: str
    sources: tuple[Span, ...]
    when: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"date", "precision", "text", "sources", "when"}`."""
        return {
            "date": self.date,
            "precision": self.precision,
            "text": self.text,
            "sources": [span.to_dict() for span in self.sources],
            "when": [span.to_dict() for span in self.when],
        }


@dataclass(frozen=True)
class ClaimConflict:
    """Where two reports of one claim differ: the kind of fact and each side's wording."""

    kind: str
    this: str
    other: str
    sources: tuple[Span, Span]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"kind", "this", "other", "sources": [this span, other span]}`."""
        return {
            "kind": self.kind,
            "this": self.this,
            "other": self.other,
            "sources": [span.to_dict() for span in self.sources],
        }


@dataclass(frozen=True)
class Claim:
    """A statement of the story and how the sources stand on it.

    `sources` are the sentences that make it, one or more per article; `status` is
    corroborated (two or more outlets, or articles where the outlet is unknown), single-source,
    or contradicted (reports differ on a fact, listed in `conflicts`).
    """

    text: str
    status: str
    sources: tuple[Span, ...]
    conflicts: tuple[ClaimConflict, ...] = ()

    @property
    def articles(self) -> tuple[str, ...]:
        """Ids of the articles that make the claim, without repeats."""
        return tuple(dict.fromkeys(span.article for span in self.sources))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"text", "status", "support", "sources", "conflicts"}`."""
        return {
            "text": self.text,
            "status": self.status,
            "support": len(self.articles),
            "sources": [span.to_dict() for span in self.sources],
            "conflicts": [conflict.to_dict() for conflict in self.conflicts],
        }


@dataclass(frozen=True)
class Brief:
    """What newsweave tells a reader about one story."""

    title: str
    articles: tuple[Article, ...]
    summary: tuple[SummarySentence, ...]
    quotes: tuple[CitedQuote, ...] = ()
    actors: tuple[Actor, ...] = ()
    relations: tuple[Relation, ...] = ()
    timeline: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()

    @property
    def undated_articles(self) -> tuple[str, ...]:
        """Ids of articles without a publication date: their relative dates are not placed."""
        return tuple(article.id for article in self.articles if not article.published)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form documented in docs/output.md."""
        data: dict[str, Any] = {
            "title": self.title,
            "articles": [article.to_dict() for article in self.articles],
            "summary": [sentence.to_dict() for sentence in self.summary],
            "quotes": [quote.to_dict() for quote in self.quotes],
            "actors": [actor.to_dict() for actor in self.actors],
            "relations": [relation.to_dict() for relation in self.relations],
            "timeline": [event.to_dict() for event in self.timeline],
            "undated_articles": list(self.undated_articles),
            "claims": [claim.to_dict() for claim in self.claims],
        }
        return data
