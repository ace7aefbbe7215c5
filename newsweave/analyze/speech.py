"""The language of attribution: cue verbs, who they name as speaker, and reported speech.

Shared by quotes.py (speech in quotation marks) and used alone for indirect speech ("Kabulov
said Moscow would decide ..."). Written by hand on spaCy's dependency parse; see quotes.py for
why no library is used. A speaker is the cue's subject, or, when the parse puts the subject
inside the quote, the first name or noun between quote and cue; "he" and "she" are resolved to
the person named last before them, and other pronouns stay unresolved.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newsweave.models import Article, Quote, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

# One parsed paragraph: its offset in the article's text and spaCy's Doc of it.
ParsedParagraph = tuple[int, "Doc"]

# Lemmas of verbs that attribute speech or writing to a source.
CUE_VERBS = frozenset(
    """say tell add ask warn hint explain note write tweet post state claim argue insist report
    announce declare suggest acknowledge admit respond reply recall predict urge confirm deny
    complain testify describe joke quip stress emphasize emphasise concede contend assert
    maintain observe remark comment allege reveal indicate conclude learn caution vow promise
    pledge threaten boast lament mention muse scoff shout yell whisper cry continue repeat
    reiterate estimate forecast believe think agree disagree counter retort disclose inform
    assure proclaim blast charge accuse praise criticize criticise demand wonder answer snap
    scream exclaim marvel plead beg protest sigh laugh groan grumble interject rail fume gush
    chant recount read""".split()  # noqa: SIM905
)
# Cue verbs that carry a quote only when a clause or quote follows (not "praised the Taliban").
_WEAK_CUES = frozenset(
    """believe think agree disagree praise criticize criticise accuse charge
    blast""".split()  # noqa: SIM905
)

_PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})
SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def inside(position: int, quoted_chars: Sequence[tuple[int, int]]) -> bool:
    """Whether a character position falls in one of the quoted stretches.

    `quoted_chars` is in text order and its stretches do not overlap, so a binary search finds
    the only candidate: the last stretch that starts at or before the position.
    """
    index = bisect.bisect_right(quoted_chars, (position, sys.maxsize)) - 1
    return index >= 0 and quoted_chars[index][0] <= position <= quoted_chars[index][1]


@dataclass(frozen=True)
class Attribution:
    """A cue and the speaker phrase it names, in a paragraph that starts at `offset`."""

    cue: Token | None
    speaker: SpacySpan | None
    offset: int


def cue_distance(cue: Token | None, offset: int, near: tuple[int, int]) -> int:
    """Characters between a cue (in a paragraph at `offset`) and a quote's (start, end)."""
    if cue is None:
        return 0
    position = offset + cue.idx
    start, end = near
    return start - position if position < start else max(position - end, 0)


def find_cue(
    sentence: SpacySpan,
    offset: int,
    quoted_chars: Sequence[tuple[int, int]],
    near: tuple[int, int] | None,
) -> Attribution | None:
    """The cue of a sentence nearest a quote, outside quotation marks, with its speaker.

    Args:
        sentence: The sentence to look in.
        offset: Where its paragraph starts in the article.
        quoted_chars: (start, end) of every quoted stretch of the article, marks included.
        near: The quote's (start, end); None to take the sentence's last cue, and to ignore
            cues that attribute only with a quote ("praised").
    """
    candidates: list[Attribution] = []
    for token in sentence:
        if inside(offset + token.idx, quoted_chars):
            continue
        if _is_according(token):
            candidates.append(Attribution(token, _according_source(token), offset))
        elif token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in CUE_VERBS:
            if token.lemma_.lower() in _WEAK_CUES and near is None:
                continue
            subject = _subject_of(token, offset, quoted_chars)
            if subject is None and token.lemma_.lower() in _WEAK_CUES:
                continue
            candidates.append(Attribution(token, subject, offset))
    if not candidates:
        return None
    if near is None:
        return candidates[-1]
    return min(candidates, key=lambda a: (a.speaker is None, cue_distance(a.cue, offset, near)))


def _subject_of(
    verb: Token, offset: int, quoted_chars: Sequence[tuple[int, int]]
) -> SpacySpan | None:
    """The speaker of a cue verb: its subject, or the subject of the verb it hangs from.

    The parser sometimes takes a word inside the quote for the subject ("no one", "we"); the
    speaker is never inside the quotation marks, so then the name next to the cue is taken.
    """
    current: Token | None = verb
    for _ in range(3):
        if current is None:
            return None
        for child in current.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                if inside(offset + child.idx, quoted_chars):
                    return _adjacent_speaker(verb, offset, quoted_chars)
                return speaker_phrase(child)
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return speaker_phrase(objects[0])
        # "footage of Clinton asking": a participle's speaker is the noun it describes.
        if current.dep_ == "acl" and current.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return speaker_phrase(current.head)
        # "..., saying", "and added": the subject is the head verb's.
        if current.dep_ in ("conj", "advcl", "xcomp") and current.head is not current:
            current = current.head
        else:
            break
    return _adjacent_speaker(verb, offset, quoted_chars)


def _adjacent_speaker(
    verb: Token, offset: int, quoted_chars: Sequence[tuple[int, int]]
) -> SpacySpan | None:
    """The speaker when the parse gives no usable subject.

    The first name, pronoun or noun between the quote and the cue ("Flynn, a top Trump
    surrogate, said"), or a name right after the cue ("said Ellis").
    """
    doc = verb.doc
    start = verb.i
    while start > verb.sent.start and not inside(offset + doc[start - 1].idx, quoted_chars):
        start -= 1
    for token in doc[start : verb.i]:
        if token.ent_type_ in ("DATE", "TIME") or token.is_punct:
            continue
        if token.pos_ in ("PROPN", "PRON", "NOUN") or token.ent_type_ in SPEAKER_LABELS:
            head = token
            while head.dep_ == "compound" and head.head.i < verb.i:
                head = head.head
            return speaker_phrase(head)
    for token in doc[verb.i + 1 : verb.i + 3]:
        if inside(offset + token.idx, quoted_chars) or token.ent_type_ in ("DATE", "TIME"):
            break
        if token.pos_ in ("PROPN", "PRON") or token.ent_type_ in SPEAKER_LABELS:
            head = token
            while head.dep_ == "compound" and head.head.i > head.i:
                head = head.head
            return speaker_phrase(head)
    return None


def speaker_phrase(head: Token) -> SpacySpan:
    """The mention a speaker's head word stands in: its named entity, or its noun phrase.

    A title with the name in apposition ("Putin's special envoy to Afghanistan, Zamir Kabulov")
    is the named person.
    """
    if head.ent_type_ != "PERSON":
        # The apposition may hang from a word inside the title ("envoy to Afghanistan, Zamir
        # Kabulov" attaches to "Afghanistan").
        for token in head.subtree:
            if token.dep_ == "appos" and token.ent_type_ == "PERSON":
                head = token
                break
    if head.ent_type_ in SPEAKER_LABELS:
        for ent in head.doc.ents:
            if ent.start <= head.i < ent.end:
                return ent
    left = head.i
    for child in head.lefts:
        if child.dep_ in ("det", "amod", "compound", "poss", "nummod", "nmod", "case", "quantmod"):
            left = min(left, child.left_edge.i)
    return head.doc[left : head.i + 1]


def person_mentions(
    article: Article,
    paragraphs: Sequence[ParsedParagraph],
    quoted_chars: Sequence[tuple[int, int]],
) -> list[tuple[int, Span]]:
    """Named people in text order, as (start, Span), for resolving "he" and "she".

    Names inside quotation marks are left out: in `"I spoke to Putin," he said` "he" is not Putin.
    """
    return [
        (offset + ent.start_char, article.span(offset + ent.start_char, offset + ent.end_char))
        for offset, doc in paragraphs
        for ent in doc.ents
        if ent.label_ == "PERSON" and not inside(offset + ent.start_char, quoted_chars)
    ]


def attach_speaker(
    article: Article,
    quote: Quote,
    attribution: Attribution,
    people: Sequence[tuple[int, Span]],
    earlier: Sequence[Quote | None],
) -> Quote:
    """The quote with the attribution's cue and speaker (resolved when a pronoun) set.

    Args:
        article: The quote's article.
        quote: The quote without speaker.
        attribution: The cue and speaker phrase found for it.
        people: Named people of the article in text order (`person_mentions`).
        earlier: The quotes before it in the article, for "he" after a quoted person.
    """
    offset = attribution.offset
    cue_token = attribution.cue
    cue: Span | None = None
    if cue_token is not None:
        cue_end = cue_token.idx + len(cue_token.text)
        if _is_according(cue_token):
            cue_end = cue_token.nbor().idx + len(cue_token.nbor().text)
        cue = article.span(offset + cue_token.idx, offset + cue_end)
    phrase = attribution.speaker
    if phrase is None:
        return replace(quote, cue=cue)
    mention = article.span(offset + phrase.start_char, offset + phrase.end_char)
    name, ref = _resolve(mention, phrase, people, earlier)
    return replace(quote, cue=cue, speaker=name, speaker_span=mention, speaker_ref=ref)


def _resolve(
    mention: Span,
    phrase: SpacySpan,
    people: Sequence[tuple[int, Span]],
    earlier: Sequence[Quote | None],
) -> tuple[str | None, Span | None]:
    """The name a speaker mention stands for, and the named mention it was resolved to."""
    word = mention.text.lower()
    if len(phrase) == 1 and phrase[0].pos_ == "PRON":
        if word not in _PERSONAL_PRONOUNS:
            return None, None
        # The person named last before the pronoun; a previous quote's named speaker wins when
        # it is that recent, since news writing keeps "he" on the person being quoted.
        before = [span for start, span in people if start < mention.start]
        if not before:
            return None, None
        last = before[-1]
        for quote in reversed([q for q in earlier if q is not None]):
            if quote.speaker_ref is not None and quote.speaker_ref.start >= last.start:
                return quote.speaker, quote.speaker_ref
            break
        return last.text, last
    return mention.text, mention


def extract_reported_speech(
    article: Article,
    paragraph: ParsedParagraph,
    quoted_chars: Sequence[tuple[int, int]],
    people: Sequence[tuple[int, Span]],
) -> Iterator[Quote]:
    """Indirect quotes: a cue verb with a clause complement, or "according to" someone."""
    offset, doc = paragraph
    for sentence in doc.sents:
        for token in sentence:
            if inside(offset + token.idx, quoted_chars):
                continue
            content = _reported_content(token, sentence)
            if content is None:
                continue
            start, end = offset + content[0].idx, offset + content[-1].idx + len(content[-1].text)
            text = article.text[start:end]
            if sum(inside(offset + t.idx, quoted_chars) for t in content) > len(content) / 2:
                continue  # mostly a direct quote, attributed above
            if len(text.split()) < 3:
                continue
            subject = (
                _according_source(token)
                if _is_according(token)
                else _subject_of(token, offset, quoted_chars)
            )
            quote = Quote(span=article.span(start, end), kind="indirect")
            yield attach_speaker(article, quote, Attribution(token, subject, offset), people, [])


def _reported_content(token: Token, sentence: SpacySpan) -> SpacySpan | None:
    """What a cue reports: its clause complement, or for "according to X" the rest of the clause."""
    if _is_according(token):
        phrase_end = token.nbor().right_edge.i + 1
        if phrase_end < sentence.end - 1:
            return _trim(token.doc[phrase_end : sentence.end])
        if token.i > sentence.start:
            return _trim(token.doc[sentence.start : token.i])
        return None
    if token.pos_ != "VERB" or token.lemma_.lower() not in CUE_VERBS:
        return None
    clauses = [child for child in token.children if child.dep_ == "ccomp"]
    if not clauses:
        # "The talks collapsed, officials said." and "Back home, Clarke said, he decided ...":
        # the parser hangs the cue from the clause it reports.
        head = token.head
        if (
            token.dep_ in ("ccomp", "parataxis")
            and head.pos_ in ("VERB", "AUX")
            # The head is what was reported, not another cue ("X recalled cars, Y said").
            and head.lemma_.lower() not in CUE_VERBS
            and any(child.dep_ in ("nsubj", "nsubjpass") for child in token.children)
        ):
            doc = token.doc
            start, end = (
                max(head.left_edge.i, sentence.start),
                min(head.right_edge.i + 1, sentence.end),
            )
            before = doc[start : token.left_edge.i]
            after = doc[token.right_edge.i + 1 : end]
            return _trim(after if len(after) > len(before) else before)
        return None
    clause = clauses[0]
    if (
        clause.i > token.i
        and _is_attribution(clause)
        and clause.left_edge.i > 0
        and token.doc[clause.left_edge.i - 1].text == ","
    ):
        # "Toyota recalled 50,000 cars, the regulator said": the clause is the attribution
        # of the sentence, not something Toyota reported.
        return None
    # "that" belongs to the reporting sentence, not to what was said.
    left = clause.left_edge.i
    if token.doc[left].dep_ == "mark" and token.doc[left].lower_ == "that":
        left += 1
    return _trim(token.doc[left : clause.right_edge.i + 1])


def _is_attribution(clause: Token) -> bool:
    """Whether a clause is itself "someone said": a cue verb with a subject."""
    return clause.lemma_.lower() in CUE_VERBS and any(
        child.dep_ in ("nsubj", "nsubjpass") for child in clause.children
    )


def _trim(span: SpacySpan) -> SpacySpan | None:
    tokens = [t for t in span if not t.is_space]
    while tokens and (tokens[0].is_punct or (tokens[-1].is_punct and tokens[-1].text not in ".?!")):
        if tokens[0].is_punct:
            tokens.pop(0)
        else:
            tokens.pop()
    if not tokens:
        return None
    return span.doc[tokens[0].i : tokens[-1].i + 1]


def _is_according(token: Token) -> bool:
    """Whether a token opens "according to", the cue that names its source after it."""
    return (
        token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor().lower_ == "to"
    )


def _according_source(token: Token) -> SpacySpan | None:
    """Who "according to X" names: X's mention."""
    objects = [child for child in token.nbor().children if child.dep_ == "pobj"]
    return speaker_phrase(objects[0]) if objects else None
