"""Story -> Brief: the one place that knows the order of the story-level stages."""

from __future__ import annotations

from collections.abc import Sequence

from newsweave.actors import identify_actors, relate_actors
from newsweave.annotate import ProgressHandler, annotate_articles
from newsweave.claims import align_claims
from newsweave.config import Settings
from newsweave.errors import NoArticlesError
from newsweave.models import Annotation, Article, Brief
from newsweave.nlp import load_embedder
from newsweave.quotes import cite_quotes
from newsweave.summarize import summarize_story
from newsweave.support import mean_embedding
from newsweave.timeline import build_timeline


def choose_title(annotations: Sequence[Annotation]) -> str:
    """The brief's title: the headline of the article most central to the story.

    Centrality is the mean similarity of an article's sentences to the story's mean embedding;
    articles without a headline are passed over. With no headline at all, the title says how
    many articles the brief covers.
    """
    titled = [a for a in annotations if a.article.title and len(a.sentences)]
    centroid = mean_embedding(annotations)
    if not titled or centroid is None:
        return f"Brief of {len(annotations)} article{'s' if len(annotations) != 1 else ''}"
    best = max(titled, key=lambda a: float((a.embeddings @ centroid).mean()))
    return str(best.article.title)


def weave_brief(
    articles: Sequence[Article],
    settings: Settings | None = None,
    annotations: Sequence[Annotation] | None = None,
    progress: ProgressHandler | None = None,
) -> Brief:
    """Make the brief of one story from its articles.

    Args:
        articles: The story's articles, in the order their citations are numbered.
        settings: Summary budget, summarizer and thresholds; defaults to `Settings()`.
        annotations: Annotations already made for these articles (same order), to skip the
            NLP stage; made here when None.
        progress: Called with the number of articles annotated, as annotation goes on.

    Returns:
        The Brief.

    Raises:
        NoArticlesError: When `articles` is empty.
        ValueError: When `annotations` do not match `articles`.
    """
    settings = settings or Settings()
    if not articles:
        raise NoArticlesError("no articles to weave a brief from")
    if annotations is None:
        annotations = annotate_articles(articles, settings, progress)
    elif [a.article for a in annotations] != list(articles):
        # Same ids are not enough: an article read with other settings has another text, and
        # its annotation's offsets would not resolve.
        raise ValueError("annotations must be of the given articles (same text), in order")
    summary = summarize_story(annotations, settings)
    actors = identify_actors(annotations)
    embedder = load_embedder(settings.embedder, settings.embed_batch_size, settings.embed_device)
    return Brief(
        title=choose_title(annotations),
        articles=tuple(articles),
        summary=summary,
        quotes=cite_quotes(annotations, actors),
        actors=actors.actors,
        relations=relate_actors(annotations, actors),
        timeline=build_timeline(annotations, settings),
        claims=align_claims(annotations, settings, embedder),
    )
