"""Filing articles into stories: regrouping around each new article, by hand-built views."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import numpy as np
import pytest

from newsweave.config import Settings
from newsweave.corpus import filing
from newsweave.corpus.add import AddReport, store_annotation
from newsweave.corpus.cluster import STORY_KEYS, ArticleView, StoryCentroid, key_terms
from newsweave.corpus.lookup import resolve_story
from newsweave.corpus.regroup import Unit, agglomerate, neighbours, new_story_id, regroup
from newsweave.corpus.store import Store
from newsweave.models import Annotation, Article, Sentence, Vectors


def _unit(values: list[float]) -> np.ndarray:
    return np.array(values, np.float32) / np.linalg.norm(values)


def _article(
    article_id: str, story: str | None, values: list[float], day: str | None = "2021-08-20",
    terms: dict[str, float] | None = None,
) -> Unit:  # fmt: skip
    return Unit.of_article(article_id, story, ArticleView(_unit(values), terms or {}, day))


def _story(story_id: str, *members: Unit) -> StoryCentroid:
    total = np.sum([m.vector for m in members], axis=0)
    terms: dict[str, float] = {}
    for member in members:
        for term, weight in member.terms.items():
            terms[term] = terms.get(term, 0.0) + weight
    days = [m.first_seen for m in members if m.first_seen]
    return StoryCentroid(story_id, total, terms, len(members), min(days), max(days))


def _placed(groups: list, article: str) -> tuple[str, tuple[str, ...]]:  # type: ignore[type-arg]
    """The story holding the article, and the stories merged into it."""
    holding = next(g for g in groups if any(u.article == article for u in g.units))
    return holding.story, holding.merged


def test_an_article_joins_the_closest_story_or_starts_one() -> None:
    settings = Settings(story_similarity=0.5, story_embedding_weight=0.5)
    quake_articles = [
        _article("q1", "quake", [1, 0, 0], terms={"quake": 0.9, "chile": 0.4}),
        _article("q2", "quake", [0.9, 0.1, 0], terms={"quake": 0.8, "tsunami": 0.6}),
    ]
    vote_articles = [_article("v1", "vote", [0, 1, 0], terms={"senate": 1.0})]
    quake, vote = _story("quake", *quake_articles), _story("vote", *vote_articles)
    near = _article("n", None, [0.95, 0.05, 0], terms={"quake": 0.8, "tsunami": 0.6})
    units = [*quake_articles, *vote_articles]
    groups = regroup(near, [quake, vote], units, settings)
    assert _placed(groups, "n") == ("quake", ())
    # Only the story that changed needs writing.
    assert [(g.story, g.changed) for g in groups] == [("quake", True), ("vote", False)]
    # Close in meaning but sharing no word: not the same story at this weight.
    elsewhere = _article("e", None, [0.2, 0.1, 1], terms={"budget": 1.0})
    groups = regroup(elsewhere, [quake, vote], units, settings)
    assert _placed(groups, "e") == (new_story_id("e"), ())
    assert groups[0].new and not any(g.changed for g in groups[1:])
    assert regroup(elsewhere, [], [], settings)[0].story == new_story_id("e")


def test_two_stories_that_were_one_merge_into_the_older() -> None:
    settings = Settings(story_similarity=0.8, story_embedding_weight=1.0)
    older = _article("o", "older", [1, 0.34, 0], day="2021-08-18")
    younger = _article("y", "younger", [1, -0.34, 0], day="2021-08-19")
    # Apart, a little less alike than an article must be to join; the article that reaches
    # both shows they are one (average linkage over the three).
    assert 0.79 < float(older.vector @ younger.vector) < 0.8
    stories = [_story("older", older), _story("younger", younger)]
    article = _article("a", None, [1, 0, 0])
    groups = regroup(article, stories, [older, younger], settings)
    assert _placed(groups, "a") == ("older", ("younger",)) and len(groups) == 1
    # An article that fits one of them only does not merge them.
    aside = _article("b", None, [1, 0.5, 0])
    assert _placed(regroup(aside, stories, [older, younger], settings), "b") == ("older", ())


def test_stories_years_apart_are_not_merged_by_an_undated_article() -> None:
    settings = Settings(story_similarity=0.8, story_embedding_weight=1.0, story_window_days=2)
    old = _article("o", "old", [1, 0.1, 0], day="1998-11-04")
    new = _article("n", "new", [1, -0.1, 0], day="2017-08-11")
    stories = [_story("old", old), _story("new", new)]
    groups = regroup(_article("u", None, [1, 0, 0], day=None), stories, [old, new], settings)
    assert _placed(groups, "u") == ("old", ()) and len(groups) == 2
    # Days apart, within the window once the article's date is in: one story.
    near = _article("m", "near", [1, -0.1, 0], day="1998-11-07")
    dated = _article("d", None, [1, 0, 0], day="1998-11-05")
    groups = regroup(dated, [stories[0], _story("near", near)], [old, near], settings)
    assert _placed(groups, "d") == ("old", ("near",))


def test_an_article_that_joined_on_slight_evidence_follows_its_own_story() -> None:
    # x joined a1's story at exactly the threshold; y, x's own event, arrives: the two belong
    # together, and a1's story keeps its id (its first article).
    settings = Settings(story_similarity=0.8, story_embedding_weight=1.0)
    a1 = _article("a1", "sa", [1, 0, 0])
    x = _article("x", "sa", [0.8, 0.6, 0])
    y = _article("y", None, [0.6, 0.8, 0])
    groups = regroup(y, [_story("sa", a1, x)], [a1, x], settings)
    assert _placed(groups, "y") == (new_story_id("y"), ())
    assert [u.article for u in groups[0].units] == ["x", "y"] and groups[0].new
    assert groups[1].story == "sa" and [u.article for u in groups[1].units] == ["a1"]
    assert groups[1].changed


def test_a_story_split_in_two_keeps_its_id_with_the_bigger_part() -> None:
    settings = Settings(story_similarity=0.8, story_embedding_weight=1.0)
    members = [
        _article("p1", "s", [1, 0, 0]),
        _article("q1", "s", [0.72, 0.69, 0]),
        _article("q2", "s", [0.7, 0.71, 0]),
    ]
    assert _story("s", *members).similarity(ArticleView(members[0].vector, {}), settings) >= 0.8
    # The new article is q's event; together they are more than half of the story.
    article = _article("q3", None, [0.6, 0.8, 0])
    groups = regroup(article, [_story("s", *members)], members, settings)
    assert [(g.story, [u.article for u in g.units]) for g in groups] == [
        ("s", ["q1", "q2", "q3"]),
        (new_story_id("q3 p1"), ["p1"]),
    ]


def test_a_whole_story_takes_part_as_one_unit_with_its_sums() -> None:
    settings = Settings(story_similarity=0.8, story_embedding_weight=1.0)
    members = [_article(f"m{n}", "big", [1, 0.05 * n, 0]) for n in range(4)]
    whole = Unit.of_story(_story("big", *members))
    groups = regroup(_article("a", None, [1, 0.1, 0]), [_story("big", *members)], [whole], settings)
    assert _placed(groups, "a") == ("big", ()) and groups[0].size == 5


def test_agglomeration_is_average_linkage() -> None:
    """Against a brute-force average-linkage clusterer over the same units."""
    settings = Settings(story_similarity=0.6, story_embedding_weight=0.5)
    rng = random.Random(3)
    for _round in range(20):
        units = [
            _article(
                f"a{n}",
                None,
                [rng.random() for _ in range(4)],
                terms={w: rng.random() for w in rng.sample("abcdefgh", 3)},
            )
            for n in range(9)
        ]
        assert agglomerate(units, settings) == _brute_force(units, settings)


def _brute_force(units: list[Unit], settings: Settings) -> list[list[int]]:
    weight = settings.story_embedding_weight

    def pair(i: int, j: int) -> float:
        words = sum(w * units[j].terms.get(t, 0.0) for t, w in units[i].terms.items())
        return weight * float(units[i].vector @ units[j].vector) + (1 - weight) * words

    groups = [[n] for n in range(len(units))]
    while True:
        scored = [
            (sum(pair(i, j) for i in a for j in b) / (len(a) * len(b)), n, m)
            for (n, a), (m, b) in itertools.combinations(enumerate(groups), 2)
        ]
        best = max(scored, default=(0.0, 0, 0), key=lambda s: s[0])
        if best[0] < settings.story_similarity:
            return sorted(sorted(g) for g in groups)
        _score, n, m = best
        groups[n] += groups.pop(m)


def test_neighbours_are_the_near_stories_in_their_order() -> None:
    settings = Settings(story_similarity=0.8, story_embedding_weight=1.0)
    article = ArticleView(_unit([1, 0, 0]), {})
    close = _story("close", _article("c", "close", [1, 0.2, 0]))
    half = _story("half", _article("h", "half", [0.45, 0.9, 0]))
    far = _story("far", _article("f", "far", [0, 1, 0]))
    assert [s.id for s in neighbours(article, [far, half, close], settings)] == ["half", "close"]


def _annotated(
    article_id: str, vector: list[float], day: str | None = "2021-08-20", words: str = ""
) -> Annotation:
    text = f"Report {article_id} about the bridge. {words}".strip()
    article = Article(article_id, text, published=day, title=f"Title {article_id}")
    sentence = Sentence(article.span(0, len(text)), tuple(words.split()), 0)
    return Annotation(article, (sentence,), (), Vectors.from_array([_unit(vector)]))


def test_the_store_moves_an_article_and_every_id_still_resolves(tmp_path: Path) -> None:
    settings = Settings(story_similarity=0.8, story_embedding_weight=1.0)
    report = AddReport()
    with Store(tmp_path / "n.db") as store:
        for annotation in (
            _annotated("a1", [1, 0, 0]),
            _annotated("x", [0.8, 0.6, 0]),
            _annotated("y", [0.6, 0.8, 0]),
        ):
            store_annotation(store, annotation, {}, settings, report)
        members = {
            r["article_id"]: r["story_id"]
            for r in store.rows("SELECT article_id, story_id FROM story_articles")
        }
        assert members == {"a1": new_story_id("a1"), "x": new_story_id("y"), "y": new_story_id("y")}
        assert (report.new_stories, report.merged_stories, report.regrouped) == (2, 0, 1)
        stories = {
            r["id"]: r
            for r in store.rows("SELECT id, articles, version, title, centroid FROM stories")
        }
        first = stories[new_story_id("a1")]
        # a1's story lost x: it counts one, its sum is a1's alone, its brief is rebuilt.
        assert first["articles"] == 1 and first["version"] == 3 and first["title"] == "Title a1"
        assert np.allclose(np.frombuffer(first["centroid"], np.float32), _unit([1, 0, 0]))
        assert stories[new_story_id("y")]["title"] == "Title x"
        assert resolve_story(store, new_story_id("a1")) == new_story_id("a1")


def test_the_store_merges_two_stories_an_article_shows_are_one(tmp_path: Path) -> None:
    settings = Settings(story_similarity=0.8, story_embedding_weight=1.0)
    report = AddReport()
    with Store(tmp_path / "n.db") as store:
        for annotation in (
            _annotated("a", [1, 0.34, 0], day="2021-08-18", words="bridge collapse"),
            _annotated("b", [1, -0.34, 0], day="2021-08-19", words="bridge collapse"),
            _annotated("c", [1, 0, 0], day="2021-08-19", words="bridge collapse"),
        ):
            store_annotation(store, annotation, {}, settings, report)
        live = store.rows("SELECT * FROM stories WHERE merged_into IS NULL")
        assert [(r["id"], r["articles"]) for r in live] == [(new_story_id("a"), 3)]
        assert (live[0]["first_seen"], live[0]["last_seen"]) == ("2021-08-18", "2021-08-19")
        assert resolve_story(store, new_story_id("b")) == new_story_id("a")
        members = store.rows("SELECT DISTINCT story_id FROM story_articles")
        assert [r["story_id"] for r in members] == [new_story_id("a")]
        assert (report.new_stories, report.merged_stories) == (2, 1)
        assert list(_key_index(store)) == [new_story_id("a")]


def _key_index(store: Store) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for row in store.rows("SELECT term, story_id FROM story_terms ORDER BY story_id, term"):
        index.setdefault(row["story_id"], []).append(row["term"])
    return index


def test_an_undated_article_finds_an_old_story_by_its_key_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The undated article is compared with one recent story only; the story of its names, seen
    # years before, is found through the index of key terms.
    monkeypatch.setattr(filing, "UNDATED_CANDIDATES", 1)
    settings = Settings(story_similarity=0.5, story_embedding_weight=0.5)
    report = AddReport()
    with Store(tmp_path / "n.db") as store:
        for annotation in (
            _annotated("old", [1, 0, 0], "2016-03-01", "@hun_sen rainsy election"),
            _annotated("new", [0, 1, 0], "2021-08-20", "budget vote senate"),
            _annotated("late", [1, 0.1, 0], None, "@hun_sen rainsy election"),
        ):
            store_annotation(store, annotation, {}, settings, report)
        members = {
            r["article_id"]: r["story_id"]
            for r in store.rows("SELECT article_id, story_id FROM story_articles")
        }
        assert members["late"] == members["old"] != members["new"]
        # The index holds each live story's key terms, chosen as filing chooses them.
        stories = store.rows("SELECT id, terms FROM stories WHERE merged_into IS NULL")
        assert _key_index(store) == {
            r["id"]: sorted(key_terms(json.loads(r["terms"]), STORY_KEYS)) for r in stories
        }
    # Without the index it would have started a story of its own.
    monkeypatch.setattr(filing, "KEY_CANDIDATES", 0)
    with Store(tmp_path / "m.db") as store:
        for annotation in (
            _annotated("old", [1, 0, 0], "2016-03-01", "@hun_sen rainsy election"),
            _annotated("new", [0, 1, 0], "2021-08-20", "budget vote senate"),
            _annotated("late", [1, 0.1, 0], None, "@hun_sen rainsy election"),
        ):
            store_annotation(store, annotation, {}, settings, AddReport())
        assert store.rows("SELECT count(*) AS n FROM stories")[0]["n"] == 3


def test_random_arrivals_keep_every_story_consistent_with_its_members(tmp_path: Path) -> None:
    """Articles near one another in meaning, words and days, in random order: after each, every
    story's row is what its members make, and every id resolves to a live story."""
    settings = Settings(story_similarity=0.5, story_embedding_weight=0.5, story_window_days=2)
    rng = random.Random(7)
    words = ["quake", "flood", "vote", "strike", "court", "fire", "storm", "trade"]
    days = [None, "2021-08-18", "2021-08-19", "2021-08-20", "2021-08-24", "2021-08-25"]
    report = AddReport()
    with Store(tmp_path / "n.db") as store:
        for n in range(80):
            topic = rng.randrange(4)
            vector = [0.1] * 4
            vector[topic] = 1.0
            vector[rng.randrange(4)] += rng.random()
            chosen = " ".join(rng.sample(words[2 * topic : 2 * topic + 2] + words, 3))
            annotation = _annotated(f"a{n}", vector, rng.choice(days), chosen)
            store_annotation(store, annotation, {}, settings, report)
            _assert_consistent(store)
    # The sequence did exercise regrouping: articles moved, stories merged.
    assert report.regrouped > 10 and report.merged_stories > 0


def _assert_consistent(store: Store) -> None:
    stories = {r["id"]: r for r in store.rows("SELECT * FROM stories")}
    members: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    rows = store.rows(
        "SELECT m.*, a.published, a.title FROM story_articles m "
        "JOIN articles a ON a.id = m.article_id ORDER BY a.number"
    )
    for row in rows:
        members.setdefault(row["story_id"], []).append(row)
    index = _key_index(store)
    for story_id, story in stories.items():
        if story["merged_into"] is not None:
            assert story_id not in members and story_id not in index
            assert stories[resolve_story(store, story_id)]["merged_into"] is None
            continue
        held = members[story_id]
        assert story["articles"] == len(held)
        total = np.sum([np.frombuffer(m["vector"], np.float32) for m in held], axis=0)
        assert np.allclose(np.frombuffer(story["centroid"], np.float32), total, atol=1e-5)
        summed: dict[str, float] = {}
        for member in held:
            for term, weight in json.loads(member["terms"]).items():
                summed[term] = summed.get(term, 0.0) + weight
        terms = json.loads(story["terms"])
        assert terms.keys() == summed.keys()
        assert all(abs(terms[t] - summed[t]) < 1e-6 for t in terms)
        assert index.get(story_id, []) == sorted(key_terms(terms, STORY_KEYS))
        dated = [m["published"][:10] for m in held if m["published"]]
        assert (story["first_seen"], story["last_seen"]) == (
            min(dated, default=None),
            max(dated, default=None),
        )
        assert story["title"] == held[0]["title"]


def test_a_story_whose_first_article_splits_off_takes_its_next_title(tmp_path: Path) -> None:
    # p started the story; q3 shows the q's are one event apart from p, and p splits off. Both
    # stories are written in one transaction: the q's must not keep p's title (they did when
    # each story's row was written before the next story's members had moved).
    settings = Settings(story_similarity=0.8, story_embedding_weight=1.0)
    with Store(tmp_path / "n.db") as store:
        for article_id, vector in (
            ("p", [1, 0, 0]),
            ("q1", [0.9, 0.436, 0]),
            ("q2", [0.8, 0.6, 0]),
            ("q3", [0.5, 0.866, 0]),
        ):
            store_annotation(store, _annotated(article_id, vector), {}, settings, AddReport())
        _assert_consistent(store)
        titles = {
            r["articles"]: r["title"]
            for r in store.rows("SELECT title, articles FROM stories WHERE merged_into IS NULL")
        }
        assert titles == {3: "Title q1", 1: "Title p"}
