"""Untrusted chat text made safe to match, show and address: no invisible or reordering tricks."""

from __future__ import annotations

import unicodedata

MAX_TEXT = 500
MAX_NAME = 32
MAX_NAME_WORDS = 3
# What the host calls a viewer whose name cannot be said.
ANONYMOUS = {"en": "a viewer", "fr": "un spectateur"}

# NFKC can grow a character (U+FDFA becomes 18); cutting this much first bounds the work.
_PRECUT = 4
# Removed outright: controls, format characters (bidi embeddings, overrides and isolates,
# LRM/RLM, zero-width space/joiners, BOM, soft hyphen, tags), surrogates, private use, unassigned.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Letters and symbols that draw nothing: fillers used to fake empty names or hide words.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u034f")
# Controls that separate words: kept as a space so "a\nb" does not become "ab".
_SPACING_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
# Combining marks kept on one letter; "Zalgo" text stacks dozens.
_MAX_MARKS = 2
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def _visible(text: str) -> str:
    """`text` without characters that hide, reorder or stack, spacing controls as spaces."""
    kept: list[str] = []
    marks = 0
    for ch in text:
        if ch in _SPACING_CONTROLS or ch in "\u2028\u2029":
            kept.append(" ")
            marks = 0
            continue
        category = unicodedata.category(ch)
        if category in _DROPPED_CATEGORIES or ch in _INVISIBLE:
            continue
        if category.startswith("M"):
            marks += 1
            if marks > _MAX_MARKS:
                continue
        else:
            marks = 0
        kept.append(ch)
    return "".join(kept)


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Chat text in NFKC, visible characters only, single spaces, at most `limit` characters."""
    if limit <= 0:
        raise ValueError(f"limit must be positive, got {limit}")
    cut = text[: limit * _PRECUT]
    words = " ".join(_visible(unicodedata.normalize("NFKC", cut)).split())
    if len(words) <= limit:
        return words
    return words[:limit].rstrip()


def clean_name(name: str) -> str:
    """A viewer's name as typed, cleaned like chat text and at most MAX_NAME characters."""
    return clean_text(name, MAX_NAME)


def _latin_letter(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def _name_word(word: str) -> str:
    """One word of a name: Latin letters, with ' and - only between letters."""
    kept = "".join(ch if _latin_letter(ch) else " " if ch not in "'-" else ch for ch in word)
    parts = []
    for part in kept.split():
        part = part.strip("'-")
        while "--" in part or "''" in part:
            part = part.replace("--", "-").replace("''", "'")
        if any(ch.isalpha() for ch in part):
            parts.append(part)
    return " ".join(parts)


def spoken_name(name: str, lang: str) -> str:
    """The name the host may say aloud: Latin letters, spaces, ' and -; else "a viewer".

    Digits are dropped too: the voice would read "Julie75" as a number that the catalog
    does not state, and the guard refuses every line that says one.
    """
    fallback = ANONYMOUS.get(lang, ANONYMOUS["en"])
    cleaned = clean_name(name).translate(_APOSTROPHES)
    words = _name_word(cleaned).split()[:MAX_NAME_WORDS]
    said = " ".join(words)
    if not said:
        return fallback
    if said.isupper() and len(said) > 2:
        said = " ".join(part.capitalize() for part in words)
    return said
