"""Attempts to give the host instructions through the chat, in French and English."""

from __future__ import annotations

import re

# Patterns over folded text (lower case, no accents, single spaces). Each says what it
# catches; the first that matches is the reason a message is refused.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "asks to ignore or forget the rules",
        r"\b(?:ignore|ignorez|ignorer|disregard|forget|oublie|oubliez|oublier|skip|bypass"
        r"|override|contourne)\b(?:\W+\w+){0,4}?\W+(?:instructions?|rules?|prompts?|guidelines?"
        r"|directives?|consignes?|regles?|restrictions?|guardrails?|filters?|filtres?|tout"
        r"|everything|above|previous|precedent\w*)\b",
    ),
    (
        "gives new instructions",
        r"\b(?:new|nouvelles?|your|tes|vos|updated) (?:instructions?|rules?|consignes?"
        r"|regles?|directives?|task|tache|role|mission)\b",
    ),
    (
        "asks the host to say something",
        r"\b(?:say|says|said|saying|tell everyone|tell the viewers|announce|read out|read this"
        r"|shout|dis|dites|disez|dire|annonce|annoncez|lis|lisez|prononce|prononcez|crie)"
        r"\b(?:\W+\w+){0,3}?\W*(?:that|:|\"|'|que|qu'|ceci|cela|ca|this|these words|after me"
        r"|apres moi|les mots|the words|le mot|the word)",
    ),
    (
        "asks the host to repeat something",
        r"\b(?:repeat|repete|repetez|repeter|recite|echo)\b",
    ),
    (
        "tries to change who the host is",
        r"\b(?:you are now|you're now|from now on|act as|acting as|pretend|roleplay|role play"
        r"|role-play|you will now|tu es maintenant|vous etes maintenant|tu es desormais"
        r"|a partir de maintenant|desormais tu|desormais vous|fais semblant|faites semblant"
        r"|joue le role|jouez le role|comporte-toi|comportez-vous|agis comme|agissez comme"
        r"|imagine que tu|jailbreak|developer mode|mode developpeur|dan mode|do anything now)",
    ),
    (
        "mentions the system prompt or a role tag",
        r"system prompt|prompt systeme|prompt system|system message|message systeme"
        r"|(?:^|\W)(?:system|assistant|user|developer|systeme|human|ai)\s*:"
        r"|<\|?/?(?:im_start|im_end|system|assistant|user|s|endoftext)\|?>|\[/?inst\]"
        r"|<<\s*/?sys\s*>>|###\s*(?:instruction|system|response)",
    ),
    (
        "asks to reveal or change the host's settings",
        r"\b(?:reveal|show me|print|affiche|montre|revele)\b(?:\W+\w+){0,3}?\W+(?:prompt"
        r"|instructions?|settings|consignes?|config\w*)\b",
    ),
)
_COMPILED = tuple((why, re.compile(pattern)) for why, pattern in _PATTERNS)


def injection_reason(folded: str) -> str | None:
    """Why folded chat text is an attempt to instruct the host, or None."""
    for why, pattern in _COMPILED:
        match = pattern.search(folded)
        if match:
            return f"{why} ({match.group(0).strip()[:40]!r})"
    return None
