"""Chat text as words to match: folded, split, and reduced to a plural-free stem."""

from __future__ import annotations

import re

from host.script.claims import fold

_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i"})
_RUNS = re.compile(r"(.)\1+")


def words(folded: str) -> list[str]:
    """The words of folded text; "t-shirt" gives "t-shirt", "t", "shirt" and "tshirt"."""
    found: list[str] = []
    for match in _WORD.finditer(folded):
        word = match.group(0)
        parts = [p for p in re.split(r"['-]", word) if p]
        if len(parts) > 1:
            found += [word, *parts, "".join(parts)]
        else:
            found.append(word)
    return found


def stem(word: str) -> str:
    """A word without its plural: "chocolats" and "chocolat", "hoodies" and "hoodie" agree."""
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("ie"):
        word = word[:-2] + "y"
    return word


def squeezed(word: str) -> str:
    """A word with leetspeak undone and letter runs squeezed: "stuuup1d" -> "stupid"."""
    return _RUNS.sub(r"\1", word.translate(_LEET))


def spelled_out(folded: str) -> str:
    """Words spelt letter by letter joined back: "i d i o t" and "f.u.c.k" -> "idiot", "fuck"."""
    letters = re.findall(r"(?<![^\W_])[^\W_](?![^\W_])", folded)
    return "".join(letters) if len(letters) >= 3 else ""


__all__ = ["fold", "spelled_out", "squeezed", "stem", "words"]
