"""Article -> Annotation: sentences, entities, quotes, roles, interactions, times, embeddings.

This is the heavy stage, and a pure function of one article: its result never depends on which
other articles are annotated in the same run (sentences are embedded per article, never in
batches shared with other articles), so any runner (in-process, a process pool, Ray) can map it
and get the same bytes. The one exception is chosen explicitly: the Ray runner's GPU embedding
pool (`--embed-gpus`) parses with `parse_article` and embeds the sentences of many articles at
once with the torch embedder, whose name the annotations then carry.

Paragraphs are parsed separately (a sentence never crosses a paragraph break), and their
offsets are carried into article offsets, so every Span resolves against `article.text`.
Quotes, roles and interactions are read off the same parse (quotes.py, relations.py), and so
are time expressions (timex.py), so they cost no second pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsweave.analyze.nlp import Models
from newsweave.analyze.quotes import extract_quotes
from newsweave.analyze.relations import extract_interactions, extract_roles
from newsweave.analyze.speech import ParsedParagraph
from newsweave.analyze.timex import find_times
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
    Vectors,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan


def annotate_article(article: Article, models: Models, settings: Settings) -> Annotation:
    """The NLP layer of one article: its parse, what is read off it, and sentence embeddings.

    Args:
        article: The article.
        models: The loaded models (spaCy and the embedder); loaded here on first use.
        settings: `embed_batch_size`, sentences per embedding pass.

    Returns:
        The Annotation; the same for the same article and models, whatever else is annotated.
    """
    parsed = parse_article(article, models.spacy)
    vectors = models.embedder.encode(parsed.sentence_texts(), settings.embed_batch_size)
    return parsed.annotation(article, vectors)


def annotate_articles(
    articles: Iterable[Article], models: Models, settings: Settings
) -> Iterator[Annotation]:
    """Annotate articles one after another in this process, in order.

    For several processes, use a runner (`newsweave.corpus.runners`); the results are the same.

    Args:
        articles: The articles.
        models: The loaded models.
        settings: As for `annotate_article`.

    Yields:
        One Annotation per article, in order.
    """
    for article in articles:
        yield annotate_article(article, models, settings)


@dataclass(frozen=True)
class ParsedArticle:
    """What the parse of one article gives, before embedding."""

    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    quotes: tuple[Quote, ...]
    roles: tuple[Role, ...]
    interactions: tuple[Interaction, ...]
    times: tuple[TimeExpr, ...]

    def sentence_texts(self) -> list[str]:
        """The texts to embed: one per sentence, in order."""
        return [sentence.span.text for sentence in self.sentences]

    def annotation(self, article: Article, vectors: npt.NDArray[np.float32]) -> Annotation:
        """The article's Annotation, given the embeddings of `sentence_texts()` (one row each).

        The embeddings may come from elsewhere: the Ray runner's embedding pool embeds the
        sentences of many articles at once, on a GPU.
        """
        return Annotation(
            article,
            self.sentences,
            self.entities,
            Vectors.from_array(vectors),
            quotes=self.quotes,
            roles=self.roles,
            interactions=self.interactions,
            times=self.times,
        )


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
