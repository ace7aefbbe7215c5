"""Quotes and their speakers: direct, split, partial, multi-paragraph, and reported speech.

Written by hand on spaCy's parse because no maintained library does this for news: textacy's
`direct_quotations` (the baseline in benchmarks/quotes.py) finds neither partial quotes, nor
reported speech, nor speakers carried from one quote to the next, and resolves no pronouns.

How it reads a paragraph:
1. Quotation marks are paired (curly, straight, and the `''` of wire copy). A mark left open at
   the end of a paragraph is the news convention for a quote that goes on in the next one.
2. The attribution is looked for outside the marks, in the sentences the quote touches: a cue
   (said, told, warned, reports, according to, ...) and its subject, the speaker.
3. A pronoun speaker is resolved to the person named last before it; a quote with no attribution
   of its own keeps the speaker of the quote just before it when it follows on (same paragraph,
   or a paragraph that opens with a quote); anything else stays unknown rather than guessed.
4. Reported speech without marks is a cue verb with a clause complement, or "according to".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newsweave.analyze.speech import (
    CUE_VERBS,
    SPEAKER_LABELS,
    Attribution,
    ParsedParagraph,
    attach_speaker,
    cue_distance,
    extract_reported_speech,
    find_cue,
    person_mentions,
    speaker_phrase,
)
from newsweave.models import Article, Quote, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

_OPENING = "“„«"
_CLOSING = "”»"
# Words right before a quotation mark that let a statement open there.
_CUE_WORDS = frozenset(
    """said says told tells added adds asked asks wrote writes stated declared explained saying
    adding telling asking writing""".split()  # noqa: SIM905
)
# Characters around a quotation mark that decide its kind.
_WINDOW = 200
# Dependencies of a verb that heads a clause of its own.
_CLAUSE_DEPS = frozenset({"ROOT", "conj", "ccomp", "advcl", "parataxis"})
_OPENING_CONJUNCTIONS = frozenset({"But", "And", "So", "Yet", "Or"})
# Quoted words this short without any attribution are titles or scare quotes, not quotes.
_MIN_UNATTRIBUTED_WORDS = 4


@dataclass(frozen=True)
class _Marked:
    """Quoted text found between quotation marks in one paragraph (offsets in the article)."""

    open_mark: int
    close_mark: int | None
    start: int
    end: int
    paragraph: int


def extract_quotes(article: Article, paragraphs: Sequence[ParsedParagraph]) -> tuple[Quote, ...]:
    """Every quote of one article with its speaker, cue and kind.

    Args:
        article: The article whose clean text the paragraphs were cut from.
        paragraphs: (offset, spaCy Doc) of each paragraph, in order.

    Returns:
        Direct and partial quotes, then reported speech, each in text order.
    """
    marked = [m for index, paragraph in enumerate(paragraphs) for m in _marked(paragraph, index)]
    quoted_chars = [
        (m.open_mark, m.close_mark if m.close_mark is not None else m.end) for m in marked
    ]
    people = person_mentions(article, paragraphs, quoted_chars)
    direct = _attribute_marked(article, paragraphs, marked, quoted_chars, people)
    statements = [quote for quote in direct if quote.kind == "direct"]
    indirect = [
        quote
        for paragraph in paragraphs
        for quote in extract_reported_speech(article, paragraph, quoted_chars, people)
        if not _overlaps_any(quote.span, statements)
    ]
    return tuple(direct) + tuple(indirect)


def _marked(paragraph: ParsedParagraph, index: int) -> Iterator[_Marked]:
    """Pair the quotation marks of a paragraph; an unclosed one runs to the paragraph's end."""
    offset, doc = paragraph
    text = doc.text
    open_at: int | None = None
    position = 0
    while position < len(text):
        pair = text[position : position + 2]
        char = text[position]
        width = 2 if pair in ("''", "``") else 1
        if width == 1 and char not in '"' + _OPENING + _CLOSING:
            position += 1
            continue
        if char == '"' and _after_number(text, position):
            # Inches and seconds of arc (a 15" screen, 6'5", 40°26'46"N), not a quotation mark.
            position += 1
            continue
        opening = char in _OPENING or pair == "``"
        closing = char in _CLOSING
        if open_at is None:
            if not closing:
                open_at = position
        elif opening:
            # A second opening mark before any closing one: the first quote was left open.
            yield from _make_marked(
                offset, text, open_at, close_mark=None, end=position, index=index
            )
            open_at = position
        else:
            yield from _make_marked(
                offset, text, open_at, close_mark=position, end=position, index=index
            )
            open_at = None
        position += width
    if open_at is not None:
        yield from _make_marked(offset, text, open_at, close_mark=None, end=len(text), index=index)


def _after_number(text: str, position: int) -> bool:
    """Whether a mark follows a number directly (15", 6'5"): a unit, not a quotation mark."""
    before = text[max(position - 2, 0) : position]
    return before[-1:].isdigit() or (before[-1:] == "'" and before[:1].isdigit())


def _make_marked(
    offset: int, text: str, open_mark: int, *, close_mark: int | None, end: int, index: int
) -> Iterator[_Marked]:
    width = 2 if text[open_mark : open_mark + 2] in ("''", "``") else 1
    start = open_mark + width
    while start < end and text[start].isspace():
        start += 1
    # A trailing comma belongs to the sentence around the quote, not to what was said.
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if any(char.isalpha() for char in text[start:end]):
        yield _Marked(
            offset + open_mark,
            None if close_mark is None else offset + close_mark,
            offset + start,
            offset + end,
            index,
        )


def _overlaps_any(span: Span, quotes: Sequence[Quote]) -> bool:
    return any(q.span.start < span.end and span.start < q.span.end for q in quotes)


@dataclass(frozen=True)
class _Layout:
    """An article's parsed paragraphs with their bounds and token offsets, computed once.

    Looking tokens up by offset (binary search) keeps a paragraph with hundreds of quotes
    linear instead of quadratic.
    """

    text: str
    paragraphs: Sequence[ParsedParagraph]
    bounds: list[tuple[int, int]]
    starts: list[list[int]]

    @classmethod
    def of(cls, text: str, paragraphs: Sequence[ParsedParagraph]) -> _Layout:
        """Index an article's paragraphs."""
        return cls(
            text,
            paragraphs,
            [(offset, offset + len(doc.text)) for offset, doc in paragraphs],
            [[token.idx for token in doc] for _, doc in paragraphs],
        )

    def opens_paragraph(self, mark: _Marked) -> bool:
        """Whether nothing but whitespace precedes the mark in its paragraph."""
        start = self.bounds[mark.paragraph][0]
        return not self.text[start : mark.open_mark].strip()

    def tokens_between(self, first: int, last: int, start: int, end: int) -> list[Token]:
        """Tokens of paragraphs `first`..`last` that start in [start, end) of the article."""
        tokens: list[Token] = []
        for index in range(first, last + 1):
            offset, doc = self.paragraphs[index]
            low = bisect.bisect_left(self.starts[index], start - offset)
            high = bisect.bisect_left(self.starts[index], end - offset)
            tokens.extend(doc[low:high])
        return tokens


def _attribute_marked(
    article: Article,
    paragraphs: Sequence[ParsedParagraph],
    marked: Sequence[_Marked],
    quoted_chars: Sequence[tuple[int, int]],
    people: Sequence[tuple[int, Span]],
) -> list[Quote]:
    quotes: list[Quote | None] = []
    layout = _Layout.of(article.text, paragraphs)
    # Per quote: "own" (attributed in its sentences), "follows" (goes on from the quote before
    # and shares its speaker) or "alone" (nothing says who).
    status: list[str] = []
    for number, mark in enumerate(marked):
        offset, doc = paragraphs[mark.paragraph]
        attribution = _find_attribution(
            doc, offset, layout.starts[mark.paragraph], mark, quoted_chars
        )
        if attribution is None and _opens_after_colon(layout, mark):
            previous_offset, previous_doc = paragraphs[mark.paragraph - 1]
            last_sentence = list(previous_doc.sents)[-1]
            attribution = find_cue(last_sentence, previous_offset, quoted_chars, None)
        kind = _kind(article.text, layout.bounds[mark.paragraph], mark)
        quote = Quote(span=article.span(mark.start, mark.end), kind=kind)
        quoted = article.text[mark.start : mark.end]
        if attribution is not None:
            state = "own"
        elif _follows_on(layout, marked, number, quotes):
            state = "follows"
        else:
            state = "alone"
        if (
            (kind == "partial" and _is_title(quoted))
            # A mark never closed nor continued in the next paragraph is a stray mark.
            or (mark.close_mark is None and state != "own" and not _continues(marked, number))
            # A few quoted words that nothing attributes are a title or a scare quote.
            or (
                state == "alone"
                and (
                    kind == "partial"
                    or len(quoted.split()) < _MIN_UNATTRIBUTED_WORDS
                    or _is_title(quoted)
                )
            )
        ):
            quotes.append(None)
            status.append("dropped")
            continue
        if attribution is not None:
            quote = attach_speaker(article, quote, attribution, people, quotes)
        quotes.append(quote)
        status.append(state)
    _carry_speakers(marked, quotes, status)
    return [quote for quote in quotes if quote is not None]


def _continues(marked: Sequence[_Marked], number: int) -> bool:
    """Whether an unclosed quote goes on in the next paragraph, opening it with a mark."""
    if number + 1 >= len(marked):
        return False
    current, following = marked[number], marked[number + 1]
    return following.paragraph == current.paragraph + 1 and following.open_mark - current.end <= 4


def _opens_after_colon(layout: _Layout, mark: _Marked) -> bool:
    """Whether the quote opens its paragraph right after a paragraph that ends with a colon."""
    if mark.paragraph == 0 or not layout.opens_paragraph(mark):
        return False
    start, end = layout.bounds[mark.paragraph - 1]
    return layout.text[start:end].rstrip().endswith(":")


def _kind(text: str, bounds: tuple[int, int], mark: _Marked) -> str:
    """Whether a quote is direct (a statement of its own) or partial.

    Partial: the writer's sentence runs through it ("based on its "conduct"", "Trump attacked
    "the hateful ideology"").
    """
    offset, end = bounds
    # The words right around the marks decide; a bounded window keeps long paragraphs linear.
    before = text[max(offset, mark.open_mark - _WINDOW) : mark.open_mark].rstrip()
    words = before.split()
    opens_statement = (
        not before
        or before.endswith((":", ".", "?", "!", ",", "—", "–", "(", "―"))
        or words[-1].lower() in _CUE_WORDS
        or (
            words[-1] in _OPENING_CONJUNCTIONS
            and (len(words) == 1 or words[-2].rstrip("\"'”’").endswith((".", "?", "!", ":")))
        )
    )
    after_start = mark.close_mark + 1 if mark.close_mark is not None else mark.end
    after = text[after_start : min(end, after_start + _WINDOW)].lstrip("”\"'’ ")
    closing_char = (
        text[max(offset, mark.close_mark - _WINDOW) : mark.close_mark].rstrip("'’ ")[-1:]
        if mark.close_mark is not None
        else text[mark.end - 1]
    )
    closes_statement = not after or after[0] in ",.;:?!—–-―)" or closing_char in ",.?!;:"
    return "direct" if opens_statement and closes_statement else "partial"


def _is_title(quoted: str) -> bool:
    """Whether quoted words read as a title ("Face the Nation", "Fox and Friends")."""
    words = re.findall(r"[^\W\d_]+", quoted)
    long_words = [w for w in words if len(w) > 3]
    return 0 < len(words) <= 8 and bool(long_words) and all(w[0].isupper() for w in long_words)


def _find_attribution(
    doc: Doc,
    offset: int,
    starts: Sequence[int],
    mark: _Marked,
    quoted_chars: Sequence[tuple[int, int]],
) -> Attribution | None:
    """The cue and speaker in the sentences the quote touches, outside any quotation marks.

    `starts` are the paragraph-relative offsets of the Doc's tokens.
    """
    first = max(bisect.bisect_right(starts, mark.open_mark - offset) - 1, 0)
    last_char = (mark.close_mark if mark.close_mark is not None else mark.end) - offset
    last = max(bisect.bisect_right(starts, last_char) - 1, 0)
    dashed = _dash_attribution(doc, offset, last)
    if dashed is not None:
        return dashed
    # The sentences of both marks, and the one right after the closing mark: the parser often
    # ends a sentence at `?"` or `."` and puts "Trump said" in the next.
    sentences = [doc[first].sent, doc[last].sent]
    if last + 1 < len(doc) and doc[last + 1].sent.start == last + 1:
        sentences.append(doc[last + 1].sent)
    best: Attribution | None = None
    best_distance = 0
    near = (mark.open_mark, mark.close_mark if mark.close_mark is not None else mark.end)
    for sentence in dict.fromkeys(sentences):
        found = find_cue(sentence, offset, quoted_chars, near)
        if found is None:
            continue
        if sentence.start > last and not _short_attribution(found, sentence):
            continue  # "He said the Taliban is ..." is a statement of its own
        distance = cue_distance(found.cue, offset, near)
        if best is None or distance < best_distance:
            best, best_distance = found, distance
    return best


def _short_attribution(found: Attribution, sentence: SpacySpan) -> bool:
    """Whether a sentence after a quote is only its attribution ("Trump said, smiling.")."""
    cue = found.cue
    return (
        cue is not None
        and cue.i - sentence.start <= 4
        and not any(child.dep_ == "ccomp" for child in cue.children)
    )


def _dash_attribution(doc: Doc, offset: int, last: int) -> Attribution | None:
    """A name after a dash that follows the closing mark: `"..." ― Krystal Correa`."""
    following = doc[last + 1 : last + 3]
    if not following or following[0].text not in ("―", "—", "–", "-", "--"):
        return None
    name = following[-1] if len(following) > 1 else None
    if name is None or not (name.ent_type_ in SPEAKER_LABELS or name.pos_ == "PROPN"):
        return None
    if name.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
        return None  # "- Monday, 3 p.m." dates the quote, it does not name its speaker
    if name.ent_type_ in SPEAKER_LABELS:
        return Attribution(None, speaker_phrase(name), offset)
    end = name.i
    while end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN":
        end += 1
    return Attribution(None, doc[name.i : end + 1], offset)


def _follows_on(
    layout: _Layout,
    marked: Sequence[_Marked],
    number: int,
    quotes: Sequence[Quote | None],
) -> bool:
    """Whether an unattributed quote goes on from the quote before it (so shares its speaker).

    Only when nothing but that quote's attribution stands between them: at most one sentence
    end, no clause of the writer's own ("Jones shook his head.", "Critics call the plan"), and,
    across a paragraph break, the new paragraph opens with the quote.
    """
    if number == 0 or not quotes or quotes[-1] is None:
        return False
    previous, current = marked[number - 1], marked[number]
    if current.paragraph not in (previous.paragraph, previous.paragraph + 1):
        return False
    if current.paragraph != previous.paragraph and not layout.opens_paragraph(current):
        return False
    gap_start = (previous.close_mark if previous.close_mark is not None else previous.end) + 1
    tokens = layout.tokens_between(
        previous.paragraph, current.paragraph, gap_start, current.open_mark
    )
    sentence_ends = sum(token.text in (".", "?", "!") for token in tokens)
    own_clause = any(
        token.pos_ == "VERB"
        and token.dep_ in _CLAUSE_DEPS
        and token.lemma_.lower() not in CUE_VERBS
        for token in tokens
    )
    return sentence_ends <= 1 and not own_clause


def _carry_speakers(
    marked: Sequence[_Marked], quotes: list[Quote | None], status: Sequence[str]
) -> None:
    """Give quotes that follow on from an attributed quote its speaker.

    Forwards: a quote with no attribution of its own that goes on from the quote before it.
    Backwards: a quote left open at the end of a paragraph whose continuation is attributed.
    """
    for number in range(1, len(quotes)):
        quote, previous = quotes[number], quotes[number - 1]
        if quote is not None and previous is not None and status[number] == "follows":
            quotes[number] = _speaker_of(quote, previous)
    for number in range(len(quotes) - 2, -1, -1):
        quote, following = quotes[number], quotes[number + 1]
        if (
            quote is not None
            and following is not None
            and status[number] != "own"
            and marked[number].close_mark is None
            and following.speaker_span is not None
        ):
            quotes[number] = _speaker_of(quote, following)


def _speaker_of(quote: Quote, other: Quote) -> Quote:
    """The quote with the speaker and cue of another quote of the same voice."""
    return replace(
        quote,
        speaker=other.speaker,
        speaker_span=other.speaker_span,
        speaker_ref=other.speaker_ref,
        cue=other.cue,
    )
