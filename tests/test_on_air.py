"""The on-air wiring `hostcast stream` and each daemon channel share: outputs, figures, close."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO
from rtmp_fixtures import decode

from host.segment.segment import Segment
from hostcast.cli.on_air import FrameLateness, OnAir
from hostcast.cli.show import Show, ShowOptions
from hostcast.schedule.config import Outputs

AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def small_show() -> Show:
    return Show.open(
        ShowOptions(catalog=REPO / "demo" / "catalog.en.json", lang="en", size=(180, 320), at=AT)
    )


def test_a_timed_air_records_every_frame_and_reports_its_figures(tmp_path: Path) -> None:
    show = small_show()
    aired: list[tuple[Segment, float]] = []
    on_air = OnAir(
        show, Outputs(record=tmp_path / "rec"), lookahead=10,
        on_segment=lambda segment, at: aired.append((segment, at)),
    )
    try:
        on_air.start(duration=4.0)
        on_air.run()
    finally:
        on_air.close()
        show.close()
    figures = on_air.figures()
    assert figures.frames == 120  # every frame index airs; one drawn late repeats the last
    assert figures.air_seconds == pytest.approx(4.0) and figures.frames >= 110
    assert figures.segments == len(aired) >= 1 and aired[0][0].kind == "greeting"
    assert [h.state for h in figures.sinks] == ["stopped"]
    files = list((tmp_path / "rec").glob("*.mp4"))
    assert len(files) == 1 and len(decode(files[0]).video_times) == figures.frames
    on_air.close()  # twice is harmless


def test_a_preview_that_cannot_bind_is_an_os_error_and_nothing_stays_on(tmp_path: Path) -> None:
    show = small_show()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        on_air = OnAir(show, Outputs(record=tmp_path / "rec", preview=("127.0.0.1", port)))
        try:
            with pytest.raises(OSError):
                on_air.start()
            assert not on_air.airing and on_air.stop.is_set()
        finally:
            on_air.close()
            show.close()
    assert not list((tmp_path / "rec").glob("*.part"))


def test_late_frames_count_only_frames_later_than_a_frame_period() -> None:
    lateness = FrameLateness(fps=25)
    for seconds in (0.0, 0.01, 0.039, 0.041, 0.5):
        lateness.add(seconds)
    assert lateness.late == 2 and lateness.count == 5
