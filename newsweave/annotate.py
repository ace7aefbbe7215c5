"""Article -> Annotation: sentences, entities, quotes, roles, interactions, times, embeddings.

This is the heavy stage and a pure function of each article, so any runner can map it. Paragraphs
are parsed separately (a sentence never crosses a paragraph break), and their offsets are carried
into article offsets, so every Span resolves against `article.text`. Quotes, roles and
interactions are read off the same parse (quotes.py, relations.py), and so are time expressions
(timex.py), so they cost no second pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsweave.config import Settings
from newsweave.models import (
    Annotation,
    Article,
    Entity,
    Interaction,
    Quote,
    Role,
    Sentence,
    TimeExpr,
)
from newsweave.nlp import load_embedder, load_spacy
from newsweave.quotes import extract_quotes
from newsweave.relations import extract_interactions, extract_roles
from newsweave.speech import ParsedParagraph
from newsweave.timex import find_times

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

ProgressHandler = Callable[[int], None]

# Articles parsed before their sentences are embedded together: large enough for efficient
# embedding batches, small enough that progress moves.
_GROUP = 16


def annotate_articles(
    articles: Sequence[Article],
    settings: Settings | None = None,
    progress: ProgressHandler | None = None,
) -> list[Annotation]:
    """Annotate articles: sentences, named entities, and one embedding per sentence.

    Args:
        articles: The articles, in any order.
        settings: Which models to use; defaults to `Settings()`.
        progress: Called with the number of articles just finished, as work goes on.

    Returns:
        One Annotation per article, in the same order.
    """
    settings = settings or Settings()
    nlp = load_spacy(settings.spacy_model)
    embedder = load_embedder(settings.embedder, settings.embed_batch_size, settings.embed_device)
    annotations: list[Annotation] = []
    for first in range(0, len(articles), _GROUP):
        group = articles[first : first + _GROUP]
        parsed = [parse_article(article, nlp) for article in group]
        texts = [sentence.span.text for layer in parsed for sentence in layer.sentences]
        vectors = embedder.encode(texts)
        row = 0
        for article, layer in zip(group, parsed, strict=True):
            count = len(layer.sentences)
            annotations.append(
                Annotation(
                    article,
                    layer.sentences,
                    layer.entities,
                    vectors[row : row + count],
                    quotes=layer.quotes,
                    roles=layer.roles,
                    interactions=layer.interactions,
                    times=layer.times,
                )
            )
            row += count
        if progress is not None:
            progress(len(group))
    return annotations


@dataclass(frozen=True)
class ParsedArticle:
    """What the parse of one article gives, before embedding."""

    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    quotes: tuple[Quote, ...]
    roles: tuple[Role, ...]
    interactions: tuple[Interaction, ...]
    times: tuple[TimeExpr, ...]


def parse_article(article: Article, nlp: Callable[[str], Doc]) -> ParsedArticle:
    """Parse one article paragraph by paragraph and read everything but embeddings off it.

    Args:
        article: The article.
        nlp: A loaded spaCy pipeline (`nlp.load_spacy`).
    """
    sentences: list[Sentence] = []
    entities: list[Entity] = []
    paragraphs: list[ParsedParagraph] = []
    for index, (start, end) in enumerate(article.paragraph_bounds()):
        doc = nlp(article.text[start:end])
        paragraphs.append((start, doc))
        for sent in _sentences(doc):
            sentence_start = start + sent.start_char
            sentences.append(
                Sentence(
                    span=article.span(sentence_start, start + sent.end_char),
                    terms=tuple(
                        token.lemma_.lower()
                        for token in sent
                        if (token.is_alpha or token.like_num) and not token.is_stop
                    ),
                    paragraph=index,
                )
            )
        entities.extend(
            Entity(article.span(start + ent.start_char, start + ent.end_char), ent.label_)
            for ent in doc.ents
        )
    quotes = extract_quotes(article, paragraphs)
    quoted = [quote.span for quote in quotes if quote.kind != "indirect"]
    return ParsedArticle(
        tuple(sentences),
        tuple(entities),
        quotes,
        extract_roles(article, paragraphs),
        extract_interactions(article, paragraphs, quoted),
        find_times(article, paragraphs),
    )


def _sentences(doc: Doc) -> Iterator[SpacySpan]:
    """SpaCy's sentences, trimmed of surrounding whitespace, skipping empty ones."""
    for sent in doc.sents:
        tokens = [token for token in sent if not token.is_space]
        if tokens:
            yield doc[tokens[0].i : tokens[-1].i + 1]
