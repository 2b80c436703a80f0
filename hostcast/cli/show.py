"""The stages wired into one show: catalog, writer, voice, avatar, compositor."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from host.avatar.pack import load_pack
from host.avatar.presenter import Presenter
from host.catalog import CatalogLoad, load_catalog
from host.catalog.model import Product
from host.compose.compositor import Compositor
from host.compose.layout import layout_for
from host.compose.picture import FrameState, HeadSource, Picture
from host.errors import ConfigError
from host.script.guard import PriceGuard
from host.script.product_rotation import RotationState
from host.script.running_order import running_order
from host.script.steering import Steering
from host.script.template_writer import TemplateWriter
from host.segment.build import SegmentBuilder
from host.segment.segment import Segment
from host.voice.profile import VoiceProfile, find_profile, voice_from_profile
from host.voice.speech import Voice
from hostcast.cli import options
from hostcast.cli.writer_setup import ShowWriter, WriterOptions
from stream.encoder import AUDIO_RATE, VideoSettings
from stream.file_render import RenderReport, render_to_file

NEURAL = "neural:"  # --avatar neural:FOLDER: a photo whose mouth a lip-sync network redraws


@dataclass(frozen=True)
class ShowOptions:
    catalog: Path
    lang: str | None = None
    voice: str | None = None
    avatar: str = "default"  # a pack name or path, or neural:FOLDER
    fallback_voice: str | None = None  # None: the language's espeak voice behind a coqui one
    offline: bool = False  # a file render: a neural head is waited for, never judged late
    size: tuple[int, int] = (720, 1280)
    fps: int = 30
    seed: int = 0
    at: datetime | None = None  # a fixed moment for sales; None: the real clock
    currency: str | None = None
    preset: str = "veryfast"
    threads: int = 0  # x264 threads; 0: x264 chooses
    opening: bool = True  # greet and disclose before the first pitch
    writer: WriterOptions = field(default_factory=WriterOptions)


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
        lang = options.language(opts.lang, loaded.products)
        on_air = [p for p in loaded.products if p.orderable]
        if not on_air and picture is None:
            raise ConfigError(f"{opts.catalog}: no product can be ordered, nothing to pitch")
        fixed = opts.at

        def fixed_or_now() -> datetime:
            return fixed if fixed is not None else datetime.now(UTC)

        clock = clock or fixed_or_now
        profile = find_profile(opts.voice or lang)
        if profile.language != lang:
            raise ConfigError(
                f"--voice: profile {profile.name!r} speaks {profile.language!r}, "
                f"the script is in {lang!r}"
            )
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
            raise ConfigError(f"--size/--fps: {exc}") from None
        voice = voice_from_profile(profile)
        fallback = _fallback_voice(opts.fallback_voice, profile, lang)
        guard = PriceGuard(now=clock, audit=opts.writer.audit_log)
        builder = SegmentBuilder(
            voice, lang, sample_rate=AUDIO_RATE, clock=clock, guard=guard, fallback_voice=fallback
        )
        templates = TemplateWriter(seed=opts.seed, clock=clock)
        writer = ShowWriter(opts.writer, templates, guard, clock)
        if picture is None:
            neural = opts.avatar.startswith(NEURAL)
            # Behind a neural head, the default pack presents whatever the head cannot.
            pack = load_pack("default" if neural else opts.avatar)
            presenter = Presenter(pack, height=layout.presenter_box.h, seed=opts.seed)
            head: HeadSource | None = None
            if neural:
                from host.avatar.neural.head_source import open_neural_head  # the neural extra

                head = open_neural_head(
                    opts.avatar.removeprefix(NEURAL), layout.presenter_box.size, opts.fps,
                    offline=opts.offline,
                )
            picture = Picture(
                Compositor(layout, presenter), presenter, builder.overlay(on_air[0]), head=head
            )
        return cls(
            loaded, settings, builder, writer, picture, lang, opening=opts.opening, clock=clock,
            seed=opts.seed,
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
        """Which voice and presenter are on air, and whether either fell back, and why."""
        return {"voice": self.builder.voice_status(), "presenter": self.picture.head_status()}

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
        )


def _fallback_voice(name: str | None, profile: VoiceProfile, lang: str) -> Voice | None:
    """The voice that speaks when --voice fails or lags: by default, behind a coqui voice,
    the language's bundled espeak voice; "none" for no fallback."""
    if name == "none" or (name is None and profile.engine == "espeak"):
        return None
    fallback = find_profile(name or lang)
    if fallback.language != lang:
        raise ConfigError(
            f"--fallback-voice: profile {fallback.name!r} speaks {fallback.language!r}, "
            f"the script is in {lang!r}"
        )
    return voice_from_profile(fallback)
