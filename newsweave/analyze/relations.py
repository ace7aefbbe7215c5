"""Roles and interactions read off one article's parse: who is what, and who does what to whom.

Roles are the titles news writing wraps around names ("Prime Minister Imran Khan", "Zamir Kabulov,
Russia's special presidential representative for Afghanistan"). Interactions are (subject,
predicate, object) triples between two named mentions, typed coarsely by a small lexicon of
predicates. Both are written by hand on spaCy's dependency parse: the libraries that extract
triples (textacy's `subject_verb_object_triples`) return words, not named actors, and type nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from newsweave.analyze.speech import ParsedParagraph, inside
from newsweave.models import Article, Interaction, Role, Span

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

# spaCy entity labels that name an actor of a story.
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})
# Predicate lemmas (verbs, and the nouns of "X, Y's backer") by coarse relation type.
_TYPES = {
    "cooperation": """engage back backer support supporter ally cooperate collaborate help aid
        assist recognize recognise welcome host meet talk negotiate sign agree partner fund finance
        arm protect guard join endorse befriend court reconcile mediate invite visit embrace deal
        trade supply shelter train sponsor praise thank congratulate reach""",
    "conflict": """attack fight threaten condemn sanction invade oppose accuse criticize criticise
        kill ban bomb strike blame defeat seize capture overthrow topple besiege shell raid target
        punish expel arrest detain sue reject denounce enemy rival foe adversary critic oust
        overrun humiliate undermine resist battle clash war blacklist designate""",
    "statement": """say tell warn call urge announce report claim deny hint add ask reply respond
        insist confirm write tweet state declare suggest note explain describe""",
}
RELATION_TYPE = {lemma: kind for kind, words in _TYPES.items() for lemma in words.split()}
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_OBJECT_DEPS = ("dobj", "dative", "attr", "oprd")
# Prepositions that lead to the other party of an action ("meet with", "war against"); those of
# time and place ("after Biden's address", "in the takeover") do not.
_ACTOR_PREPOSITIONS = frozenset(
    """with to against toward towards into from for on upon over by""".split()  # noqa: SIM905
)
# Verbs whose complement did not happen: "refused to meet", "failed to reach".
_NEGATING_HEADS = frozenset({"refuse", "decline", "fail", "reject", "deny", "avoid"})
# Modal verbs that make an action uncertain.
_HEDGES = frozenset({"might", "may", "could", "would", "should"})
# Longest role kept, in tokens: longer appositions are clauses, not titles.
_MAX_ROLE_TOKENS = 12


def relation_type(predicate: str) -> str:
    """The coarse type of a predicate ("engage with" -> "cooperation"), "other" if unknown.

    A negated or hedged predicate ("not recognize", "might recognize") is "other": not
    cooperating is not yet conflict, and a possibility is not yet an action.
    """
    words = predicate.split()
    if not words or words[0] == "not" or words[0] in _HEDGES:
        return "other"
    return RELATION_TYPE.get(words[0], "other")


def _entity_of(token: Token) -> SpacySpan | None:
    """The actor entity a token heads (or is the last word of), if any."""
    if token.ent_type_ not in ACTOR_LABELS:
        return None
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent if ent.label_ in ACTOR_LABELS else None
    return None


def extract_roles(article: Article, paragraphs: Sequence[ParsedParagraph]) -> tuple[Role, ...]:
    """The titles and roles given to named people in one article.

    Args:
        article: The article whose clean text the paragraphs were cut from.
        paragraphs: (offset, spaCy Doc) of each paragraph, in order.
    """
    roles: list[Role] = []
    for offset, doc in paragraphs:
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            mention = article.span(offset + ent.start_char, offset + ent.end_char)
            for role in _role_phrases(ent):
                roles.append(
                    Role(mention, article.span(offset + role.start_char, offset + role.end_char))
                )
    return tuple(roles)


def _role_phrases(ent: SpacySpan) -> Iterator[SpacySpan]:
    doc = ent.doc
    root = ent.root
    # "Moscow-based military analyst Pavel Felgenhauer": modifiers to the left of the name.
    left = root.left_edge.i
    if left < ent.start:
        yield from _clean_role(doc[left : ent.start], ent)
    # "Zamir Kabulov, Russia's special presidential representative for Afghanistan"
    for child in root.children:
        if child.dep_ == "appos" and child.i >= ent.end:
            yield from _clean_role(doc[child.left_edge.i : child.right_edge.i + 1], ent)
    # "Putin's special envoy to Afghanistan, Zamir Kabulov": the name is the title's apposition.
    if root.dep_ == "appos" and root.head.i < ent.start and root.head.pos_ in ("NOUN", "PROPN"):
        head = root.head
        while head.dep_ == "pobj" and head.head.dep_ == "prep" and head.head.head.pos_ == "NOUN":
            head = head.head.head
        yield from _clean_role(doc[head.left_edge.i : ent.start], ent)


def _clean_role(phrase: SpacySpan, ent: SpacySpan) -> Iterator[SpacySpan]:
    tokens = [t for t in phrase if not (ent.start <= t.i < ent.end)]
    # Determiners and punctuation at the edges are not part of a title.
    while tokens and (tokens[0].is_punct or tokens[0].dep_ == "det"):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ in ("case", "cc")):
        tokens.pop()
    if not tokens or len(tokens) > _MAX_ROLE_TOKENS:
        return
    span = phrase.doc[tokens[0].i : tokens[-1].i + 1]
    # Another person may be in a title only as its possessor ("Putin's special envoy").
    if any(ent.start <= t.i < ent.end for t in span) or any(
        t.ent_type_ == "PERSON" and not _possessor(t) for t in span
    ):
        return
    # A title has a common noun or a title word ("Prime Minister"), not only a nationality.
    if any(t.pos_ == "NOUN" or (t.pos_ == "PROPN" and t.ent_type_ == "") for t in span):
        yield span


def _possessor(token: Token) -> bool:
    """Whether a name token is part of a possessor: "Vladimir Putin's"."""
    while token.dep_ == "compound":
        token = token.head
    return token.dep_ == "poss"


def extract_interactions(
    article: Article,
    paragraphs: Sequence[ParsedParagraph],
    quoted: Sequence[Span] = (),
) -> tuple[Interaction, ...]:
    """(subject, predicate, object) between named actors in one article's sentences.

    Args:
        article: The article whose clean text the paragraphs were cut from.
        paragraphs: (offset, spaCy Doc) of each paragraph, in order.
        quoted: The article's quotes: what a source says ("Russia will invade Ukraine,"
            Smith said) is that source's claim, not an interaction the article reports.
    """
    ranges = sorted((span.start, span.end) for span in quoted)
    found: list[Interaction] = []
    for offset, doc in paragraphs:
        for token in doc:
            if inside(offset + token.idx, ranges):
                continue
            for subject, predicate, obj in _triples(token):
                if subject.text == obj.text:
                    continue
                sentence = token.sent
                found.append(
                    Interaction(
                        article.span(offset + subject.start_char, offset + subject.end_char),
                        predicate,
                        article.span(offset + obj.start_char, offset + obj.end_char),
                        relation_type(predicate),
                        article.span(offset + sentence.start_char, offset + sentence.end_char),
                    )
                )
    return tuple(found)


def _triples(token: Token) -> Iterator[tuple[SpacySpan, str, SpacySpan]]:
    if token.pos_ == "VERB":
        subjects = _subjects(token)
        if not subjects:
            return
        lemma = _qualifier(token) + token.lemma_.lower()
        particle = "".join(f" {c.lower_}" for c in token.children if c.dep_ == "prt")
        for child in token.children:
            if child.dep_ in _OBJECT_DEPS and token.lemma_.lower() != "say":
                # What is said is not an actor of the saying ("said Moscow will decide").
                for obj in _actors_in(child):
                    for subject in subjects:
                        yield subject, lemma + particle, obj
            elif child.dep_ == "prep" and child.lower_ in _ACTOR_PREPOSITIONS:
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    for obj in _actors_in(pobj):
                        for subject in subjects:
                            yield subject, f"{lemma}{particle} {child.lower_}", obj
    elif token.dep_ == "appos" and token.pos_ == "NOUN" and token.lemma_.lower() in RELATION_TYPE:
        # "Pakistan — the Taliban's biggest backer": the head is the noun's possessor's backer.
        holder = _entity_of(token.head)
        owners = [c for c in token.children if c.dep_ == "poss"]
        if holder is not None and owners:
            for obj in _actors_in(owners[0]):
                yield holder, f"{token.lemma_.lower()} of", obj


def _qualifier(verb: Token) -> str:
    """What qualifies an action: "not " or a modal ("might "), else nothing.

    Negated: "did not meet", "refused to meet". Uncertain: "might recognize".
    """
    if any(child.dep_ == "neg" for child in verb.children):
        return "not "
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in _NEGATING_HEADS:
        return "not "
    modals = [c.lower_ for c in verb.children if c.dep_ == "aux" and c.lower_ in _HEDGES]
    return f"{modals[0]} " if modals else ""


def _subjects(verb: Token) -> list[SpacySpan]:
    """The actors that are the verb's subject, or the subject of the verb it is chained to."""
    current = verb
    for _ in range(4):
        heads = [c for c in current.children if c.dep_ in _SUBJECT_DEPS]
        if heads:
            actors: list[SpacySpan] = []
            for head in heads:
                actors.extend(_actors_in(head))
            return actors
        if current.dep_ in ("xcomp", "conj", "acomp") or (
            current.dep_ == "ccomp" and current.head.pos_ == "ADJ"
        ):
            current = current.head
        else:
            return []
    return []


def _actors_in(head: Token) -> list[SpacySpan]:
    """Actors a noun phrase names.

    Its own entity, the entity that owns or compounds it ("Taliban representatives"), and those
    joined to it by "and".
    """
    actors: list[SpacySpan] = []
    for token in [head, *(c for c in head.children if c.dep_ == "conj")]:
        ent = _entity_of(token)
        if ent is None:
            # "Russia's Kabul embassy" is Russia's: the possessor first, then a compound.
            modifiers = [c for c in token.children if c.dep_ == "poss"] + [
                c for c in token.children if c.dep_ == "compound"
            ][-1:]
            ent = _entity_of(modifiers[0]) if modifiers else None
        if (ent is not None and ent.root.i == token.i) or (
            ent is not None and token.dep_ != "compound" and ent.root.head.i == token.i
        ):
            actors.append(ent)
    return actors


def roles_by_mention(roles: Sequence[Role]) -> dict[Span, list[str]]:
    """Role texts grouped by the mention they describe, in text order, without repeats."""
    grouped: dict[Span, list[str]] = {}
    for role in roles:
        texts = grouped.setdefault(role.mention, [])
        if role.role.text not in texts:
            texts.append(role.role.text)
    return grouped
