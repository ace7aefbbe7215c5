"""Annotations -> Brief: the one place that knows the order of the story-level stages.

Everything here works on annotations alone: nothing is parsed again, and a stored story can be
woven again with other settings in a fraction of the time its annotation took. The story index
(story/index.py) is built once, and the alignment of statements across articles
(story/alignment.py) once from it: the summary's citations, the claims and the timeline's
sources all read that one alignment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from newsweave.analyze.nlp import Models
from newsweave.config import Settings
from newsweave.errors import NoArticlesError
from newsweave.models import Annotation, Brief
from newsweave.story.actors import identify_actors, relate_actors
from newsweave.story.alignment import align_story
from newsweave.story.claims import claims_of
from newsweave.story.index import StoryIndex, build_index
from newsweave.story.quotes import cite_quotes
from newsweave.story.summarize import summarize_story
from newsweave.story.timeline import build_timeline


def choose_title(index: StoryIndex) -> str:
    """The brief's title: the headline of the article most central to the story.

    Centrality is the mean similarity of an article's sentences to the story's mean embedding;
    articles without a headline are passed over. With no headline at all, the title says how
    many articles the brief covers.
    """
    annotations = index.annotations
    titled = [a for a in annotations if a.article.title and len(a.sentences)]
    if not titled or not len(index.sentences):
        return f"Brief of {len(annotations)} article{'s' if len(annotations) != 1 else ''}"
    centroid = index.embeddings.mean(axis=0)
    best = max(titled, key=lambda a: float((a.embeddings @ centroid).mean()))
    return str(best.article.title)


def weave_brief(
    annotations: Sequence[Annotation],
    settings: Settings | None = None,
    models: Models | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Brief:
    """Make the brief of one story from its annotated articles.

    Args:
        annotations: The story's annotated articles, in the order their citations are numbered.
        settings: Summary budget, summarizer and thresholds; defaults to `Settings()`.
        models: The models of this process; only its word vectors (the installed word table,
            the embedder for words outside it, loaded only then) and its pair model are used.
            Made from `settings` when None.
        on_stage: Called with the name of each stage as it starts ("alignment", "summary"), for
            progress on large stories.

    Returns:
        The Brief.

    Raises:
        NoArticlesError: When `annotations` is empty.
        ValueError: When two annotations are of articles with the same id.
    """
    settings = settings or Settings()
    if not annotations:
        raise NoArticlesError("no articles to weave a brief from")
    ids = [annotation.article.id for annotation in annotations]
    if len(set(ids)) != len(ids):
        raise ValueError("each article may appear only once in a story")
    models = models or Models(settings)
    stage = on_stage or (lambda _name: None)
    stage("story index")
    index = build_index(annotations, settings.neighbour_articles)
    stage("alignment")
    alignment = align_story(index, settings, models)
    stage("summary")
    summary = summarize_story(index, settings, alignment)
    stage("quotes and actors")
    actors = identify_actors(annotations)
    quotes = cite_quotes(annotations, actors)
    relations = relate_actors(annotations, actors)
    stage("timeline")
    timeline = build_timeline(index, alignment)
    claims = claims_of(index, alignment)
    return Brief(
        title=choose_title(index),
        articles=tuple(annotation.article for annotation in annotations),
        summary=summary,
        quotes=quotes,
        actors=actors.actors,
        relations=relations,
        timeline=timeline,
        claims=claims,
        origins=index.origins,
    )
