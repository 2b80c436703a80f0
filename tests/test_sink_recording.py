"""Recording: rolled MP4 files that each play on their own, and failures that stay inside."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rtmp_fixtures import FPS, Air, decode

from stream.mp4_file import Mp4File
from stream.packets import Packet
from stream.sinks import Recording
from stream.sinks.backoff import Backoff

NAME = re.compile(r"hostcast-\d{8}-\d{6}(-\d+)?\.mp4")


def test_rolls_into_files_that_each_play_from_a_keyframe(tmp_path: Path) -> None:
    recording = Recording(tmp_path / "rec", roll_minutes=0.1)
    air = Air([recording], realtime=False)
    air.start()
    air.run(20.0)
    air.finish()

    assert recording.health().state == "stopped"
    assert recording.health().dropped_bytes == 0
    files = recording.files
    assert [f.name for f in sorted((tmp_path / "rec").iterdir())] == sorted(f.name for f in files)
    assert all(NAME.fullmatch(f.name) for f in files)
    decoded = [decode(f) for f in files]
    # Keyframes every 2 s: 6 s files, then the 2 s left.
    assert [len(d.video_times) for d in decoded] == [180, 180, 180, 60]
    assert sum(len(d.video_times) for d in decoded) == air.frames
    for seen in decoded:
        assert seen.first_is_keyframe
        assert seen.video_times[0] == 0.0
        assert seen.video_gap <= 1 / FPS + 1e-6
        assert seen.audio_gap < 1e-6
        # Audio runs to the end of the file's pictures: nothing lost at the seams.
        assert seen.audio_spans[-1][1] >= seen.video_times[-1] + 1 / FPS - 0.025
        assert all(abs(offset) < 0.040 for offset in seen.av_offsets())
    assert sum(len(d.flashes) for d in decoded) == 19


def test_an_unwritable_folder_fails_without_raising(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where the folder should be")
    recording = Recording(tmp_path / "blocker" / "rec", roll_minutes=0.1)
    air = Air([recording], realtime=False)
    air.start()
    air.run(3.0)
    health = recording.health()
    air.finish()

    assert health.state == "failed"
    assert "blocker" in health.last_error
    assert health.dropped_bytes > 0 and health.sent_bytes == 0
    assert recording.files == []
    assert recording.health().state == "stopped"


def test_a_full_disk_fails_then_recovers_on_a_keyframe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = Mp4File.write
    full = {"now": False}

    def write_or_fail(self: Mp4File, packet: Packet) -> None:
        if full["now"]:
            raise OSError(28, "No space left on device")
        write(self, packet)

    monkeypatch.setattr(Mp4File, "write", write_or_fail)
    recording = Recording(tmp_path / "rec", retry=Backoff(0.2, 1.0, jitter=0))
    air = Air([recording], realtime=False)
    air.start()
    air.run(3.0)
    full["now"] = True
    air.run(0.5)
    health: Any = None
    for _ in range(200):  # the worker catches up with the fast feed
        health = recording.health()
        if health.state == "failed":
            break
        air.run(0.1)
    assert health.state == "failed" and "No space left" in health.last_error
    full["now"] = False
    air.realtime = True  # the retry waits 0.2 s of wall time, then the next keyframe
    air.run(3.0)
    recovered = recording.health()
    air.finish()

    assert recovered.state == "connected" and recovered.reconnects == 1
    cut, resumed = (decode(f) for f in recording.files)  # the cut one got its index
    assert cut.video_times and cut.video_gap <= 1 / FPS + 1e-6
    assert resumed.first_is_keyframe and resumed.video_gap <= 1 / FPS + 1e-6
    assert len(cut.video_times) + len(resumed.video_times) < air.frames


def test_send_before_start_and_after_close_is_counted_not_raised(tmp_path: Path) -> None:
    recording = Recording(tmp_path / "rec")
    packet = Packet("video", b"x" * 100, 0, 0, 1, True)
    recording.send(packet)
    assert recording.health().dropped_bytes == 100
    recording.close()
    recording.send(packet)
    assert recording.health().dropped_bytes == 200
    assert recording.health().state == "stopped"


def test_roll_minutes_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="roll every 0 minutes"):
        Recording(tmp_path, roll_minutes=0)
