"""Actors across articles: merged names, kinds, roles, and typed relations."""

from __future__ import annotations

import pytest

from newsweave import Article
from newsweave.analyze.relations import relation_type
from newsweave.story.actors import ActorIndex, identify_actors, relate_actors, surface_name

from .conftest import annotate


def _actors(*texts: str) -> ActorIndex:
    articles = [Article(id=f"a{n}", text=text) for n, text in enumerate(texts)]
    return identify_actors(annotate(articles))


def _names(index: ActorIndex) -> dict[str, set[str]]:
    return {actor.name: set(actor.aliases) for actor in index.actors}


@pytest.mark.slow
def test_country_names_and_demonyms_merge() -> None:
    index = _actors(
        "The U.S. withdrew its troops. America left Afghanistan in August.",
        "The United States said American forces had left. Russian diplomats stayed in Russia.",
    )
    names = _names(index)
    assert {"U.S.", "America"} <= names["United States"]
    assert "Russian" in names["Russia"]
    united_states = next(a for a in index.actors if a.name == "United States")
    assert united_states.kind == "country"
    assert {span.article for span in united_states.sources} == {"a0", "a1"}


@pytest.mark.slow
def test_surname_merges_only_when_unambiguous() -> None:
    merged = _actors("Zamir Kabulov spoke on Monday. Later, Kabulov spoke again about Kabul.")
    assert "Kabulov" in _names(merged)["Zamir Kabulov"]
    two = _actors("Bill Clinton met Hillary Clinton in Washington. Clinton then left for New York.")
    names = _names(two)
    assert "Clinton" not in names.get("Bill Clinton", set())
    assert "Clinton" not in names.get("Hillary Clinton", set())


@pytest.mark.slow
def test_acronym_merges_with_the_long_name() -> None:
    index = _actors(
        "The North Atlantic Treaty Organization met in Brussels. NATO said it would respond."
    )
    assert "NATO" in _names(index)["North Atlantic Treaty Organization"]


def test_titles_and_possessives_are_not_part_of_names() -> None:
    assert surface_name("President Joe Biden's", "PERSON") == "Joe Biden"
    assert surface_name("the Taliban", "ORG") == "Taliban"
    assert surface_name("Prime Minister Imran Khan", "PERSON") == "Imran Khan"


@pytest.mark.slow
def test_relations_are_typed_and_cited() -> None:
    articles = [
        Article(id="a", text="Russia has been engaging with the Taliban for years."),
        Article(id="b", text="Russia engaged with the Taliban. Ukraine condemned Russia."),
    ]
    annotations = annotate(articles)
    index = identify_actors(annotations)
    relations = relate_actors(annotations, index)
    engage = next(r for r in relations if r.predicate == "engage with")
    assert (engage.subject, engage.object, engage.type) == ("Russia", "Taliban", "cooperation")
    assert {span.article for span in engage.sources} == {"a", "b"}
    condemn = next(r for r in relations if r.predicate == "condemn")
    assert (condemn.subject, condemn.object, condemn.type) == ("Ukraine", "Russia", "conflict")


def test_relation_types() -> None:
    assert relation_type("engage with") == "cooperation"
    assert relation_type("attack") == "conflict"
    assert relation_type("tell") == "statement"
    assert relation_type("not recognize") == "other"
    assert relation_type("visit") == "cooperation"
    assert relation_type("see") == "other"
