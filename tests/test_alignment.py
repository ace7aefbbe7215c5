"""The one alignment: what the summary cites, the claims group and the timeline merges agree.

Real sentences, real models (the pinned MiniLM, the shipped pair encoder and pair model): the
alignment must keep opposite statements and different facts apart, report a differing count as
a contradiction, a later higher count as an update, and cite in the summary exactly the sources
its claim lists.
"""

from __future__ import annotations

import numpy as np
import pytest

from newsweave import (
    Annotation,
    Article,
    Brief,
    Sentence,
    Settings,
    Vectors,
    render_html,
    render_markdown,
    weave_brief,
)
from newsweave.models import UPDATE

from .conftest import MODELS, annotate, weave

pytestmark = pytest.mark.slow

QUAKE_A = (
    "A powerful earthquake struck the northern province of Kardan on Tuesday, the national "
    "seismology institute said. The quake killed 231 people, the provincial governor said on "
    "Tuesday evening. Rescue teams searched collapsed schools in the town of Ardal through the "
    "night. The governor said the regional hospital had run out of blood for transfusions."
)
QUAKE_B = (
    "Rescuers pulled survivors from the rubble in Kardan province on Thursday, two days after "
    "the earthquake. The quake killed 612 people, the provincial governor said on Thursday. "
    "Aid convoys reached the mountain villages for the first time since the disaster. Foreign "
    "teams with search dogs arrived at the airport in the provincial capital."
)


def _brief(*texts: tuple[str, str, str | None, str | None]) -> Brief:
    articles = [
        Article(id=id_, text=text, outlet=outlet, published=published)
        for id_, text, outlet, published in texts
    ]
    return weave(annotate(articles), Settings(summary_words=200))


def _claim_with(brief: Brief, needle: str) -> list[str]:
    claim = next(c for c in brief.claims if any(needle in s.text for s in c.sources))
    return [claim.status, *(c.kind for c in claim.conflicts)]


def test_a_later_higher_toll_is_an_update_with_both_dates() -> None:
    brief = _brief(
        ("a", QUAKE_A, "Wire One", "2026-03-03"),
        ("b", QUAKE_B, "Daily Two", "2026-03-05"),
    )
    status, *kinds = _claim_with(brief, "killed 231")
    assert kinds == [UPDATE] and status != "contradicted"
    assert "“231” (2026-03-03) → \\[2\\] “612” (2026-03-05)" in render_markdown(brief)
    assert "Updated: [1] “231” (2026-03-03) → [2] “612” (2026-03-05)" in render_html(brief)
    said = next(q for q in brief.quotes if "231" in q.text)
    assert {s.article for s in said.sources} == {"a"}, "a quote of 231 is not cited for 612"


def test_the_same_toll_differing_on_one_day_is_a_contradiction() -> None:
    brief = _brief(
        ("a", QUAKE_A, "Wire One", "2026-03-03"),
        ("b", QUAKE_B.replace("on Thursday", "on Tuesday"), "Daily Two", "2026-03-03"),
    )
    status, *kinds = _claim_with(brief, "killed 231")
    assert status == "contradicted" and kinds == ["number"]


def test_opposite_statements_are_never_corroborated() -> None:
    ruled_out = (
        "The committee ruled out taking the Games away from the city, its president said. "
        "Ticket sales will resume next month."
    )
    refused = (
        "The committee refused to rule out taking the Games away from the city, its president "
        "said. Sponsors have asked for talks."
    )
    brief = _brief(("a", ruled_out, "One", None), ("b", refused, "Two", None))
    status, *_kinds = _claim_with(brief, "ruled out taking")
    assert status == "single-source"


def test_summary_citations_are_the_claims_sources(example_annotations: list[Annotation]) -> None:
    brief = weave(example_annotations)
    claim_of = {source: claim for claim in brief.claims for source in claim.sources}
    assert brief.summary
    for sentence in brief.summary:
        claim = claim_of.get(sentence.sources[0])
        if claim is None:  # too short to be a statement: cites only itself
            assert len(sentence.sources) == 1
            continue
        assert set(sentence.sources) == set(claim.sources)


def test_one_article_and_identical_copies_make_no_corroboration() -> None:
    alone = _brief(("a", QUAKE_A, "Wire One", None))
    assert alone.claims and all(c.status == "single-source" for c in alone.claims)
    copies = _brief(("a", QUAKE_A, "Wire One", None), ("b", QUAKE_A, "Daily Two", None))
    assert len(copies.articles) == 1 or all(c.status != "corroborated" for c in copies.claims)


def test_two_languages_and_sentences_full_of_numbers_get_honest_statuses() -> None:
    german = (
        "Ein schweres Erdbeben hat am Dienstag die Provinz Kardan erschüttert. Nach Angaben des "
        "Gouverneurs kamen 231 Menschen ums Leben. Rettungskräfte suchten die ganze Nacht."
    )
    figures = (
        "The quake, of magnitude 6.8 at a depth of 10 km, struck at 03:41 on 3 March 2026, 45 km "
        "north-east of Ardal; 231 were killed, 1,204 hurt, 3,500 homes and 12 schools destroyed. "
        "Aftershocks of 5.1, 4.9 and 4.7 followed within 2 hours, 14 km, 22 km and 31 km away."
    )
    brief = _brief(
        ("a", QUAKE_A, "Wire One", "2026-03-03"),
        ("de", german, "Zeitung", "2026-03-03"),
        ("n", figures, "Data Desk", "2026-03-03"),
    )
    texts = {a.id: a.text for a in brief.articles}
    for claim in brief.claims:
        assert all(span.resolves_in(texts[span.article]) for span in claim.sources)
        for conflict in claim.conflicts:
            # Whatever differs is quoted from the two sentences, never made up.
            assert conflict.this in conflict.sources[0].text
            assert conflict.other in conflict.sources[1].text
    german_claims = [c for c in brief.claims if any(s.article == "de" for s in c.sources)]
    assert german_claims and all(c.status != "contradicted" for c in german_claims)


def test_a_story_of_200_articles_gets_valid_claims() -> None:
    rng = np.random.default_rng(5)
    topic = rng.normal(size=384)
    annotations = []
    for k in range(200):
        texts = [
            f"The council of district {k} met on Monday to discuss the new budget for roads.",
            f"Officials in district {k} said {k + 3} bridges need repairs before the winter.",
            "Residents asked the council to fund more buses and a new school next year.",
        ]
        rows = np.array([topic + rng.normal(scale=0.6, size=384) for _ in texts], np.float32)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        text = " ".join(texts)
        article = Article(id=f"a{k}", text=text, outlet=f"Outlet {k}")
        sentences, start = [], 0
        for number, sentence in enumerate(texts):
            terms = tuple(w.strip(".,").lower() for w in sentence.split() if len(w) > 3)
            sentences.append(Sentence(article.span(start, start + len(sentence)), terms, number))
            start += len(sentence) + 1
        annotations.append(Annotation(article, tuple(sentences), (), Vectors.from_array(rows)))
    brief = weave_brief(annotations, Settings(), MODELS)
    assert len(brief.articles) == 200
    assert {c.status for c in brief.claims} <= {"corroborated", "single-source", "uncertain"}
    for claim in brief.claims:
        assert len({s.article for s in claim.sources}) == len(claim.sources)
