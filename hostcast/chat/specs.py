"""Which platforms' chats a show reads: `--chat SPEC` (repeatable) and `[[channel.chat]]` tables.

A spec is an address, then options as `key=value`, comma-separated on the command line::

    twitch:#myshop                             Twitch chat, read anonymously
    twitch:#myshop,token_env=TWITCH_OAUTH,nick=myshopbot
    irc://127.0.0.1:6667/#shop                 any IRC server (ircs:// for TLS)
    youtube:video=VIDEO_ID,key_env=YOUTUBE_API_KEY
    youtube:chat=LIVE_CHAT_ID,token_env=YOUTUBE_TOKEN_FILE
    youtube:mine,token_env=YOUTUBE_TOKEN_FILE  the channel's own live broadcast
    webhook:tiktok,secret_env=TIKTOK_HOOK_SECRET

In a daemon config, the same as a table: `address = "twitch:#myshop"` and one key per
option. Credentials are never written in a spec: an option ending in `_env` names the
environment variable that holds them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from host.chat.connector import CommentConnector

_ENV = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_NICK = re.compile(r"[A-Za-z\[\]\\`_^{|}][A-Za-z0-9\[\]\\`_^{|}-]{0,29}")
_CHANNEL = re.compile(r"[#&][^\s,\x07]{1,49}")
KINDS = ("twitch", "irc", "youtube", "webhook")
# The options each kind takes; `ignore` is a list ("a b" or ["a", "b"]).
OPTIONS: Mapping[str, tuple[str, ...]] = {
    "twitch": ("token_env", "nick", "ignore"),
    "irc": ("password_env", "nick", "ignore", "source"),
    "youtube": ("key_env", "token_env", "api", "ignore"),
    "webhook": ("secret_env",),
}


@dataclass(frozen=True)
class ChatSpec:
    """One platform chat to read (or, for `webhook`, one source the preview server accepts)."""

    kind: str  # one of KINDS
    address: str  # as given, with no credential in it
    target: str  # the channel, the chat or video id, "mine", or the webhook's source
    host: str = ""
    port: int = 0
    tls: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The name the show's chat log and rate limits know this platform by."""
        if self.kind == "webhook":
            return self.target
        return str(self.options.get("source") or self.kind)

    def connector(self, environ: Mapping[str, str] | None = None) -> CommentConnector:
        """The connector this spec reads with; ValueError naming the option when the
        environment does not give what it needs."""
        environ = os.environ if environ is None else environ
        opts = self.options
        ignore = tuple(opts.get("ignore", ()))
        if self.kind in ("twitch", "irc"):
            from hostcast.chat.irc import TWITCH_HOST, TWITCH_TLS_PORT, IrcChat

            twitch = self.kind == "twitch"
            secret = opts.get("token_env" if twitch else "password_env")
            if secret and not environ.get(secret):
                key = "token_env" if twitch else "password_env"
                raise ValueError(f"{key}: ${secret} is not set or empty")
            return IrcChat(
                TWITCH_HOST if twitch else self.host,
                TWITCH_TLS_PORT if twitch else self.port,
                self.target,
                tls=True if twitch else self.tls,
                twitch=twitch,
                nick=opts.get("nick"),
                password_env=secret,
                ignore_nicks=ignore,
                source=self.source,
                name=self.address,
                environ=environ,
            )
        if self.kind == "youtube":
            from hostcast.chat.youtube import YouTubeChat

            which, _, value = self.target.partition("=")
            extra = {"api_base": opts["api"]} if "api" in opts else {}
            return YouTubeChat(
                chat_id=value if which == "chat" else None,
                video_id=value if which == "video" else None,
                mine=which == "mine",
                api_key_env=opts.get("key_env"),
                token_file_env=opts.get("token_env"),
                ignore_channels=ignore,
                source=self.source,
                name=self.address,
                environ=environ,
                **extra,
            )
        raise ValueError(f"{self.address}: a webhook is served by the preview, not connected to")


def parse_spec(text: str) -> ChatSpec:
    """A `--chat` value: the address, then `,key=value` options; ValueError says what is wrong."""
    address, *pairs = (part.strip() for part in text.split(","))
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{text!r}: option {pair!r} is not key=value")
        options[key.strip()] = value.strip()
    return chat_spec(address, options)


def chat_spec(address: str, options: Mapping[str, object]) -> ChatSpec:
    """The spec for `address` with `options`, each checked; ValueError names the one at fault."""
    kind, target, host, port, tls = _address(address)
    known = OPTIONS[kind]
    checked: dict[str, Any] = {}
    for key, value in options.items():
        if key not in known:
            raise ValueError(f"{key}: not an option of a {kind} chat (it takes "
                             f"{', '.join(known)})")
        checked[key] = _option(kind, key, value)
    if kind == "youtube":
        _youtube_credentials(target, checked)
    if kind == "webhook" and "secret_env" not in checked:
        raise ValueError("secret_env: a webhook needs the variable holding its shared secret")
    return ChatSpec(kind, address, target, host, port, tls, checked)


def _address(address: str) -> tuple[str, str, str, int, bool]:
    if address.startswith(("irc://", "ircs://")):
        # The channel's # would be a URL fragment: split it off by hand.
        where, hash_, channel = address.partition("#")
        parts = urlsplit(where)
        if not parts.hostname:
            raise ValueError(f"{address!r}: no host; irc://HOST:PORT/#channel")
        if not hash_ or not _CHANNEL.fullmatch("#" + channel) or parts.path not in ("", "/"):
            raise ValueError(f"{address!r}: no channel; irc://HOST:PORT/#channel")
        tls = parts.scheme == "ircs"
        try:
            port = parts.port or (6697 if tls else 6667)
        except ValueError:
            raise ValueError(f"{address!r}: the port is not a number from 1 to 65535") from None
        return "irc", "#" + channel, parts.hostname, port, tls
    kind, sep, target = address.partition(":")
    if not sep or kind not in KINDS:
        raise ValueError(f"{address!r}: not a chat address; twitch:#channel, "
                         "irc://HOST:PORT/#channel, youtube:video=ID, youtube:chat=ID, "
                         "youtube:mine or webhook:SOURCE")
    if kind == "twitch":
        if not re.fullmatch(r"#[A-Za-z0-9_]{2,25}", target):
            raise ValueError(f"{address!r}: a Twitch channel is # and its login, as in "
                             "twitch:#myshop")
        return kind, target.lower(), "", 0, True
    if kind == "youtube":
        which, eq, value = target.partition("=")
        if target == "mine" or (eq and which in ("video", "chat") and _ID.fullmatch(value)):
            return kind, target, "", 0, True
        raise ValueError(f"{address!r}: youtube:video=VIDEO_ID, youtube:chat=LIVE_CHAT_ID "
                         "or youtube:mine")
    if kind == "webhook":
        if not _SOURCE.fullmatch(target) or target in ("page", "api", "feed"):
            raise ValueError(f"{address!r}: webhook:SOURCE, a short lower-case name such as "
                             "webhook:tiktok ('page', 'api' and 'feed' are Hostcast's own)")
        return kind, target, "", 0, False
    raise ValueError(f"{address!r}: irc:// addresses are irc://HOST:PORT/#channel")


def _option(kind: str, key: str, value: object) -> Any:
    if key == "ignore":
        items = value.split() if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"ignore: names separated by spaces, or a list, got {value!r}")
        return tuple(items)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: must be a non-empty string, got {value!r}")
    value = value.strip()
    if key.endswith("_env") and not _ENV.fullmatch(value):
        raise ValueError(f"{key}: {value!r} is not an environment variable name (the "
                         "credential itself never goes in a spec)")
    if key == "nick" and not _NICK.fullmatch(value):
        raise ValueError(f"nick: {value!r} is not an IRC nick")
    if key == "source" and not _SOURCE.fullmatch(value):
        raise ValueError(f"source: {value!r}: a short lower-case name such as 'irc'")
    if key == "api" and not value.startswith(("https://", "http://")):
        raise ValueError(f"api: {value!r} is not an http(s) URL")
    return value


def _youtube_credentials(target: str, options: Mapping[str, Any]) -> None:
    given = [key for key in ("key_env", "token_env") if key in options]
    if len(given) != 1:
        raise ValueError("key_env or token_env: a YouTube chat needs exactly one: the variable "
                         "holding an API key, or the one holding the path of an OAuth token "
                         "file")
    if target == "mine" and given != ["token_env"]:
        raise ValueError("token_env: youtube:mine finds the channel's own broadcast, which "
                         "needs an OAuth token (an API key cannot)")


def parse_chat_setting(value: object) -> tuple[ChatSpec, ...]:
    """The `chat` setting: `--chat` values (strings) or `[[channel.chat]]` tables."""
    items = value if isinstance(value, list | tuple) else [value]
    specs: list[ChatSpec] = []
    for number, item in enumerate(items, 1):
        at = f"[{number}] " if len(items) > 1 else ""
        try:
            if isinstance(item, str):
                specs.append(parse_spec(item))
            elif isinstance(item, dict):
                address = item.get("address")
                if not isinstance(address, str) or not address.strip():
                    raise ValueError('address: missing; e.g. address = "twitch:#myshop"')
                options = {k: v for k, v in item.items() if k != "address"}
                specs.append(chat_spec(address.strip(), options))
            else:
                raise ValueError(f"must be a chat address or a table, got {item!r}")
        except ValueError as exc:
            raise ValueError(f"{at}{exc}") from None
    sources = [spec.source for spec in specs]
    for spec in specs:
        if sources.count(spec.source) > 1 and spec.kind == "webhook":
            raise ValueError(f"webhook:{spec.source}: given twice")
    return tuple(specs)


def webhook_secrets(specs: Sequence[ChatSpec], environ: Mapping[str, str]) -> dict[str, str]:
    """Each webhook source's shared secret, read from its variable; ValueError if unset."""
    from stream.web.webhook import MIN_SECRET  # the web server's: only a show with chats

    secrets: dict[str, str] = {}
    for spec in specs:
        if spec.kind != "webhook":
            continue
        name = spec.options["secret_env"]
        secret = environ.get(name, "")
        if not secret:
            raise ValueError(f"{spec.address}: secret_env: ${name} is not set or empty")
        if len(secret) < MIN_SECRET:
            raise ValueError(f"{spec.address}: secret_env: ${name} holds {len(secret)} "
                             f"characters, use at least {MIN_SECRET} (openssl rand -hex 32)")
        secrets[spec.source] = secret
    return secrets
