"""The stages wired into one show: catalog, writer, voice, avatar, compositor."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from host.catalog import CatalogLoad, load_catalog
from host.catalog.fetch.photo_store import PhotoStore
from host.catalog.model import Product
from host.compose.compositor import Compositor
from host.compose.layout import layout_for
from host.compose.picture import FrameState, Picture
from host.errors import ConfigError
from host.script.guard import PriceGuard
from host.script.product_rotation import RotationState
from host.script.running_order import running_order
from host.script.steering import Steering
from host.script.template_writer import TemplateWriter
from host.segment.build import SegmentBuilder
from host.segment.segment import Segment
from host.sound.music_bed import MusicBed
from host.voice.chain import VoiceChain
from host.voice.loading import LoadingVoice
from host.voice.profile import VoiceProfile, voice_from_profile
from hostcast.cli.writer_setup import ShowWriter, WriterOptions, writer_from
from hostcast.environment import Environment
from hostcast.fetching import photo_store
from hostcast.presenter_choice import presenter_for
from hostcast.programme import Programme
from hostcast.programme_reader import voice_profile
from hostcast.show_settings import ShowSettings, show_language
from stream.encoder import AUDIO_RATE, VideoSettings
from stream.file_render import RenderReport, render_to_file

PREFETCH = 64  # product photos asked for as the show opens; the rest as their cards come
OFFLINE_PHOTO_WAIT = 60.0  # seconds a file render waits for them

# The bundled espeak voice of a language whose default profile is a neural one.
ESPEAK_DEFAULTS = {"en": "en-espeak"}


@dataclass(frozen=True)
class ShowOptions:
    """Everything a show is opened with: its programme and its settings, checked values.

    The CLI's flags and a daemon channel's keys both become one of these through
    `ShowOptions.of`; tests and benchmarks may build one directly.
    """

    catalog: Path
    lang: str | None = None
    voice: str | None = None
    avatar: str = "default"  # a pack name or path, photo:FILE or neural:FOLDER
    fallback_voice: tuple[str, ...] | None = None  # None: espeak behind a neural voice
    offline: bool = False  # a file render: a neural head is waited for, never judged late
    size: tuple[int, int] = (720, 1280)
    fps: int = 30
    seed: int = 0
    at: datetime | None = None  # a fixed moment for sales; None: the real clock
    currency: str | None = None
    preset: str = "veryfast"
    threads: int = 0  # x264 threads; 0: x264 chooses
    opening: bool = True  # greet and disclose before the first pitch
    music: Path | None = None  # an audio file looped under the programme, ducked under speech
    writer: WriterOptions = field(default_factory=WriterOptions)
    cache: Path | None = None  # fetched photos go under cache/photos; None: photos from files

    @classmethod
    def of(
        cls,
        programme: Programme,
        settings: ShowSettings,
        env: Environment | None = None,
        **extra: Any,
    ) -> ShowOptions:
        """The options of `programme` aired with `settings`; `extra` sets the rest (offline,
        at, opening, threads, cache). ValueError if the model's API key is not in `env`."""
        return cls(
            catalog=programme.catalog,
            lang=programme.lang,
            voice=programme.voice,
            avatar=programme.avatar,
            fallback_voice=settings.fallback_voice,
            size=settings.size,
            fps=settings.fps,
            seed=settings.seed,
            currency=settings.currency,
            preset=settings.preset,
            music=settings.music,
            writer=writer_from(programme.writer, settings, env),
            **extra,
        )


class Show:
    """Everything one stream needs, checked up front so errors come before air."""

    def __init__(
        self,
        loaded: CatalogLoad,
        settings: VideoSettings,
        builder: SegmentBuilder,
        writer: ShowWriter,
        picture: Picture,
        lang: str,
        *,
        opening: bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        seed: int = 0,
        bed: MusicBed | None = None,
        photos: PhotoStore | None = None,
    ) -> None:
        self.loaded = loaded
        self.settings = settings
        self.builder = builder
        # The one guard every line of the show passes: written, typed, or an answer.
        self.guard = builder.guard or PriceGuard(now=clock)
        self.writer = writer
        self.picture = picture
        self.lang = lang
        self.opening = opening
        self.clock = clock  # the wall clock sales are judged by
        self.seed = seed
        self.bed = bed  # music under the programme, if any
        self.photos = photos  # product photos from URLs, fetched ahead of their cards

    @classmethod
    def open(
        cls,
        opts: ShowOptions,
        *,
        loaded: CatalogLoad | None = None,
        picture: Picture | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> Show:
        """The show `opts` describe, every part checked before air.

        A channel with several programmes passes the catalog it `loaded` already, the
        `picture` all its programmes share (its own avatar is then not loaded, and a sold-out
        catalog is allowed: stock may come back before the programme airs), and the
        `clock` that judges sales at the moment its lines will air.
        """
        if loaded is None:
            loaded = load_catalog(opts.catalog, default_currency=opts.currency)
        try:
            lang = show_language(opts.lang, loaded.products)
        except ValueError as exc:
            raise ConfigError(f"lang: {exc}") from None
        on_air = [p for p in loaded.products if p.orderable]
        if not on_air and picture is None:
            raise ConfigError(f"{opts.catalog}: no product can be ordered, nothing to pitch")
        fixed = opts.at

        def fixed_or_now() -> datetime:
            return fixed if fixed is not None else datetime.now(UTC)

        clock = clock or fixed_or_now
        try:
            profile = voice_profile(opts.voice or lang, lang)
        except ValueError as exc:
            raise ConfigError(f"voice: {exc}") from None
        try:
            settings = VideoSettings(
                width=opts.size[0],
                height=opts.size[1],
                fps=opts.fps,
                preset=opts.preset,
                threads=opts.threads,
            )
            layout = layout_for(*opts.size)
        except ValueError as exc:
            raise ConfigError(f"size/fps: {exc}") from None
        chain = [voice_from_profile(p)
                 for p in (profile, *_fallbacks(opts.fallback_voice, profile, lang))]
        if opts.offline:  # a file render has no air to keep: it waits for its voice
            for voice in chain:
                if isinstance(voice, LoadingVoice):
                    voice.join()
        voices = VoiceChain(chain)
        bed = None
        if opts.music is not None:
            try:
                bed = MusicBed.load(opts.music, AUDIO_RATE)
            except ConfigError as exc:
                raise ConfigError(f"music: {exc}") from None
        guard = PriceGuard(now=clock, audit=opts.writer.audit_log)
        photos = _photos(opts, on_air)
        builder = SegmentBuilder(
            voices, lang, sample_rate=AUDIO_RATE, clock=clock, guard=guard, photos=photos
        )
        templates = TemplateWriter(seed=opts.seed, clock=clock, langs=(lang,))
        writer = ShowWriter(opts.writer, templates, guard, clock)
        if picture is None:
            avatar, heads = presenter_for(opts.avatar, layout, opts.fps, seed=opts.seed,
                                          offline=opts.offline)
            picture = Picture(
                Compositor(layout, avatar), avatar,
                builder.overlay(on_air[0]), heads=heads,
            )
        return cls(
            loaded, settings, builder, writer, picture, lang, opening=opts.opening, clock=clock,
            seed=opts.seed, bed=bed, photos=photos,
        )

    def segments(
        self,
        air_clock: Callable[[], float] | None = None,
        steering: Steering | None = None,
        *,
        state: RotationState | None = None,
        products: Callable[[], Sequence[Product]] | None = None,
    ) -> Iterator[Segment]:
        """The show's segments in running order, endless; failed lines are skipped.

        `air_clock` gives seconds of air so far, so the greeting and the AI disclosure
        come back on time; without it the rotation estimates air time from the text.
        `state` resumes a saved rotation (and is kept up to date); `products` gives the
        products to pick from as they are at each pick (default: the show's catalog).
        """
        order = running_order(
            self.writer.script,
            products if products is not None else list(self.loaded.products),
            self.lang,
            opening=self.opening,
            clock=air_clock,
            seed=self.seed,
            now=self.clock,
            state=state,
            steering=steering,
        )
        # The picture's head, if it has one, starts rendering each segment as it is made.
        return self.picture.prepare(self.builder.segments(order))

    def stats(self) -> dict[str, Any]:
        """Who writes, what the model wrote, and how many lines the guard kept off air."""
        return {
            **self.writer.stats(),
            "guard_refused": self.guard.refused_total,  # template, model, typed, answer
            "guard": self.guard.counts(),
        }

    def health(self) -> dict[str, Any]:
        """Which voice and presenter are on air, whether either fell back and why, and how
        the product photos from URLs were fetched."""
        health = {"voice": self.builder.voice_status(), "presenter": self.picture.head_status()}
        if self.photos is not None:
            health["photos"] = self.photos.stats()
        return health

    def close(self, *, picture: bool = True) -> None:
        """Stops the model writer's thread, and the picture's head unless `picture` is false
        (a channel's programmes share one picture: the channel closes it); safe twice."""
        self.writer.close()
        if picture:
            self.picture.close()

    def render(
        self,
        out: Path,
        duration: float,
        *,
        progress: Callable[[float], None] | None = None,
        on_frame: Callable[[FrameState], None] | None = None,
    ) -> RenderReport:
        return render_to_file(
            self.segments(),
            out,
            self.settings,
            self.picture,
            duration,
            progress=progress,
            on_frame=on_frame,
            bed=self.bed,
        )


def _photos(opts: ShowOptions, on_air: Sequence[Product]) -> PhotoStore | None:
    """The store of fetched photos, with the first products' photos asked for now; a file
    render waits for them (each fetch has its own limits), a stream does not."""
    if opts.cache is None:
        return None
    photos = photo_store(opts.cache)
    photos.want(p.image_link for p in on_air[:PREFETCH])
    if opts.offline:
        photos.wait(OFFLINE_PHOTO_WAIT)
    return photos


def _fallbacks(
    names: tuple[str, ...] | None, profile: VoiceProfile, lang: str
) -> list[VoiceProfile]:
    """The profiles behind `profile`, in order: those `names` lists, or by default, behind
    a neural voice, the language's bundled espeak voice (an espeak voice needs none)."""
    if names is None:
        names = () if profile.engine == "espeak" else (ESPEAK_DEFAULTS.get(lang, lang),)
    try:
        return [voice_profile(name, lang) for name in names]
    except ValueError as exc:
        raise ConfigError(f"fallback_voice: {exc}") from None
