"""The actors of a story (people, organisations, countries, places, groups) and their relations.

Entity mentions of all the story's articles are merged into actors. Merging is by rule, because
the cases that matter in news are regular and a wrong merge is worse than a missed one: the same
name with or without "the" and possessives, a surname alone after the full name ("Kabulov" after
"Zamir Kabulov"), titles before a name, an acronym of a longer name, and a country's other names
and demonyms ("U.S.", "America", "American"). No maintained library covers the last on its own
without heavy dependencies (country_converter pulls in pandas), so the table of countries is
here, limited to the names news uses.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsweave.analyze.relations import ACTOR_LABELS, roles_by_mention
from newsweave.models import Actor, Annotation, Relation, Span

_KINDS = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}
# Canonical country name: its other names and demonyms, as written in news.
_COUNTRIES = {
    "United States": "U.S.|US|USA|U.S.A.|America|United States of America|the States|"
    "American|Americans",
    "United Kingdom": "U.K.|UK|Britain|Great Britain|British|Briton|Britons",
    "Russia": "Russian Federation|Russian|Russians",
    "China": "People's Republic of China|PRC|Chinese",
    "Afghanistan": "Afghan|Afghans",
    "Pakistan": "Pakistani|Pakistanis",
    "India": "Indian|Indians",
    "Iran": "Iranian|Iranians|Islamic Republic of Iran",
    "Iraq": "Iraqi|Iraqis",
    "Syria": "Syrian|Syrians",
    "Israel": "Israeli|Israelis",
    "Turkey": "Turkish|Turks|Türkiye",
    "Ukraine": "Ukrainian|Ukrainians",
    "Germany": "German|Germans",
    "France": "French",
    "Italy": "Italian|Italians",
    "Spain": "Spanish|Spaniards",
    "Japan": "Japanese",
    "North Korea": "North Korean|North Koreans|DPRK",
    "South Korea": "South Korean|South Koreans|Republic of Korea",
    "Saudi Arabia": "Saudi|Saudis",
    "United Arab Emirates": "UAE|U.A.E.|Emirati|Emiratis",
    "Qatar": "Qatari|Qataris",
    "Egypt": "Egyptian|Egyptians",
    "Mexico": "Mexican|Mexicans",
    "Canada": "Canadian|Canadians",
    "Brazil": "Brazilian|Brazilians",
    "Australia": "Australian|Australians",
    "Poland": "Polish|Poles",
    "Belarus": "Belarusian|Belarusians",
    "Uzbekistan": "Uzbek|Uzbeks",
    "Tajikistan": "Tajik|Tajiks",
    "Turkmenistan": "Turkmen",
    "Kazakhstan": "Kazakh|Kazakhs",
    "Venezuela": "Venezuelan|Venezuelans",
    "Cuba": "Cuban|Cubans",
    "Lebanon": "Lebanese",
    "Jordan": "Jordanian|Jordanians",
    "Yemen": "Yemeni|Yemenis",
    "Libya": "Libyan|Libyans",
    "Nigeria": "Nigerian|Nigerians",
    "Ethiopia": "Ethiopian|Ethiopians",
    "Sudan": "Sudanese",
    "Somalia": "Somali|Somalis",
    "South Africa": "South African|South Africans",
    "Greece": "Greek|Greeks",
    "Netherlands": "Dutch|Holland",
    "Sweden": "Swedish|Swedes",
    "Norway": "Norwegian|Norwegians",
    "Finland": "Finnish|Finns",
    "Ireland": "Irish",
    "Vietnam": "Vietnamese",
    "Taiwan": "Taiwanese",
    "Indonesia": "Indonesian|Indonesians",
    "Philippines": "Philippine|Filipino|Filipinos",
    "Palestinian territories": "Palestine|Palestinian|Palestinians",
    "European Union": "EU|E.U.",
    "United Nations": "UN|U.N.",
}
_COUNTRY_OF = {
    alias.lower(): name
    for name, aliases in _COUNTRIES.items()
    for alias in [name, *aliases.split("|")]
}
_BLOCS = {"European Union": "organisation", "United Nations": "organisation"}
# Words before a name that are titles, not part of it.
_TITLES = frozenset(
    """president vice prime minister mr mr. mrs mrs. ms ms. dr dr. sen sen. senator rep
    rep. representative gov gov. governor gen gen. general secretary ambassador chancellor
    king queen pope sir lord judge justice chairman chairwoman chair ceo envoy spokesman
    spokeswoman mayor former leader commander colonel col. lt. captain""".split()  # noqa: SIM905
)
# What may follow a name at the end of a mention: a possessive, punctuation.
_TRAILER = re.compile(r"(?:['’]s?)?[^\w]*")
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "on", "in", "&"})


@dataclass(frozen=True)
class ActorIndex:
    """The story's actors and which actor each entity mention stands for."""

    actors: tuple[Actor, ...]
    by_mention: dict[Span, str]
    by_name: dict[str, str]
    by_id: dict[str, Actor] = field(init=False, repr=False, compare=False)
    # Per article, mentions sorted by start, for lookups by position in large stories.
    starts: dict[str, list[tuple[int, Span]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts: dict[str, list[tuple[int, Span]]] = {}
        for mention in self.by_mention:
            starts.setdefault(mention.article, []).append((mention.start, mention))
        for entries in starts.values():
            entries.sort(key=lambda entry: (entry[0], entry[1].end))
        object.__setattr__(self, "starts", starts)
        object.__setattr__(self, "by_id", {actor.id: actor for actor in self.actors})

    def actor_of(self, span: Span | None) -> Actor | None:
        """The actor a mention stands for: an entity mention that ends where `span` ends.

        The end is the head of an English noun phrase: "Russian diplomats" is not Russia,
        "Prime Minister Imran Khan" is Imran Khan.
        """
        if span is None:
            return None
        if span in self.by_mention:
            return self.get(self.by_mention[span])
        entries = self.starts.get(span.article, [])
        first = bisect.bisect_left(entries, span.start, key=lambda entry: entry[0])
        for start, mention in entries[first:]:
            if start >= span.end:
                break
            # Only a possessive or punctuation may follow the name inside the span ("the UK PM"
            # is not the United Kingdom).
            if span.end - 3 <= mention.end <= span.end + 3 and _TRAILER.fullmatch(
                span.text[max(mention.end - span.start, 0) :]
            ):
                return self.get(self.by_mention[mention])
        return None

    def find(self, name: str | None) -> Actor | None:
        """The actor with this name or alias, if any."""
        if not name:
            return None
        actor_id = self.by_name.get(_key(name))
        return None if actor_id is None else self.get(actor_id)

    def get(self, actor_id: str) -> Actor | None:
        """The actor with this id."""
        return self.by_id.get(actor_id)


def surface_name(text: str, label: str) -> str:
    """A mention as a name: no "the", possessive or titles; whitespace collapsed."""
    name = " ".join(text.split())
    name = re.sub(r"(?:['’]s|['’])$", "", name)
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    if label == "PERSON":
        words = name.split()
        while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES | {"mr", "mrs", "ms"}:
            words.pop(0)
        name = " ".join(words)
    return name.strip(' ,;:-—–"“”')


def _key(name: str) -> str:
    """A name for comparison: lower case, one apostrophe, hyphens and dashes as spaces.

    "Al-Qaeda" = "Al Qaeda", "O’Brien" = "O'Brien".
    """
    name = name.lower().replace("\u2019", "'")
    return " ".join(re.sub("[-\u2010\u2011\u2013\u2014]", " ", name).split())


def _usable(name: str) -> bool:
    """Whether a mention's text can name an actor (not a stray word the tagger picked up)."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and any(c.isupper() for c in name)


@dataclass
class _Group:
    names: Counter[str]
    labels: Counter[str]
    mentions: list[Span]
    country: str | None = None


def identify_actors(annotations: Sequence[Annotation]) -> ActorIndex:
    """Merge the entity mentions of a story's articles into actors.

    Args:
        annotations: The story's annotated articles.

    Returns:
        The actors, most mentioned first, and the actor of every mention.
    """
    mentions = [
        (entity, surface_name(entity.span.text, entity.label))
        for annotation in annotations
        for entity in annotation.entities
        if entity.label in ACTOR_LABELS
    ]
    # A country's name that is also the surname of a person in the story is the person
    # ("Tom Holland ... Holland said", "Michael Jordan ... Jordan praised").
    surnames = {
        _key(name).split()[-1]
        for entity, name in mentions
        if entity.label == "PERSON" and len(name.split()) > 1
    }
    groups: dict[str, _Group] = {}
    for entity, name in mentions:
        if not _usable(name):
            continue
        country = _COUNTRY_OF.get(name.lower())
        if country is not None and (entity.label in ("PERSON", "ORG") or _key(name) in surnames):
            country = None
        key = f"country:{country}" if country else _key(name)
        group = groups.setdefault(key, _Group(Counter(), Counter(), [], country))
        group.names[name] += 1
        group.labels[entity.label] += 1
        group.mentions.append(entity.span)
    _merge_surnames(groups)
    _merge_acronyms(groups)
    roles = roles_by_mention([role for a in annotations for role in a.roles])
    return _build_index(groups, roles)


def _label(group: _Group) -> str:
    return group.labels.most_common(1)[0][0]


def _merge_into(groups: dict[str, _Group], source: str, target: str) -> None:
    group, into = groups.pop(source), groups[target]
    into.names.update(group.names)
    into.labels.update(group.labels)
    into.mentions.extend(group.mentions)


def _merge_surnames(groups: dict[str, _Group]) -> None:
    """A name that is the end of exactly one longer person's name is that person: "Kabulov".

    An organisation is never a surname ("Ford" recalling trucks is not Harrison Ford).
    """
    by_ending: dict[tuple[str, ...], list[str]] = {}
    for key, person in groups.items():
        if _label(person) == "PERSON" and person.country is None:
            words = tuple(key.split())
            for size in range(1, len(words)):
                by_ending.setdefault(words[-size:], []).append(key)
    for key in sorted(groups, key=lambda k: (len(k.split()), k)):
        group = groups.get(key)
        if group is None or group.country is not None or _label(group) == "ORG":
            continue
        longer = [other for other in by_ending.get(tuple(key.split()), []) if other in groups]
        if len(longer) == 1:
            _merge_into(groups, key, longer[0])


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _ACRONYM_SKIP and w[0].isalpha())


def _merge_acronyms(groups: dict[str, _Group]) -> None:
    """Merge an acronym into the one longer name of the story it abbreviates ("NATO").

    Only names of organisations and places have acronyms here: "CIA" is not Carl Ivan Anderson.
    """
    by_initials: dict[str, list[str]] = {}
    for key, named in groups.items():
        name = named.names.most_common(1)[0][0]
        if named.country is None and _label(named) != "PERSON" and len(name.split()) >= 2:
            by_initials.setdefault(_initials(name).upper(), []).append(key)
    for key in list(groups):
        group = groups.get(key)
        if group is None or group.country is not None or _label(group) == "PERSON":
            continue
        short = group.names.most_common(1)[0][0].replace(".", "")
        if not (2 <= len(short) <= 6 and short.isupper()):
            continue
        matches = [
            other for other in by_initials.get(short, []) if other != key and other in groups
        ]
        if len(matches) == 1:
            _merge_into(groups, key, matches[0])


def _plural(group: _Group) -> bool:
    """Whether a group is named as people ("Democrats", "Kurds"), not as an adjective."""
    return any(name.endswith("s") for name in group.names)


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-") or "actor"


def _build_index(groups: dict[str, _Group], roles: dict[Span, list[str]]) -> ActorIndex:
    actors: list[Actor] = []
    by_mention: dict[Span, str] = {}
    by_name: dict[str, str] = {}
    used_ids: set[str] = set()
    for group in groups.values():
        label = _label(group)
        if label == "NORP" and group.country is None and not _plural(group):
            continue  # "Islamist", "Western": adjectives, not a group acting in the story
        if group.country is not None:
            name = group.country
            kind = _BLOCS.get(name, "country")
        else:
            # The fullest form people are named by; otherwise the most frequent form.
            name = max(
                group.names,
                key=lambda n: (len(n.split()) if label == "PERSON" else 0, group.names[n], n),
            )
            kind = _KINDS[label]
        actor_id = _slug(name)
        if actor_id in used_ids:
            actor_id = f"{actor_id}-{kind}"
        suffix = 2
        while actor_id in used_ids:
            actor_id = f"{_slug(name)}-{kind}-{suffix}"
            suffix += 1
        used_ids.add(actor_id)
        mentions = sorted(set(group.mentions), key=lambda s: (s.article, s.start))
        actor_roles = _unique(role for mention in mentions for role in roles.get(mention, ()))
        aliases = tuple(sorted(n for n in group.names if n != name))
        actors.append(
            Actor(actor_id, name, kind, aliases, actor_roles, len(mentions), tuple(mentions))
        )
        for mention in mentions:
            by_mention[mention] = actor_id
        for alias in (name, *aliases):
            by_name.setdefault(_key(alias), actor_id)
    for alias, country in _COUNTRY_OF.items():
        actor_id = _slug(country)
        if actor_id in used_ids:
            by_name.setdefault(alias, actor_id)
    actors.sort(key=lambda a: (-a.mentions, a.name))
    return ActorIndex(tuple(actors), by_mention, by_name)


def _unique(texts: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(" ".join(text.lower().split()), text)
    return tuple(seen.values())


def relate_actors(annotations: Sequence[Annotation], index: ActorIndex) -> tuple[Relation, ...]:
    """The story's relations: each article's interactions between actors, merged across articles.

    Args:
        annotations: The story's annotated articles.
        index: Its actors (`identify_actors`).

    Returns:
        One Relation per (subject, predicate, object), with every sentence that states it,
        the most attested first.
    """
    merged: dict[tuple[str, str, str], list[Span]] = {}
    types: dict[tuple[str, str, str], str] = {}
    for annotation in annotations:
        for interaction in annotation.interactions:
            subject = index.actor_of(interaction.subject)
            obj = index.actor_of(interaction.object)
            if subject is None or obj is None or subject.id == obj.id:
                continue
            key = (subject.id, interaction.predicate, obj.id)
            evidence = merged.setdefault(key, [])
            if interaction.evidence not in evidence:
                evidence.append(interaction.evidence)
            types[key] = interaction.type
    relations = []
    for (subject_id, predicate, object_id), sources in merged.items():
        subject, obj = index.get(subject_id), index.get(object_id)
        assert subject is not None and obj is not None  # both came from the index
        relations.append(
            Relation(
                subject.name,
                subject_id,
                predicate,
                obj.name,
                object_id,
                types[(subject_id, predicate, object_id)],
                tuple(sources),
            )
        )
    relations.sort(key=lambda r: (-len({s.article for s in r.sources}), -len(r.sources)))
    return tuple(relations)
