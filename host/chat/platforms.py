"""Where a viewer's message came from, as the host says it: "on YouTube", "sur Twitch"."""

from __future__ import annotations

import re

# How the platforms spell themselves; a source not listed is spoken from its name.
PLATFORM_NAMES = {
    "youtube": "YouTube",
    "twitch": "Twitch",
    "tiktok": "TikTok",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "kick": "Kick",
    "irc": "IRC",
    "shopify": "Shopify",
    "restream": "Restream",
}
# Our own doors: the page's chat box, the operator's API, a JSON-lines file. A message
# from one of them is from "here", and the host says no place.
LOCAL_SOURCES = frozenset({"page", "api", "feed"})
_ON = {"en": "on", "fr": "sur"}
_SEPARATORS = re.compile(r"[-_.]+")


def platform_name(source: str) -> str:
    """The platform a source names, as written on screen ("" for Hostcast's own doors)."""
    if not source or source in LOCAL_SOURCES:
        return ""
    known = PLATFORM_NAMES.get(source)
    if known:
        return known
    words = [w for w in _SEPARATORS.split(source) if w.isalnum()]
    return " ".join(w[:1].upper() + w[1:] for w in words)


def spoken_where(source: str, lang: str) -> str:
    """"on YouTube" for a YouTube message in English, "" for the page's own chat."""
    name = platform_name(source)
    return f"{_ON.get(lang, _ON['en'])} {name}" if name else ""
