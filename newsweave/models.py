"""The nouns of newsweave: frozen dataclasses for articles, annotations and briefs.

Every piece of evidence is a `Span`: character offsets into one article's clean `text`, with the
text they cover, so `article.text[span.start:span.end] == span.text` can always be checked (an
Annotation checks all of its own when it is made). Every noun goes to JSON and back exactly
through the one generic serializer (serialize.py): `Noun.from_dict(noun.to_dict()) == noun`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from newsweave import serialize

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# The version of the JSON forms below. Raise it whenever a field is added, removed or changes
# meaning: stored annotations of another version are refused rather than misread.
SCHEMA_VERSION = 3

# How an article's clean text separates its paragraphs.
PARAGRAPH_BREAK = "\n\n"
# How far sources agree on a claim: several outlets, one only, differing on a fact, or one
# source and a possible but unconfirmed match in another (neither corroborated nor single-source).
CLAIM_STATUSES = ("corroborated", "single-source", "contradicted", "uncertain")
# Facts on which two reports of one claim can differ.
CONFLICT_KINDS = ("number", "date", "name", "negation")
# Kinds of quote: words in quotation marks as a whole statement, a quoted phrase inside the
# writer's sentence, and reported speech without quotation marks.
QUOTE_KINDS = ("direct", "partial", "indirect")
# Coarse relation types between actors.
RELATION_TYPES = ("cooperation", "conflict", "statement", "other")
# Bytes per embedding value: float32, little-endian.
_FLOAT_BYTES = 4


class Noun:
    """What every noun can do: go to its JSON form and back (see serialize.py)."""

    # Read-only properties written to JSON beside the fields, and ignored when read back.
    JSON_DERIVED: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every field, nested nouns as objects, spans with their article id."""
        return serialize.to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "") -> Self:
        """Rebuild from the JSON form, checking every field.

        Raises:
            SchemaError: When a field is missing, unknown or of the wrong type.
        """
        return serialize.from_dict(cls, data, where)


@dataclass(frozen=True)
class Span(Noun):
    """A stretch of one article's clean text: `[start, end)` character offsets and their text."""

    article: str
    start: int
    end: int
    text: str

    def resolves_in(self, text: str) -> bool:
        """Whether this span's offsets cover exactly its text in `text`."""
        return 0 <= self.start <= self.end <= len(text) and text[self.start : self.end] == self.text


@dataclass(frozen=True)
class RemovedLine(Noun):
    """A paragraph of the input that is not article text: boilerplate or metadata.

    `line` is the 1-based line number in the input where the paragraph starts; `kind` says why
    it was removed (see `boilerplate.KINDS`).
    """

    line: int
    kind: str
    text: str


@dataclass(frozen=True)
class Article(Noun):
    """One news article: its clean text (paragraphs separated by blank lines) and metadata.

    `published` is an ISO 8601 string (a date, or a date and time with its offset when the
    source gave one), or None when the source did not say: dates are never guessed. `partial`
    is True when the text is only what a feed item carried (a teaser), not the whole article.
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
    partial: bool = False

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
class Sentence(Noun):
    """A sentence of an article and its content terms (lower-cased lemmas, no stop words)."""

    span: Span
    terms: tuple[str, ...]
    paragraph: int


@dataclass(frozen=True)
class Entity(Noun):
    """A named-entity mention with its spaCy label (PERSON, ORG, GPE, NORP, DATE, ...)."""

    span: Span
    label: str


@dataclass(frozen=True)
class Quote(Noun):
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


@dataclass(frozen=True)
class Role(Noun):
    """A title or role the text gives a named mention ("Russia's special envoy")."""

    mention: Span
    role: Span


@dataclass(frozen=True)
class Interaction(Noun):
    """One sentence's (subject, predicate, object) between two named mentions, with its type."""

    subject: Span
    predicate: str
    object: Span
    type: str
    evidence: Span


@dataclass(frozen=True)
class TimeExpr(Noun):
    """A time expression with its TIMEX3 type (DATE, TIME, DURATION, SET) and value.

    `anchor` says where the value came from: "text" (the words say it all: "July 4, 2021"),
    "published" (resolved against the publication date: "Monday"), or "none" (relative, and the
    publication date is unknown, so the value keeps its relative form: "XXXX-WXX-1").
    """

    span: Span
    type: str
    value: str
    anchor: str


@dataclass(frozen=True)
class Vectors(Noun):
    """Rows of float32 numbers (sentence embeddings), packed little-endian in `data`.

    Bytes rather than an array, so that vectors compare, hash and pickle exactly like the
    other nouns, and serialize (as base64) without losing a bit.
    """

    rows: int
    dimensions: int
    data: bytes = dataclasses.field(repr=False)

    def __post_init__(self) -> None:
        if self.rows < 0 or self.dimensions < 0:
            raise ValueError("negative vector shape")
        if len(self.data) != self.rows * self.dimensions * _FLOAT_BYTES:
            raise ValueError(
                f"{len(self.data)} bytes of vectors for {self.rows} x {self.dimensions} float32"
            )

    @classmethod
    def from_array(cls, array: npt.ArrayLike) -> Vectors:
        """Pack a 2-D array (any float dtype) as float32 rows."""
        import numpy as np

        packed = np.ascontiguousarray(array, dtype="<f4")
        if packed.ndim != 2:
            raise ValueError(f"expected a 2-D array of vectors, got {packed.ndim} dimensions")
        return cls(int(packed.shape[0]), int(packed.shape[1]), packed.tobytes())

    def to_array(self) -> npt.NDArray[np.float32]:
        """The rows as a read-only float32 array (no copy)."""
        import numpy as np

        array: npt.NDArray[np.float32] = np.frombuffer(self.data, dtype="<f4").reshape(
            self.rows, self.dimensions
        )
        return array


@dataclass(frozen=True)
class Annotation(Noun):
    """The per-article NLP layer: sentences, entities, quotes, roles, interactions, times, vectors.

    `vectors` holds one unit-length sentence embedding per sentence, exactly as the embedder made
    them (`embeddings` is the same as a NumPy array). Every span must lie in `article` and
    resolve in its text, or the Annotation cannot be made: a stored annotation whose offsets
    drifted from its text is refused, never woven.
    """

    article: Article
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    vectors: Vectors
    quotes: tuple[Quote, ...] = ()
    roles: tuple[Role, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    times: tuple[TimeExpr, ...] = ()

    def __post_init__(self) -> None:
        if self.vectors.rows != len(self.sentences):
            raise ValueError(
                f"{self.vectors.rows} embedding rows for {len(self.sentences)} sentences"
            )
        for where, span in _spans_in(self, ""):
            if span.article != self.article.id:
                raise ValueError(f"{where}: a span of article {span.article!r}, not of this one")
            if not span.resolves_in(self.article.text):
                raise ValueError(
                    f"{where}: span {span.start}-{span.end} {span.text[:30]!r} does not resolve "
                    "in the article's text"
                )

    @property
    def embeddings(self) -> npt.NDArray[np.float32]:
        """The sentence embeddings, a read-only (len(sentences), dimensions) float32 array."""
        return self.vectors.to_array()


@dataclass(frozen=True)
class SummarySentence(Noun):
    """A summary sentence taken verbatim from an article, with every Span that supports it.

    `sources[0]` is the sentence itself; the others are sentences of other articles that say
    the same thing.
    """

    text: str
    sources: tuple[Span, ...]

    JSON_DERIVED: ClassVar[tuple[str, ...]] = ("support",)

    @property
    def articles(self) -> tuple[str, ...]:
        """Ids of the supporting articles, in citation order, without repeats."""
        return tuple(dict.fromkeys(span.article for span in self.sources))

    @property
    def support(self) -> int:
        """How many articles support the sentence."""
        return len(self.articles)


@dataclass(frozen=True)
class Actor(Noun):
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


@dataclass(frozen=True)
class CitedQuote(Noun):
    """A quote of the story: one statement, with every article that reports it.

    `speaker_id` is the Actor who said it, when the speaker is a named actor.
    """

    text: str
    kind: str
    speaker: str | None
    speaker_id: str | None
    cue: str | None
    sources: tuple[Span, ...]


@dataclass(frozen=True)
class Relation(Noun):
    """Two actors and what one does to or with the other, with the sentences that say so."""

    subject: str
    subject_id: str
    predicate: str
    object: str
    object_id: str
    type: str
    sources: tuple[Span, ...]


@dataclass(frozen=True)
class Event(Noun):
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


# The ClaimConflict kind of a later count of the same thing ("the toll rose to ...").
UPDATE = "update"


@dataclass(frozen=True)
class ClaimConflict(Noun):
    """Where two reports of one claim differ: the kind of fact and each side's wording.

    `kind` is number, date, or `UPDATE`: a later article's higher count of the same thing,
    with the earlier report first; an update is not a contradiction.
    """

    kind: str
    this: str
    other: str
    sources: tuple[Span, Span]


@dataclass(frozen=True)
class Claim(Noun):
    """A statement of the story and how the sources stand on it.

    `sources` are the sentences that make it, one or more per article; `status` is
    corroborated (two or more outlets, or articles where the outlet is unknown), single-source,
    contradicted (reports differ on a fact, listed in `conflicts`), or uncertain (one source, and
    another source has a sentence that may state it, too weakly to say either).
    """

    text: str
    status: str
    sources: tuple[Span, ...]
    conflicts: tuple[ClaimConflict, ...] = ()

    JSON_DERIVED: ClassVar[tuple[str, ...]] = ("support",)

    @property
    def articles(self) -> tuple[str, ...]:
        """Ids of the articles that make the claim, without repeats."""
        return tuple(dict.fromkeys(span.article for span in self.sources))

    @property
    def support(self) -> int:
        """How many articles make the claim."""
        return len(self.articles)


@dataclass(frozen=True)
class Brief(Noun):
    """What newsweave tells a reader about one story."""

    title: str
    articles: tuple[Article, ...]
    summary: tuple[SummarySentence, ...]
    quotes: tuple[CitedQuote, ...] = ()
    actors: tuple[Actor, ...] = ()
    relations: tuple[Relation, ...] = ()
    timeline: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    # Article ids grouped by independent origin: copies of one text, and one outlet's articles,
    # are one origin (story/origins.py). Empty in briefs made before origins were kept.
    origins: tuple[tuple[str, ...], ...] = ()

    JSON_DERIVED: ClassVar[tuple[str, ...]] = ("undated_articles",)

    def independent(self, articles: Iterable[str]) -> int:
        """How many independent origins the given article ids come from."""
        origin = {article: n for n, ids in enumerate(self.origins) for article in ids}
        return len({origin.get(article, article) for article in articles})

    @property
    def undated_articles(self) -> tuple[str, ...]:
        """Ids of articles without a publication date: their relative dates are not placed."""
        return tuple(article.id for article in self.articles if not article.published)


def _spans_in(value: Any, where: str) -> Iterator[tuple[str, Span]]:
    """Every Span inside a noun, however deeply nested, with where it is ("quotes[2].cue")."""
    if isinstance(value, Span):
        yield where, value
    elif isinstance(value, tuple):
        for number, item in enumerate(value):
            yield from _spans_in(item, f"{where}[{number}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type | Article | Vectors):
        for field in dataclasses.fields(value):
            path = f"{where}.{field.name}" if where else field.name
            yield from _spans_in(getattr(value, field.name), path)
