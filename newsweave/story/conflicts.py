"""Whether two reports of one statement differ on a fact: a number, a date, a name, a negation.

Written by hand: the offline models here include no natural-language-inference model, and an
NLI model would not say *which* fact differs, which is what a reader needs ("12 killed" against
"21 killed"). The checks run on pairs claims.py has already aligned as the same statement, so
each one only asks what differs between two near-paraphrases:
- numbers are compared when they count the same thing (the word before or after them) in the
  same unit and dimension, with vague quantities respected ("more than 50" does not contradict
  "57", "about 100" not "98"); amounts in two units are a conversion, not a contradiction;
- dates are the sentences' TIMEX3 values, and a day inside a stated month is no conflict;
- names conflict when each sentence names a person, organisation or place of one kind that the
  other does not, the rest of the sentence being alike;
- negation: one sentence negates what the other asserts ("not", "never", "denied"), or they use
  opposite verbs ("kept open" / "closed").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

# Share of content words (Dice) two sentences must have in common, apart from the differing
# fact, for a differing name or a negation to be a contradiction rather than another statement.
SAME_REST = 0.5

_NAME_KINDS = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "NORP": "place",
    "LOC": "place",
    "FAC": "place",
}
_NEGATIONS = re.compile(
    r"\b(?:not|never|no longer|none|neither|nor|without|refused|refuses|refuse|denied|denies|"
    r"deny|declined|declines|failed|fails|short of|suspend|suspends|suspended|suspending|"
    r"halt|halts|halted|halting|stop|stops|stopped|stopping|cancel|cancels|cancelled|canceled|"
    r"cancelling|canceling|abandon|abandons|abandoned|abandoning|freeze|freezes|froze|"
    r"freezing)\b|n't\b|\bno\b(?!\.?\s*\d)",  # not "No. 2"
    re.IGNORECASE,
)
# Words after a negation cue that it governs ("did not initially comment").
_NEGATION_REACH = 2
# Words between a cue and what it negates ("refused to rule out", "has not been found").
_PASS_OVER = frozenset({"to", "be", "been", "being", "yet", "even", "ever", "also", "so"})
_CLAUSE_END = re.compile(r"[,.;:!?\"“”()—–]")
# A word is asserted only outside any part holding a cue; commas do not end the part, as they
# separate the items a cue governs ("no obstruction, collusion").
_SENTENCE_PART = re.compile(r"[.;:!?\"“”()—–]")
# Units of measure, by what they measure: two amounts in different units are not compared (a
# "630-nautical-mile" flight is the "1,160-kilometer" one), nor are a length and an area.
_UNITS = {
    unit: kind
    for kind, units in {
        "length": "mile nautical kilometer kilometre km meter metre foot feet ft yard inch cm mm",
        "area": "acre hectare sq square",
        "mass": "pound lb kilogram kilo kg ton tonne gram ounce",
        "volume": "gallon liter litre barrel",
        "speed": "mph kph knot",
        "temperature": "degree celsius fahrenheit",
        "duration": "second minute hour day week month year decade",
    }.items()
    for unit in units.split()
}
# Pairs of lemmas with opposite meaning in news reports (either order).
_OPPOSITES = {
    frozenset(pair)
    for pair in [
        ("open", "close"),
        ("keep", "close"),
        ("accept", "reject"),
        ("approve", "reject"),
        ("rise", "fall"),
        ("increase", "decrease"),
        ("win", "lose"),
        ("confirm", "deny"),
        ("allow", "ban"),
        ("support", "oppose"),
        ("agree", "refuse"),
        ("alive", "dead"),
        ("guilty", "innocent"),
        ("gain", "loss"),
        ("rise", "drop"),
        ("up", "down"),
        ("stay", "leave"),
        ("remain", "leave"),
        ("arrest", "release"),
        ("start", "end"),
        ("resign", "stay"),
        ("praise", "criticize"),
        ("praise", "condemn"),
        ("lift", "impose"),
        ("higher", "lower"),
        ("more", "less"),
        ("acquit", "convict"),
        ("survive", "die"),
        ("better", "worse"),
        ("good", "bad"),
        ("partially", "fully"),
        ("partial", "full"),
        ("lot", "nothing"),
        ("everything", "nothing"),
        ("all", "none"),
    ]
}
_DIMENSIONS = {"wide", "long", "high", "deep", "tall", "thick", "square"}
# Nouns a number after them names rather than counts ("district 7", "Flight 370", "Article 5").
# Not ranks of one thing ("Category 3", "level 4"): two of those for one storm do contradict.
_LABEL_NOUNS = frozenset(
    {
        "district",
        "route",
        "flight",
        "article",
        "section",
        "chapter",
        "number",
        "no",
        "room",
        "gate",
        "line",
        "highway",
        "interstate",
        "page",
        "row",
        "zone",
        "ward",
        "precinct",
        "unit",
        "building",
        "block",
        "apartment",
        "exit",
        "pier",
        "terminal",
        "platform",
        "seat",
        "channel",
        "resolution",
        "amendment",
        "bill",
        "proposition",
        "episode",
        "volume",
        "verse",
        "track",
        "lane",
    }
)
_VAGUE = {
    "more than": ">",
    "over": ">",
    "at least": ">",
    "upwards of": ">",
    "fewer than": "<",
    "less than": "<",
    "under": "<",
    "up to": "<",
    "at most": "<",
    "about": "~",
    "nearly": "~",
    "almost": "~",
    "around": "~",
    "some": "~",
    "roughly": "~",
    "approximately": "~",
    "an estimated": "~",
    "close to": "~",
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(
    r"(?:\b(?P<vague>" + "|".join(sorted(_VAGUE, key=len, reverse=True)) + r")\s+)?"
    r"(?P<currency>[$€£])?(?P<digits>\d[\d,]*(?:\.\d+)?)(?!\d)\s*"
    r"(?P<scale>thousand|million|billion|trillion|%|percent)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "and",
        "or",
        "by",
        "with",
        "from",
        "as",
        "its",
        "it",
        "their",
        "his",
        "her",
    ]
)


@dataclass(frozen=True)
class Statement:
    """What can conflict in one sentence: its text, names, dates and content terms.

    `names` are (spaCy label, text) of its named entities; `dates` the TIMEX3 values and texts
    of its dated expressions; `terms` its content lemmas.
    """

    text: str
    names: tuple[tuple[str, str], ...]
    dates: tuple[tuple[str, str], ...]
    terms: tuple[str, ...]

    # Read once per sentence: a story's alignment compares each sentence with dozens of others,
    # and reading its numbers again for each pair was a third of the time of a brief.
    @cached_property
    def amounts(self) -> tuple[_Number, ...]:
        """Its counts and amounts, dates left out, with what each counts."""
        return tuple(_numbers(self.text, self.dates))

    @cached_property
    def values(self) -> frozenset[float]:
        """The values of every number written in it, dates included (see `numbers`)."""
        return frozenset(numbers(self.text))


@dataclass(frozen=True)
class Conflict:
    """A fact on which two statements differ: its kind and how each side states it."""

    kind: str
    this: str
    other: str


@dataclass(frozen=True)
class _Number:
    value: float
    vague: str
    text: str
    context: frozenset[str]
    unit: str  # the unit written right after the number ("mile", "kilometer"), or ""
    names_a_thing: bool = False  # a label after its noun ("district 7"), not an amount


def _numbers(text: str, dates: Sequence[tuple[str, str]]) -> list[_Number]:
    """Counts and amounts in a sentence, each with the words around it that say what it counts."""
    for _, date_text in dates:
        text = text.replace(date_text, " " * len(date_text))
    found = []
    for match in _NUMBER.finditer(text):
        digits = match.group("digits").replace(",", "")
        if re.fullmatch(r"(?:1[89]|20)\d\d", digits) and not match.group("scale"):
            continue  # a year the time tagger left as a plain number
        value = float(digits) * _SCALES.get((match.group("scale") or "").lower(), 1.0)
        before = [w.lower() for w in _WORD.findall(text[: match.start()])][-1:]
        after = [w.lower() for w in _WORD.findall(text[match.end() :])][:2]
        # What is counted, not how: a unit is compared on its own (below), and two amounts in
        # kilometres are not one amount because both are in kilometres.
        context = {w.rstrip("s") for w in before + after if w not in _STOP}
        # Unless the unit is all there is to say what is counted ("about 2,750 tons").
        counted = {w for w in context if w.split("-")[0] not in _UNITS and w not in _UNITS}
        context = counted or context
        if match.group("currency"):
            context.add(match.group("currency"))
        if (match.group("scale") or "").lower() in ("%", "percent"):
            context.add("%")
        vague = _VAGUE.get((match.group("vague") or "").lower(), "")
        # The unit is the next word, or the first part of a compound ("630-nautical-mile"); a
        # compound's dimension goes with it, so a width is not compared with a distance
        # ("a 10-mile-wide crater 40 miles away").
        parts = after[0].split("-") if after else [""]
        unit = parts[0].rstrip("s") if parts[0].rstrip("s") in _UNITS else ""
        if unit and parts[-1] in _DIMENSIONS:
            unit += "-" + parts[-1]
        label = bool(before) and before[0] in _LABEL_NOUNS and not match.group("currency")
        found.append(_Number(value, vague, match.group(0).strip(), frozenset(context), unit, label))
    return found


def numbers(text: str) -> list[float]:
    """The values of the counts and amounts written in a sentence ("1,500" -> 1500.0)."""
    return [number.value for number in _numbers(text, ())]


def _significant(text: str) -> int:
    """Significant digits of a written number ("68.7" -> 3, "69" -> 2, "1,500" -> 2)."""
    whole, _, fraction = text.partition(".")
    digits = re.sub(r"\D", "", whole) + re.sub(r"\D", "", fraction)
    return max(1, len(digits.strip("0")) if "." not in text else len(digits.lstrip("0")))


def _rounds_to(precise: _Number, rounded: _Number) -> bool:
    """Whether one amount is the other rounded ("$69 billion" for "$68.7 billion")."""
    places = _significant(re.sub(r"[^\d.,]", "", rounded.text))
    if precise.value == 0:
        return False
    return float(f"{precise.value:.{places}g}") == rounded.value


def _compatible(first: _Number, second: _Number) -> bool:
    """Whether two amounts of the same thing can both be true ("more than 50" and "57")."""
    a, b = first.value, second.value
    if a == b or _rounds_to(first, second) or _rounds_to(second, first):
        return True
    for one, two in ((first, second), (second, first)):
        if one.vague == ">" and two.value > one.value and two.vague != "<":
            return True
        if one.vague == "<" and two.value < one.value and two.vague != ">":
            return True
    if (first.vague == ">" and second.vague == ">") or (first.vague == "<" and second.vague == "<"):
        return True
    tolerance = 0.15 if "~" in (first.vague, second.vague) else 0.0
    return abs(a - b) <= tolerance * max(a, b)


def _number_conflicts(a: Statement, b: Statement) -> list[Conflict]:
    conflicts = []
    theirs = b.amounts
    for first in a.amounts:
        if any(other.value == first.value for other in theirs):
            continue  # the same amount is there, perhaps counting something else
        if first.names_a_thing:
            continue  # "district 7", "Flight 370": another thing, not another count
        # Amounts in different units, or one with a unit and one without, measure different
        # things or the same thing converted; neither is a contradiction a reader can trust.
        same_thing = [n for n in theirs if n.context & first.context and n.unit == first.unit]
        if same_thing and not any(_compatible(first, other) for other in same_thing):
            conflicts.append(Conflict("number", first.text, same_thing[0].text))
    return conflicts


def _contains(wider: str, narrower: str) -> bool:
    """Whether a TIMEX3 date value includes another ("2021-08" includes "2021-08-16")."""
    return narrower.startswith(wider) and len(wider) < len(narrower)


def _date_conflicts(a: Statement, b: Statement) -> list[Conflict]:
    """Dates of one granularity that each side has and the other lacks, none inside another."""
    only_a = [(v, t) for v, t in a.dates if all(v != w for w, _ in b.dates)]
    only_b = [(v, t) for v, t in b.dates if all(v != w for w, _ in a.dates)]
    for value, text in only_a:
        for other, other_text in only_b:
            if _shape(other) != _shape(value):
                continue
            if _contains(value, other) or _contains(other, value):
                continue
            return [Conflict("date", text, other_text)]
    return []


def _shape(value: str) -> str:
    """A value's granularity: digits and letters generalised ("2021-08-16" -> "9-9-9")."""
    return re.sub(r"\d+", "9", value)


def _dice(first: set[str], second: set[str]) -> float:
    return 2 * len(first & second) / (len(first) + len(second)) if first or second else 0.0


def name_key(text: str) -> set[str]:
    """Name tokens for matching ("Zamir Kabulov" -> {"zamir", "kabulov"}); "Russian" ~ "Russia".

    The initials are a token too, so an acronym matches its long name ("CPP" for "Cambodian
    People's Party"); a name of initials only ("U.N.") is its letters.
    """
    words = [w for w in _WORD.findall(text) if w.lower() not in _STOP]
    key = {w.lower()[:5] for w in words}
    letters = re.sub(r"[^A-Za-z]", "", text)
    if letters.isupper() and len(letters) <= 6:
        key.add(letters.lower())
    elif len(words) >= 2:
        key.add("".join(w[0] for w in words).lower())
    return key or {text.lower()}


def _name_conflicts(a: Statement, b: Statement) -> list[Conflict]:
    def unmatched(mine: Statement, theirs: Statement) -> list[tuple[str, str]]:
        keys = [name_key(text) for _, text in theirs.names]
        return [
            (_NAME_KINDS[label], text)
            for label, text in mine.names
            if label in _NAME_KINDS and not any(name_key(text) & key for key in keys)
        ]

    only_a, only_b = unmatched(a, b), unmatched(b, a)
    if not only_a or not only_b:
        return []
    names = {w.lower() for _, text in a.names + b.names for w in _WORD.findall(text)}
    rest_a, rest_b = set(a.terms) - names, set(b.terms) - names
    if _dice(rest_a, rest_b) < SAME_REST:
        return []
    return [
        Conflict("name", text, other)
        for kind, text in only_a
        for other_kind, other in only_b[:1]
        if kind == other_kind
    ][:1]


def _word_key(word: str) -> str:
    """A crude stem for matching words across sentences ("ruled" ~ "rule", "controls")."""
    word = word.lower()
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word.removesuffix("e")[:5]


def _negated_words(text: str) -> set[str]:
    """Keys of the content words a negation cue governs.

    The next _NEGATION_REACH words, within the cue's clause: "NO OBSTRUCTION, Trump wrote"
    does not negate "wrote".
    """
    found = set()
    for cue in _NEGATIONS.finditer(text):
        clause = _CLAUSE_END.split(text[cue.end() :], maxsplit=1)[0]
        words = [w for w in _WORD.findall(clause) if w.lower() not in _PASS_OVER]
        following = words[:_NEGATION_REACH]
        found |= {_word_key(w) for w in following if w.lower() not in _STOP and len(w) > 3}
    return found


def _asserted_words(text: str) -> set[str]:
    """Keys of the content words in clauses that hold no negation cue at all."""
    return {
        _word_key(w)
        for clause in _SENTENCE_PART.split(text)
        if not _NEGATIONS.search(clause)
        for w in _WORD.findall(clause)
        if w.lower() not in _STOP and len(w) > 3
    }


def _negation_conflicts(a: Statement, b: Statement) -> list[Conflict]:
    """A word one sentence negates and the other asserts, the rest being alike.

    Scoped to the words a cue governs, not the parity of cues in the sentence: "show NO
    COLLUSION and NO OBSTRUCTION" agrees with "show no obstruction, collusion", and "did not
    comment, then confirmed the meeting" does not deny "confirmed the meeting". The other
    sentence must assert the word in a clause free of negation: "did not immediately respond to
    requests" does not affirm the "request" that "did not respond to a request" negates.
    """
    if _dice(set(a.terms), set(b.terms)) < SAME_REST:
        return []
    negated_a, negated_b = _negated_words(a.text), _negated_words(b.text)
    for mine, theirs, other_text, flip in (
        (negated_a, negated_b, b.text, False),
        (negated_b, negated_a, a.text, True),
    ):
        denied = (mine - theirs) & _asserted_words(other_text)
        if denied:
            source = b.text if flip else a.text
            cue = _NEGATIONS.search(source)
            said = cue.group(0) if cue else "not"
            return [
                Conflict("negation", "affirms", said)
                if flip
                else Conflict("negation", said, "affirms")
            ]
    for first in set(a.terms) - set(b.terms):
        for second in set(b.terms) - set(a.terms):
            # "willing" / "unwilling", "able" / "unable": a prefix that negates.
            prefixed = {first, second} & {"un" + second, "un" + first, "in" + second, "in" + first}
            if frozenset((first, second)) in _OPPOSITES or prefixed:
                return [Conflict("negation", first, second)]
    return []


def find_conflicts(a: Statement, b: Statement) -> tuple[Conflict, ...]:
    """The facts on which two statements of the same claim differ (empty when they agree).

    Args:
        a: One statement (a sentence and what was read off it).
        b: A statement from another article that says nearly the same thing.

    Returns:
        Conflicts, at most one per kind: number, date, name, negation.
    """
    found: list[Conflict] = []
    for check in (_number_conflicts, _date_conflicts, _name_conflicts, _negation_conflicts):
        found.extend(check(a, b)[:1])
    return tuple(found)
