"""Quotes and speakers on small hand-made texts: each pattern news uses, and bad input."""

from __future__ import annotations

import pytest

from newsweave import Annotation, Article
from newsweave.models import Quote
from newsweave.story.actors import identify_actors
from newsweave.story.quotes import cite_quotes

from .conftest import annotate

pytestmark = pytest.mark.slow  # loads the NLP models or runs the CLI


def _quotes(*paragraphs: str) -> list[Quote]:
    article = Article(id="a", text="\n\n".join(paragraphs))
    (annotation,) = annotate([article])
    for quote in annotation.quotes:
        assert quote.span.resolves_in(article.text)
        for span in (quote.speaker_span, quote.cue, quote.speaker_ref):
            assert span is None or span.resolves_in(article.text)
    return list(annotation.quotes)


def _only(quotes: list[Quote], starts: str) -> Quote:
    matches = [q for q in quotes if q.span.text.startswith(starts)]
    assert len(matches) == 1, [q.span.text for q in quotes]
    return matches[0]


def test_split_quote_shares_its_speaker() -> None:
    quotes = _quotes('"We will stay in Kabul," Kabulov said. "The embassy remains open for now."')
    first, second = _only(quotes, "We will stay"), _only(quotes, "The embassy remains")
    assert first.kind == second.kind == "direct"
    assert first.speaker == second.speaker == "Kabulov"
    assert first.cue is not None and first.cue.text == "said"
    assert first.span.text == "We will stay in Kabul"  # the comma is the writer's


def test_inverted_attribution_with_title() -> None:
    quote = _only(
        _quotes("“Russia has lots to lose,” said Moscow-based military analyst Pavel Felgenhauer."),
        "Russia has lots",
    )
    assert quote.speaker == "Pavel Felgenhauer"
    assert quote.kind == "direct"


def test_quote_running_over_paragraphs() -> None:
    quotes = _quotes(
        "“I judge based on the first day of their control over Kabul. My impressions are good.",
        "“The situation in Kabul now is better than it was under Ashraf Ghani,” Zhirnov said.",
    )
    assert _only(quotes, "I judge").speaker == "Zhirnov"
    assert _only(quotes, "The situation").speaker == "Zhirnov"


def test_speaker_carries_over_to_the_next_quote() -> None:
    quotes = _quotes(
        '"Russia has lots to lose," said Pavel Felgenhauer. "America can walk away from '
        'Afghanistan and forget it as a bad dream. Russia cannot."'
    )
    assert _only(quotes, "America can walk").speaker == "Pavel Felgenhauer"


def test_partial_quote_inside_reported_speech() -> None:
    quotes = _quotes(
        "Kabulov said Moscow would decide whether to recognize the government based on its "
        '"conduct" in the near future.'
    )
    partial = _only(quotes, "conduct")
    assert partial.kind == "partial"
    assert partial.speaker == "Kabulov"
    indirect = [q for q in quotes if q.kind == "indirect"]
    assert indirect and indirect[0].speaker == "Kabulov"
    assert indirect[0].span.text.startswith("Moscow would decide")


def test_pronoun_resolves_to_the_person_named_before() -> None:
    quotes = _quotes(
        "Angela Merkel visited Paris on Monday.",
        '"We stand together with our friends," she told reporters.',
    )
    quote = _only(quotes, "We stand together")
    assert quote.speaker == "Angela Merkel"
    assert quote.speaker_span is not None and quote.speaker_span.text == "she"
    assert quote.speaker_ref is not None and quote.speaker_ref.text == "Angela Merkel"


def test_outlet_as_source_and_according_to() -> None:
    quotes = _quotes(
        '"Instability in the region is a danger to its neighbors," NPR News reports.',
        "According to Reuters, the talks collapsed after the second round.",
    )
    assert _only(quotes, "Instability").speaker == "NPR News"
    reported = _only(quotes, "the talks collapsed")
    assert reported.kind == "indirect"
    assert reported.speaker == "Reuters"


def test_reported_speech_with_warned_and_told() -> None:
    quotes = _quotes(
        "The defense minister warned that the border would be closed to all traffic.",
        "Officials told the agency that three people had been detained overnight.",
    )
    warned = _only(quotes, "the border would be closed")
    assert warned.kind == "indirect"
    assert warned.speaker == "The defense minister"
    assert _only(quotes, "three people had been detained").speaker == "Officials"


def test_dash_attribution() -> None:
    quote = _only(_quotes("“Fear. I am truly afraid of what comes next.” ― Edwin Monroy"), "Fear")
    assert quote.speaker == "Edwin Monroy"


def test_titles_and_scare_quotes_are_not_quotes() -> None:
    quotes = _quotes(
        'He appeared on CBS\'s "Face the Nation" on Sunday to discuss the budget.',
        'The so-called "peace plan" was never published.',
    )
    assert quotes == []


def test_unknown_speaker_stays_unknown() -> None:
    quotes = _quotes('"This is a statement that nobody in the text is said to have made."')
    (quote,) = quotes
    assert quote.kind == "direct"
    assert quote.speaker is None and quote.speaker_span is None


@pytest.mark.parametrize(
    "paragraphs",
    [
        ('He said "this quotation never closes and the paragraph just ends',),
        ("“Unbalanced ” marks ” everywhere “ in ” this “ paragraph.", '"', "“”", '""'),
        ('"All quotes."', '"Nothing but quotes here."', '"And more quotes, all of them."'),
        ('"' + "word " * 4000 + '," the spokesman said.',),
        ("Он сказал: «Мы остаёмся в Кабуле». Посольство работает.", "«Это всё»"),
        ("“”", "„“", "''", "``"),
    ],
)
def test_bad_input_does_not_crash_or_invent_speakers(paragraphs: tuple[str, ...]) -> None:
    text = "\n\n".join(paragraphs)
    for quote in _quotes(*paragraphs):
        # A speaker always comes from the text; a pronoun with no antecedent stays unknown.
        if quote.speaker is not None:
            assert quote.speaker in text


def test_same_quote_from_two_outlets_is_one_quote() -> None:
    articles = [
        Article(id="a", text='"We are now being guarded by the Taliban," Dmitry Zhirnov said.'),
        Article(id="b", text="“We are now being guarded by the Taliban”, Zhirnov told TV."),
    ]
    annotations: list[Annotation] = annotate(articles)
    actors = identify_actors(annotations)
    quotes = cite_quotes(annotations, actors)
    assert len(quotes) == 1
    assert {span.article for span in quotes[0].sources} == {"a", "b"}
    assert quotes[0].speaker == "Dmitry Zhirnov"
    assert quotes[0].speaker_id == "dmitry-zhirnov"
