"""Text-level boilerplate removal: sign-up prompts, bios, related-article lists, captions, notices.

Why by hand: trafilatura and jusText clean HTML using its markup (link density, tags); text pasted
from a page, a JSONL dump or a crawl has no markup left, only paragraphs. Here each paragraph is
first judged on its own by patterns for each kind of page furniture (written for the genre, not
for any one site), then in context: a run of short, headline-like paragraphs between two pieces of
furniture (a related-article list between its separators and bylines, a marketing line between two
sign-up prompts) is furniture too. Story paragraphs, long and ending like sentences, break runs, so
a story paragraph between two newsletter prompts stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsweave.models import RemovedLine

KINDS: dict[str, str] = {
    "newsletter": "newsletter, subscription and sign-up prompts",
    "sharing": "share, follow and comment prompts; social-media widget text",
    "caption": "photo and video captions and credits",
    "bio": "author biographies",
    "related": "related-article lists: headlines, kickers, teasers, 'Read more' links",
    "byline": "bylines of other articles",
    "separator": "lines with no words",
    "notice": "archive, legal, advertising and media-player notices",
    "metadata": "the article's own date and byline lines (kept as metadata, not text)",
    "markup": "raw HTML blocks in Markdown input (embeds, scripts)",
}

_TERMINAL = ".!?\"”’')…:;"
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")
_READER = re.compile(r"\b(?:you|your|yours)\b", re.IGNORECASE)
_TEASER_PARAGRAPHS = 3
_LIST_FRAMES = frozenset({"related", "byline", "separator", "end"})
_TAIL_OPENERS = frozenset({"related", "byline", "bio", "newsletter", "sharing"})
_PLATFORMS = (
    r"facebook|twitter|x|linkedin|reddit|whatsapp|pinterest|e-?mail|print|messenger|flipboard|"
    r"tumblr|instagram|youtube|tiktok|telegram|threads|bluesky|google\+|copy link|sms"
)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of input text and the 1-based line where it starts."""

    line: int
    text: str


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    max_words: int


def _rule(kind: str, pattern: str, max_words: int, flags: int = re.IGNORECASE) -> _Rule:
    return _Rule(kind, re.compile(pattern, flags), max_words)


# Each rule names one kind of furniture; max_words keeps a rule off story paragraphs, which are
# longer than the furniture they might mention. Prefix rules end in `_END` (a colon, a bar or the
# end of the paragraph) so that "Related charges were filed" or "Top-level talks" stay story.
_END = r"(?:\s*[:|]|\W*$)"
_RULES: tuple[_Rule, ...] = (
    _rule("separator", r"^[\W_\d]*$", 10),
    # Newsletters and subscriptions: imperative prompts, reader address, or product names.
    _rule("newsletter", r"^(?:subscribe|sign up|sign-up|signup)\b", 14),
    _rule(
        "newsletter",
        r"^(?:sign up|subscribe|register|join|get|try|start|unlock|enjoy)\b.*"
        r"\b(?:newsletters?|inbox|e-?mails?|subscri\w+|briefings?|digest|free trial|"
        r"unlimited access|alerts)\b",
        40,
    ),
    _rule(
        "newsletter", r"\b(?:you|your)\b.*\b(?:inbox|newsletters?|subscri\w+|e-?mail address)\b", 45
    ),
    _rule("newsletter", r"\b(?:inbox|newsletters?|subscri\w+)\b.*\byour?\b", 45),
    _rule(
        "newsletter",
        r"\b(?:already a (?:subscriber|member)|thanks? (?:you )?for (?:subscribing|signing up)|"
        r"unsubscribe at any time|(?:support|fund) (?:our|independent|quality) journalism|"
        r"become a (?:member|subscriber))\b",
        60,
    ),
    # Footer links ("Privacy Policy | Terms of Use"), not sentences about a privacy policy.
    _rule(
        "newsletter",
        r"^(?!.*[.!?]$).*\b(?:privacy (?:policy|notice)|terms of (?:use|service))\b",
        15,
    ),
    _rule("newsletter", rf"^(?:log ?in|sign ?in|create (?:a|an|your) (?:free )?account){_END}", 15),
    # A product line ("A free daily email with ..."): a fragment, not a sentence of the story.
    _rule(
        "newsletter",
        r"^(?!.*[.!?\"”]$).*\b(?:free|daily|weekly|morning|evening)\s+(?:\w+\s+)?"
        r"(?:e-?mails?|newsletters?|briefings?|digests?|alerts)\b",
        30,
    ),
    # Sharing and social widgets.
    _rule(
        "sharing",
        rf"^(?:share|tweet|pin|email|print|comment|save)(?: (?:this|the))?"
        rf"(?: (?:story|article|page|post|link))?(?: (?:on|via) (?:{_PLATFORMS}))?\W*$",
        8,
    ),
    _rule("sharing", rf"^(?:{_PLATFORMS})(?:[\s,|/·•]+(?:{_PLATFORMS}))*\W*$", 12),
    _rule("sharing", r"^play (?:facebook|twitter|video|embed|audio)\b", 6),
    _rule(
        "sharing",
        # "Like us on Facebook", "Follow us!", not "would like us to know".
        rf"\b(?:follow|like) us(?: on\b| at\b|\W*$)|^follow\b.*@\w+|"
        rf"\bfollow (?:him|her|them|@\w+|\w+(?: \w+)?) on (?:{_PLATFORMS})\b",
        30,
    ),
    _rule("sharing", r"^tweet with a location$|\byour tweets?\b|\btweet location history\b", 60),
    _rule(
        "sharing",
        r"^(?:join the (?:conversation|discussion)|leave a comment|view comments|show comments)\b|"
        r"\bcomments? (?:are|have been) closed\b",
        20,
    ),
    # Captions and credits: a credit label, an agency's name closing the paragraph, AP's
    # "FILE - " opening, a "(Name/Agency)" credit, or a bare "Name/Agency" line.
    _rule(
        "caption",
        r"(?:^|[\s.;(\[])(?:(?:photo(?:graph)?|image|picture|illustration|video)s?(?:\s+by\b|\s*[:;])|"
        r"credits?\s*[:;])",
        60,
    ),
    _rule(
        "caption",
        r"\b(?:getty\s+images?|ap\s+photo|afp\s+via|via\s+getty|shutterstock|istock(?:photo)?|"
        r"alamy|epa-efe|staff\s+photographer|file\s+photo|photo\s+illustration|pool\s+photo)\b"
        r"[^.!?]{0,40}[.)\]]?\s*$",
        60,
    ),
    _rule(
        "caption",
        r"^\(?(?:file|above|top|below|pictured|inset)(?:\s+photo)?(?:\s+[-–—]\s|\s*[:)])",
        80,
    ),
    _rule("caption", r"\([^()]{2,60}\s*/\s*[^()]{2,60}\)\s*$", 80),
    _rule(
        "caption",
        r"^(?:[A-Z][\w.'’-]+\s+){1,4}[A-Z][\w.'’-]+\s*/\s*[A-Z][\w.'’&-]+(?:\s+[A-Z][\w.'’&-]+)*$",
        8,
        0,
    ),
    _rule(
        "caption",
        r"^(?:toggle caption|hide caption|enlarge this image|image copyright|image caption|"
        r"media caption)\b|^(?:getty images|photos?|videos?|watch)\W*$|"
        r"^(?:photos?|videos?|images?)\s*[:|]",
        20,
    ),
    # Notices: web archives, legal lines, advertising, media players, syndication.
    _rule(
        "notice",
        r"\b(?:internet archive|wayback machine|alexa internet|crawl(?:ed|s)? (?:data|of the web)|"
        r"archive pages as they are created)\b",
        250,
    ),
    _rule("notice", r"^advertisement\b|^ad\W*$|^sponsored(?: content)?\W*$", 8),
    _rule(
        "notice", r"\bcontinue reading (?:the main story|below)\b|^story continued below\W*$", 10
    ),
    _rule(
        "notice",
        r"\ball rights reserved\b|^©|^copyright\s+(?:©\s*)?\d{4}\b|"
        r"\bmay not be (?:published|reproduced|broadcast|rewritten|redistributed)(?:,| or) "
        r"(?:broadcast|rewritten|redistributed|reproduced)\b",
        60,
    ),
    _rule(
        "notice",
        r"\b(?:this (?:feature|video|content|page) is (?:not|no longer) available|"
        r"rating is available when the video has been rented|"
        r"interactive transcript could not be loaded|media playback is unsupported|"
        r"please try again later|enable javascript|javascript is disabled|"
        r"(?:your|this) browser (?:does not|doesn't)|we use cookies|cookie (?:policy|settings))\b",
        40,
    ),
    _rule("notice", r"^\((?:soundbite|sound bite|music|laughter|applause|crosstalk)\b[^)]*\)$", 12),
    _rule("notice", r"^(?:update|updated|editor'?s note|correction)s?\s*[:\-–—]?$", 3),
    _rule(
        "notice",
        r"^(?:this (?:article|story|post) (?:was|has been|is) (?:originally |first )?"
        r"(?:published|posted|appeared)|originally (?:published|appeared) (?:on|in|at|by))\b",
        40,
    ),
    # Lists of other articles: their headers ("Related:", "More from X", "Read more").
    _rule(
        "related",
        r"^(?:related(?: (?:articles?|stories|coverage|content|links?|news|reading))?|recommended"
        r"(?: for you| stories| reading)?|more from\b.*|more on\b.*|more (?:stories|news)|"
        r"most (?:read|popular|viewed|shared)|trending(?: now)?|you (?:may|might) (?:also )?like|"
        rf"read (?:more|next|also)|see also|also read|what to read next|top stories|latest news|"
        rf"editor'?s picks|in other news|don'?t miss){_END}",
        12,
    ),
)
# Kinds whose rules look for words a reporter might quote or report ("said the newsletter ...");
# a paragraph with attribution is story, not a prompt.
_ATTRIBUTED = re.compile(r"\b(?:said|says|told|according to|reported|reports)\b", re.IGNORECASE)
_PROMPT_KINDS = frozenset({"newsletter", "sharing", "related", "notice"})
# Scripts written without spaces: each character counts as a word, so Chinese or Japanese story
# paragraphs are not mistaken for short headlines.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Lower-case words a byline may hold besides names: "By Jane Roe, staff writer, The Planet".
_BYLINE_WORDS = frozenset(
    {
        *("and", "of", "the", "for", "in", "at", "with", "via", "to"),
        *("staff", "writer", "writers", "reporter", "reporters", "correspondent", "contributor"),
        *("editor", "senior", "special", "chief", "associated", "published", "updated"),
    }
)


_NOT_NAMES = frozenset(
    {
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december"),
    }
)


def is_byline(text: str) -> bool:
    """Whether text is a byline ("By Rafi Schwartz, The Week US Published").

    A sentence that starts with "By" ("By Sunday, the deal had collapsed") is not.
    """
    tokens = text.split()
    if not 2 <= len(tokens) <= 15 or tokens[0] != "By" or not tokens[1][:1].isupper():
        return False
    if tokens[1].strip(",.").lower() in _NOT_NAMES:
        return False
    if text[-1] in ".!?":
        return False
    return all(
        not token[:1].islower() or token.strip(",;:|/–—-") in _BYLINE_WORDS for token in tokens[1:]
    )


# Phrases of an author's biography; two or more in one paragraph make it a bio.
_BIO_CUES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(?:has|have) (?:worked|written|reported) (?:as|for|at|on|from)\b",
        r"\b(?:is|was|has been) an? (?:\w+ ){0,3}(?:writer|reporter|correspondent|editor|"
        r"columnist|journalist|contributor|producer|photographer)\b",
        r"\b(?:writer|reporter|correspondent|editor|columnist|journalist)s? (?:at|for|with) "
        r"[A-Z]\w*",
        r"^(?:he|she|they)\b.{0,40}\b(?:covers?|writes?|reports?) (?:on |about )?",
        r"\b(?:he|she|they) (?:covers?|writes? about|reports? on)\b",
        r"\b(?:journalism|reporting|writing|media) career\b",
        r"\beditorial (?:positions?|roles?)\b",
        r"\bjoined (?:the )?[A-Z]\w*(?: [A-Z]\w*)* (?:in|as)\b",
        r"\b(?:previously|before that|prior to (?:that|joining))\b.{0,30}\b(?:worked|was)\b",
        r"\bis the (?:co-)?author of\b",
        r"\b(?:graduate of|graduated from|holds an? (?:\w+ )?degree)\b",
        r"\bfollow (?:him|her|them) on\b|\bcontact (?:him|her|them) at\b",
    )
)


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split text into paragraphs: blank lines separate blocks; a block's lines are paragraphs.

    A block whose lines are hard-wrapped prose (similar widths, mostly ending mid-sentence) is
    joined into one paragraph instead.

    Args:
        text: Decoded text with any line endings.

    Returns:
        The non-empty paragraphs, stripped, with the line number where each starts.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs: list[Paragraph] = []
    block: list[tuple[int, str]] = []

    def flush() -> None:
        if not block:
            return
        texts = [t for _, t in block]
        if _is_hard_wrapped(texts):
            paragraphs.append(Paragraph(block[0][0], " ".join(texts)))
        else:
            paragraphs.extend(Paragraph(number, t) for number, t in block)
        block.clear()

    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if line:
            block.append((number, line))
        else:
            flush()
    flush()
    return _join_continuations(paragraphs)


def _join_continuations(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Rejoin a sentence broken across paragraphs (double-spaced PDF or e-mail text).

    A paragraph that stops mid-sentence (no closing punctuation) and is followed by one that
    starts in lower case is one paragraph.
    """
    joined: list[Paragraph] = []
    for paragraph in paragraphs:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.text[-1] not in _TERMINAL
            and paragraph.text[0].islower()
            and word_count(previous.text) >= 6
        ):
            joined[-1] = Paragraph(previous.line, f"{previous.text} {paragraph.text}")
        else:
            joined.append(paragraph)
    return joined


def _is_hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    body = lines[:-1]
    widest = max(len(line) for line in lines)
    if not 40 <= widest <= 120 or any(len(line) < 0.6 * widest for line in body):
        return False
    open_ended = sum(1 for line in body if line[-1] not in _TERMINAL)
    return open_ended * 2 >= len(body)


def word_count(text: str) -> int:
    """Number of words in text.

    Words are runs of letters (with inner apostrophes, dots or hyphens), and each character of
    a script written without spaces (Chinese, Japanese).
    """
    unspaced = len(_UNSPACED.findall(text))
    return len(_WORD.findall(_UNSPACED.sub(" ", text))) + unspaced


def count_words(text: str) -> int:
    """Words as a reader counts them for a length budget.

    Whitespace-separated tokens, and each character of a script written without spaces
    (Chinese, Japanese).
    """
    unspaced = len(_UNSPACED.findall(text))
    return len(_UNSPACED.sub(" ", text).split()) + unspaced


def addresses_reader(text: str) -> bool:
    """Whether text speaks to the reader ("you", "your") outside quotation marks."""
    return bool(_READER.search(_QUOTED.sub(" ", text)))


def looks_like_story_text(text: str) -> bool:
    """Whether a paragraph reads as story prose rather than a headline, label or prompt."""
    words = word_count(text)
    if addresses_reader(text) and words <= 40:
        return False
    if words >= 40:
        return True
    if text[-1] not in _TERMINAL or words < 8:
        return False
    # Short questions are the typical teaser headline ("Why is X doing Y?").
    return not (text.endswith("?") and words <= 15)


def classify_paragraph(text: str) -> str | None:
    """The kind of page furniture a paragraph is on its own, or None for possible story text.

    Args:
        text: One paragraph, whitespace-normalised.

    Returns:
        A key of KINDS, or None.
    """
    words = word_count(text)
    # What someone says inside quotation marks is story, whatever words it uses.
    unquoted = _QUOTED.sub(" ", text)
    attributed = bool(_ATTRIBUTED.search(unquoted))
    for rule in _RULES:
        if attributed and rule.kind in _PROMPT_KINDS:
            continue
        if words <= rule.max_words and rule.pattern.search(unquoted):
            return rule.kind
    if is_byline(unquoted):
        return "byline"
    if words <= 150 and unquoted == text:
        cues = sum(1 for cue in _BIO_CUES if cue.search(text))
        if cues >= 2:
            return "bio"
    return None


def _frames(before: str | None, after: str | None) -> bool:
    """Whether furniture before and after a run of short paragraphs makes the run furniture."""
    if before is None or after is None or {before, after} <= {"separator", "end"}:
        return False
    return after != "end" or before in _TAIL_OPENERS


def strip_boilerplate(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[RemovedLine]]:
    """Separate story paragraphs from page furniture.

    Args:
        paragraphs: The body paragraphs of one article, in order.

    Returns:
        The kept paragraphs, and the removed ones as RemovedLine with their kind.
    """
    kinds: list[str | None] = [classify_paragraph(p.text) for p in paragraphs]
    story = [looks_like_story_text(p.text) for p in paragraphs]
    short = [word_count(p.text) < 40 for p in paragraphs]

    # Runs of unclaimed paragraphs framed by furniture are furniture: a marketing line between
    # two sign-up prompts, headlines after "More from X" up to the end. Story text breaks such
    # runs, except in a related-article list: between a byline and another list marker, up to
    # three short paragraphs are one teaser (headline, kicker, dek), however they end. Section
    # breaks ("* * *") alone frame nothing, and the end of the text frames only after furniture
    # that opens a trailing block (a list, a bio, a sign-up prompt).
    i = 0
    while i < len(paragraphs):
        if kinds[i] is not None or not short[i]:
            i += 1
            continue
        end = i
        while end < len(paragraphs) and kinds[end] is None and short[end]:
            end += 1
        before = kinds[i - 1] if i > 0 else None
        after = kinds[end] if end < len(paragraphs) else "end"
        if _frames(before, after):
            framing = {before, after}
            teaser = (
                end - i <= _TEASER_PARAGRAPHS
                and "byline" in framing
                and framing <= _LIST_FRAMES - {"end"}
            )
            for j in range(i, end):
                if teaser:
                    kinds[j] = "related"
                elif not story[j]:
                    kinds[j] = "related" if framing & _LIST_FRAMES - {"end"} else before
        i = end

    # A bio with story text after it is more likely a profile of someone in the news.
    last_story = max((i for i, k in enumerate(kinds) if k is None and story[i]), default=-1)
    for i, kind in enumerate(kinds):
        if kind == "bio" and 1 < i < last_story:
            kinds[i] = None

    kept = [p for p, kind in zip(paragraphs, kinds, strict=True) if kind is None]
    removed = [
        RemovedLine(p.line, kind, p.text)
        for p, kind in zip(paragraphs, kinds, strict=True)
        if kind is not None
    ]
    return kept, removed
