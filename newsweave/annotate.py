"""Article -> Annotation: sentences, entities and sentence embeddings, batched through nlp.py.

This is the heavy stage and a pure function of each article, so any runner can map it. Paragraphs
are parsed separately (a sentence never crosses a paragraph break), and their offsets are carried
into article offsets, so every Span resolves against `article.text`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from newsweave.config import Settings
from newsweave.models import Annotation, Article, Entity, Sentence
from newsweave.nlp import load_embedder, load_spacy

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
        parsed = [_parse(article, nlp) for article in group]
        texts = [sentence.span.text for sentences, _ in parsed for sentence in sentences]
        vectors = embedder.encode(texts)
        row = 0
        for article, (sentences, entities) in zip(group, parsed, strict=True):
            count = len(sentences)
            annotations.append(Annotation(article, sentences, entities, vectors[row : row + count]))
            row += count
        if progress is not None:
            progress(len(group))
    return annotations


def _parse(
    article: Article, nlp: Callable[[str], Doc]
) -> tuple[tuple[Sentence, ...], tuple[Entity, ...]]:
    sentences: list[Sentence] = []
    entities: list[Entity] = []
    for index, (start, end) in enumerate(article.paragraph_bounds()):
        doc = nlp(article.text[start:end])
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
    return tuple(sentences), tuple(entities)


def _sentences(doc: Doc) -> Iterator[SpacySpan]:
    """SpaCy's sentences, trimmed of surrounding whitespace, skipping empty ones."""
    for sent in doc.sents:
        tokens = [token for token in sent if not token.is_space]
        if tokens:
            yield doc[tokens[0].i : tokens[-1].i + 1]
