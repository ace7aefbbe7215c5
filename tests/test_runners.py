"""The per-article stage is pure, and the process pool gives the same bytes as one process."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from newsweave import Article, LocalRunner, Models, Settings, annotate_article
from newsweave.corpus.files import annotation_line

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_articles(example_articles: list[Article]) -> list[Article]:
    """Real text: each paragraph of the example as an article of its own (13 of them)."""
    return [
        Article(id=f"{article.id}-{number}", text=paragraph, title=article.title)
        for article in example_articles
        for number, paragraph in enumerate(article.text.split("\n\n"))
    ]


def test_an_annotation_does_not_depend_on_its_neighbours(
    small_articles: list[Article], models: Models
) -> None:
    settings = Settings()
    alone = annotate_article(small_articles[5], models, settings)
    batch = list(LocalRunner(workers=1).annotate(small_articles[3:8], models, settings))
    assert annotation_line(batch[2]) == annotation_line(alone)


def test_two_workers_give_the_same_bytes_in_input_order(
    small_articles: list[Article], models: Models
) -> None:
    settings = Settings()
    one = [annotation_line(a) for a in LocalRunner(1).annotate(small_articles, models, settings)]
    two = [annotation_line(a) for a in LocalRunner(2).annotate(small_articles, models, settings)]
    assert one == two
    assert [line.split('"id": "', 1)[1].split('"', 1)[0] for line in two] == [
        a.id for a in small_articles
    ]


def test_models_and_annotations_pickle(small_articles: list[Article], models: Models) -> None:
    copy = pickle.loads(pickle.dumps(models))
    assert copy.spacy_model == models.spacy_model and copy.annotator() == models.annotator()
    annotation = annotate_article(small_articles[0], models, Settings())
    assert pickle.loads(pickle.dumps(annotation)) == annotation


def test_a_missing_model_fails_before_any_work(tmp_path: Path) -> None:
    from newsweave import ModelNotInstalledError

    with pytest.raises(ModelNotInstalledError, match="not_a_model"):
        Models(Settings(spacy_model="not_a_model"))
