"""Programmes read from flags or keys, each value checked in one place.

`hostcast render|stream` read a programme from their flags, and the daemon from a
channel's keys and each of its slots; both go through `ProgrammeReader`, so a problem
names the flag (`--voice: ...`) or the key (`hostcast.toml: channel[shop].slot[night].voice:
...`) with the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from host.avatar.pack import MANIFEST, load_pack, photo_of
from host.catalog import CatalogLoad, load_catalog
from host.catalog.fetch.feed_mirror import FeedMirrors
from host.catalog.fetch.photo_store import is_remote
from host.errors import AvatarError, CatalogError, ConfigError, FetchError
from host.paths import avatars_dir, shown
from host.voice.profile import VoiceProfile, find_profile
from hostcast.programme import NEURAL, PHOTO, PHOTO_EXTRA, PROGRAMME_KEYS, Programme
from hostcast.show_settings import show_language
from hostcast.writer_choice import WriterChoice, parse_writer


def voice_profile(name: str, lang: str) -> VoiceProfile:
    """The profile `name` names, if it speaks `lang`; ConfigError or ValueError says why not."""
    profile = find_profile(name)
    problem = _language_problem(profile, lang)
    if problem:
        raise ValueError(problem)
    return profile


def _language_problem(profile: VoiceProfile, lang: str) -> str | None:
    if profile.language == lang:
        return None
    return f"profile {profile.name!r} speaks {profile.language!r}, the script is in {lang!r}"


class ProgrammeReader:
    """Checks programmes, collecting every problem instead of stopping at the first.

    `report(key, problem)` hears each problem with the flag or key it is about; `place`
    turns a path as the user wrote it into the path it means (relative to the working
    folder for flags, to the config file's folder for keys). Each catalog, voice profile
    and avatar pack is read once, however many programmes name it; `catalogs` keeps what
    was loaded (None for a catalog that failed). A catalog given as a URL is fetched
    through `feeds` into a local copy, which stands for it from then on.
    """

    def __init__(
        self,
        report: Callable[[str, str], None],
        place: Callable[[str], Path] = lambda text: Path(text).expanduser(),
        feeds: FeedMirrors | None = None,
    ) -> None:
        self.report = report
        self.place = place
        self.feeds = feeds
        self.feed_urls: dict[str, str | None] = {}  # each catalog URL, with its currency
        self.catalogs: dict[Path, CatalogLoad | None] = {}
        self.named_at: dict[Path, str] = {}  # the flag or key that first named each catalog
        self._currency: dict[Path, str | None] = {}  # each catalog's currency for bare prices
        self._profiles: dict[str, VoiceProfile | None] = {}
        self._packs: dict[str, bool] = {}
        self._photos: dict[Path, bool] = {}

    def read(
        self,
        values: Mapping[str, object],
        key_of: Callable[[str], str],
        *,
        orderable_needed: bool,
        currency: str | None = None,
        fallback_voices: tuple[str, ...] = (),
    ) -> Programme | None:
        """The programme `values` (keys of PROGRAMME_KEYS; absent: the default) describe.

        `key_of(name)` is how a problem names the value: its flag or its key path. With
        `orderable_needed`, a catalog with nothing to order is a problem (a slot's catalog
        may be sold out now and restocked before it airs). `currency` is that of the
        catalog's prices written without one; each of `fallback_voices` (the show's
        `fallback_voice` setting) must speak the programme's language too.
        """
        texts: dict[str, str] = {}
        bad = False
        for key in PROGRAMME_KEYS:
            value = values.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                self.report(key_of(key), f"must be a non-empty string, got {value!r}")
                bad = True
                continue
            texts[key] = value.strip()
        if "catalog" not in texts:
            if not bad:
                self.report(key_of("catalog"), "missing: the catalog file to pitch from")
            return None
        catalog = self._catalog_file(texts["catalog"], key_of("catalog"), currency)
        if catalog is None:
            return None
        loaded = self.catalog(
            catalog, key_of("catalog"), orderable_needed=orderable_needed, currency=currency
        )
        lang = self._lang(texts.get("lang"), key_of("lang"), loaded)
        writer = self._writer(texts, key_of)
        voice = self._voice(texts.get("voice"), key_of("voice"), lang)
        behind = [self._voice(name, key_of("fallback_voice"), lang) for name in fallback_voices]
        bad = bad or None in behind
        avatar = self._avatar(texts.get("avatar", "default"), key_of("avatar"))
        if bad or loaded is None or lang is None or voice is None or avatar is None \
                or writer is None:
            return None
        return Programme(catalog, lang, voice, avatar, writer)

    def _catalog_file(self, text: str, key: str, currency: str | None) -> Path | None:
        """The file of the catalog `text` names: a path, or a URL's local copy."""
        if not is_remote(text):
            return self.place(text)
        if self.feeds is None:
            self.report(key, f"{text}: a catalog URL is not fetched here; give a file")
            return None
        try:
            path = self.feeds.place(text, currency)
        except (CatalogError, FetchError) as exc:
            self.report(key, str(exc))
            return None
        self.feed_urls.setdefault(text, currency)
        return path

    def catalog(
        self, path: Path, key: str, *, orderable_needed: bool, currency: str | None = None
    ) -> CatalogLoad | None:
        if path not in self.catalogs:
            try:
                mirror = self.feeds.for_file(path) if self.feeds is not None else None
                loaded: CatalogLoad | None = (
                    mirror.load() if mirror is not None
                    else load_catalog(path, default_currency=currency)
                )
            except CatalogError as exc:
                self.report(key, str(exc))
                loaded = None
            self.catalogs[path] = loaded
            self.named_at[path] = key
            self._currency[path] = currency
        elif self._currency[path] != currency:
            self.report(key, f"{shown(path)} is read with currency {self._currency[path]} "
                        f"elsewhere, here with {currency}: one catalog, one currency")
            return None
        loaded = self.catalogs[path]
        if orderable_needed and loaded and not any(p.orderable for p in loaded.products):
            self.report(key, f"{shown(path)}: no product can be ordered, nothing to pitch")
        return loaded

    def _lang(self, text: str | None, key: str, loaded: CatalogLoad | None) -> str | None:
        try:
            return show_language(text, loaded.products if loaded else ())
        except ValueError as exc:
            self.report(key, str(exc))
            return None

    def _voice(self, text: str | None, key: str, lang: str | None) -> str | None:
        if lang is None:
            return None
        name = text or lang
        if name.endswith(".toml") or "/" in name or "\\" in name:
            name = str(self.place(name))
        if name not in self._profiles:
            try:
                self._profiles[name] = find_profile(name)
            except ConfigError as exc:
                self.report(key, str(exc))
                self._profiles[name] = None
        profile = self._profiles[name]
        if profile is None:
            return None
        problem = _language_problem(profile, lang)
        if problem:
            self.report(key, problem)
            return None
        return name

    def _avatar(self, text: str, key: str) -> str | None:
        for prefix, what, found in ((NEURAL, "neural avatar folder", Path.is_dir),
                                    (PHOTO, "photo", Path.exists)):
            if text.startswith(prefix):
                path = self.place(text.removeprefix(prefix))
                if not found(path):
                    self.report(key, f"{what} not found: {shown(path)}")
                    return None
                if prefix == PHOTO and not self._presents(path, key):
                    return None
                return prefix + str(path)
        # A bare word is a bundled pack's name, unless a folder of that name is there.
        bare = "/" not in text and "\\" not in text
        by_name = bare and ((avatars_dir() / text / MANIFEST).is_file()
                            or not self.place(text).exists())
        name = text if by_name else str(self.place(text))
        if name not in self._packs:
            try:
                photo = photo_of(name)
                if photo is None:
                    load_pack(name)
                self._packs[name] = photo is None or self._presents(photo, key)
            except AvatarError as exc:
                self.report(key, str(exc))
                self._packs[name] = False
        return name if self._packs[name] else None

    def _presents(self, photo: Path, key: str) -> bool:
        """Whether `photo` can present (one face, large enough, facing the camera), as the
        channel would find at its start; the mesh fitted here is cached beside it."""
        if photo not in self._photos:
            try:
                from host.avatar.photo.rig import load_rig  # the photo extra

                load_rig(photo)
                self._photos[photo] = True
            except (AvatarError, ImportError) as exc:
                problem = str(exc) if isinstance(exc, AvatarError) else (
                    f"{shown(photo)}: {PHOTO_EXTRA} ({exc})")
                self.report(key, problem)
                self._photos[photo] = False
        return self._photos[photo]

    def _writer(
        self, texts: Mapping[str, str], key_of: Callable[[str], str]
    ) -> WriterChoice | None:
        spec = texts.get("writer", "template")
        kind, sep, target = spec.partition(":")
        if kind == "transformers" and target:
            spec = f"{kind}{sep}{self.place(target)}"
        model_key = key_of("model")
        try:
            return parse_writer(
                spec, model=texts.get("model", ""), style=texts.get("style", "energetic"),
                model_key=f"{model_key} NAME" if model_key.startswith("--") else
                f"{model_key} = NAME",
            )
        except ValueError as exc:
            what = "style" if str(exc).startswith("unknown style") else "writer"
            self.report(key_of(what), str(exc))
            return None
