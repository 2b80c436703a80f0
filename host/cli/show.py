"""The stages wired into one show: catalog, writer, voice, avatar, compositor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from host.avatar.pack import load_pack
from host.avatar.presenter import Presenter
from host.catalog import CatalogLoad, load_catalog
from host.cli import options
from host.cli.writer_setup import ShowWriter, WriterOptions
from host.compose.compositor import Compositor
from host.compose.layout import layout_for
from host.errors import ConfigError
from host.script.guard import PriceGuard
from host.script.running_order import running_order
from host.script.steering import Steering
from host.script.template_writer import TemplateWriter
from host.segment.build import SegmentBuilder
from host.segment.segment import Segment
from host.voice.profile import find_profile, voice_from_profile
from stream.encoder import AUDIO_RATE, VideoSettings
from stream.file_render import RenderReport, render_to_file
from stream.picture import FrameState, Picture


@dataclass(frozen=True)
class ShowOptions:
    catalog: Path
    lang: str | None = None
    voice: str | None = None
    avatar: str = "default"
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
        self.writer = writer
        self.picture = picture
        self.lang = lang
        self.opening = opening
        self.clock = clock  # the wall clock sales are judged by
        self.seed = seed

    @classmethod
    def open(cls, opts: ShowOptions) -> Show:
        loaded = load_catalog(opts.catalog, default_currency=opts.currency)
        lang = options.language(opts.lang, loaded.products)
        on_air = [p for p in loaded.products if p.orderable]
        if not on_air:
            raise ConfigError(f"{opts.catalog}: no product can be ordered, nothing to pitch")
        fixed = opts.at

        def clock() -> datetime:
            return fixed if fixed is not None else datetime.now(UTC)

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
        pack = load_pack(opts.avatar)
        presenter = Presenter(pack, height=layout.presenter_box.h, seed=opts.seed)
        voice = voice_from_profile(profile)
        guard = PriceGuard(now=clock, audit=opts.writer.audit_log)
        builder = SegmentBuilder(voice, lang, sample_rate=AUDIO_RATE, clock=clock, guard=guard)
        templates = TemplateWriter(seed=opts.seed, clock=clock)
        writer = ShowWriter(opts.writer, templates, guard, clock)
        picture = Picture(Compositor(layout, presenter), presenter, builder.overlay(on_air[0]))
        return cls(
            loaded, settings, builder, writer, picture, lang, opening=opts.opening, clock=clock,
            seed=opts.seed,
        )

    def segments(
        self, air_clock: Callable[[], float] | None = None, steering: Steering | None = None
    ) -> Iterator[Segment]:
        """The show's segments in running order, endless; failed lines are skipped.

        `air_clock` gives seconds of air so far, so the greeting and the AI disclosure
        come back on time; without it the rotation estimates air time from the text.
        """
        order = running_order(
            self.writer.script,
            list(self.loaded.products),
            self.lang,
            opening=self.opening,
            clock=air_clock,
            seed=self.seed,
            now=self.clock,
            steering=steering,
        )
        return self.builder.segments(order)

    def stats(self) -> dict[str, Any]:
        """Who writes, what the model wrote, and how many lines the guard kept off air."""
        return {**self.writer.stats(), "guard_refused": self.builder.refused}

    def close(self) -> None:
        """Stops the model writer's thread, if there is one; safe to call twice."""
        self.writer.close()

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
