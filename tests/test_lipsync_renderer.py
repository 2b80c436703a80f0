"""The neural lip-sync renderer: frame counts, a blend that touches only the mouth, checkpoints."""

from __future__ import annotations

import importlib
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from conftest import import_or_skip
from PIL import Image

from host.errors import AvatarError, HostcastError
from host.voice.speech import Speech

torch = import_or_skip("torch", "pip install 'hostcast[neural]'")

from host.avatar.neural.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from host.avatar.neural.lipsync_net import TINY, LipSyncConfig, LipSyncNet  # noqa: E402
from host.avatar.neural.lipsync_renderer import (  # noqa: E402
    LipSyncRenderer,
    Reference,
    RenderAhead,
    load_reference,
)
from host.avatar.neural.mel import (  # noqa: E402
    MELS,
    STEPS,
    frame_windows,
    mel_spectrogram,
    speech_mel,
)

Frame = npt.NDArray[np.uint8]
FPS = 30
FACE = (30, 24, 64, 80)  # x, y, w, h in the photo
MOUTH = (44, 70, 36, 26)  # inside the face's lower half: rows 64..104
SIZE = (120, 160)  # width, height of the photo


def photo(seed: int = 0, channels: int = 3) -> Frame:
    """Noise, so that any pixel a blend touches shows."""
    return np.random.default_rng(seed).integers(0, 256, (SIZE[1], SIZE[0], channels), np.uint8)


def speech(seconds: float, rate: int = 16_000, seed: int = 0) -> Speech:
    """Bursts of noise, loud and quiet in turn, so that mel windows differ frame to frame."""
    n = round(seconds * rate)
    t = np.arange(n) / rate
    envelope = np.abs(np.sin(2 * np.pi * 2.5 * t))
    noise = np.random.default_rng(seed).normal(0, 8000, n)
    return Speech(np.clip(noise * envelope, -32768, 32767).astype(np.int16), rate, ())


def tiny_net(reference: Reference, seed: int = 0) -> LipSyncNet:
    """A random tiny net whose batch norms are fitted to this reference and some speech.

    Random weights with untouched batch norms draw nearly the same mouth for any sound;
    fitting the norms' statistics to real inputs makes the output follow the audio, so
    tests can tell one frame's mel window from another's.
    """
    torch.manual_seed(seed)
    net = LipSyncNet(TINY)
    faces = LipSyncRenderer(net, reference, FPS, device="cpu")._faces
    mels = torch.from_numpy(frame_windows(speech_mel(speech(1.0, seed=seed)), FPS, 0, 30))
    for module in net.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.momentum = None  # a plain average over the one fitting pass
    net.train()
    with torch.no_grad():
        net(faces.expand(30, -1, -1, -1), mels.unsqueeze(1))
    return net.eval()


@pytest.fixture(autouse=True)
def one_torch_thread() -> Iterator[None]:
    """One torch thread: these nets are tiny, and spinning threads on a busy machine are slow."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def reference() -> Reference:
    return Reference.of(photo(), FACE, MOUTH)


@pytest.fixture
def checkpoint(tmp_path: Path, reference: Reference) -> Path:
    return save_checkpoint(tiny_net(reference), tmp_path / "tiny.pt")


def renderer(checkpoint: Path, reference: Reference, batch_size: int = 8) -> LipSyncRenderer:
    return LipSyncRenderer.from_checkpoint(
        checkpoint, reference, FPS, batch_size=batch_size, device="cpu"
    )


def outside(box: tuple[int, int, int, int]) -> npt.NDArray[np.bool_]:
    x, y, w, h = box
    mask = np.ones((SIZE[1], SIZE[0]), bool)
    mask[y : y + h, x : x + w] = False
    return mask


# Frames


@pytest.mark.parametrize(
    ("seconds", "rate", "count"),
    [(1.0, 16_000, 30), (0.5, 22_050, 15), (1.01, 24_000, 31), (0.02, 48_000, 1), (0.0, 16_000, 0)],
)
def test_one_frame_per_30th_of_a_second_at_the_photo_size(
    checkpoint: Path, reference: Reference, seconds: float, rate: int, count: int
) -> None:
    frames = list(renderer(checkpoint, reference).frames(speech(seconds, rate)))
    assert len(frames) == count
    assert all(f.shape == (SIZE[1], SIZE[0], 4) and f.dtype == np.uint8 for f in frames)


def test_the_blend_changes_pixels_only_inside_the_mouth_box(
    checkpoint: Path, reference: Reference
) -> None:
    source = photo()
    frames = list(renderer(checkpoint, reference).frames(speech(1.0)))
    keep = outside(MOUTH)
    for frame in frames:
        assert np.array_equal(frame[keep][:, :3], source[keep])
        assert (frame[..., 3] == 255).all()  # an RGB photo becomes opaque RGBA
    x, y, w, h = MOUTH
    changed = np.stack(
        [(f[y : y + h, x : x + w, :3] != source[y : y + h, x : x + w]) for f in frames]
    )
    assert changed.any(axis=3).mean() > 0.5  # the network drew most of the mouth
    # Feathered: the box's outermost ring blends in less than its middle does.
    diff = np.abs(
        np.stack(frames)[:, y : y + h, x : x + w, :3].astype(int) - source[y : y + h, x : x + w]
    )
    ring = np.ones((h, w), bool)
    ring[1:-1, 1:-1] = False
    assert (
        diff[:, ring].mean() < diff[:, h // 2 - 4 : h // 2 + 4, w // 2 - 4 : w // 2 + 4].mean() / 3
    )


def test_an_rgba_photo_keeps_its_alpha_and_everything_outside_the_mouth(
    checkpoint: Path,
) -> None:
    source = photo(seed=3, channels=4)
    frames = list(renderer(checkpoint, Reference.of(source, FACE, MOUTH)).frames(speech(0.4)))
    keep = outside(MOUTH)
    for frame in frames:
        assert np.array_equal(frame[keep], source[keep])
        assert np.array_equal(frame[..., 3], source[..., 3])


def test_batch_sizes_1_and_8_draw_the_same_frames(checkpoint: Path, reference: Reference) -> None:
    voice = speech(1.0)
    one = np.stack(list(renderer(checkpoint, reference, batch_size=1).frames(voice)))
    eight = np.stack(list(renderer(checkpoint, reference, batch_size=8).frames(voice)))
    assert one.shape == eight.shape == (30, SIZE[1], SIZE[0], 4)
    assert np.abs(one.astype(int) - eight.astype(int)).max() <= 1  # rounding of float noise
    # Frames follow the audio, so a batch that mixed up mel windows would show above.
    x, y, w, h = MOUTH
    mouths = one[:, y : y + h, x : x + w].astype(int)
    assert max(np.abs(m - mouths[0]).mean() for m in mouths) > 1.0


def test_a_loop_of_frames_cycles_under_the_mouth(checkpoint: Path) -> None:
    loop = [photo(seed=1), photo(seed=2)]
    frames = list(renderer(checkpoint, Reference.of(loop, FACE, MOUTH)).frames(speech(0.3)))
    keep = outside(MOUTH)
    assert len(frames) == 9
    for n, frame in enumerate(frames):
        assert np.array_equal(frame[keep][:, :3], loop[n % 2][keep])
        assert frame.flags.writeable  # a frame of its own, not the reference's


def test_render_ahead_gives_the_same_frames_as_rendering_in_place(
    checkpoint: Path, reference: Reference
) -> None:
    lipsync = renderer(checkpoint, reference, batch_size=4)
    voice = speech(0.5)
    with lipsync.render_ahead(voice, buffer=3) as ahead:
        pulled = [ahead.frame(n, wait=10.0) for n in range(ahead.count)]
    assert all(f is not None for f in pulled)
    assert np.array_equal(np.stack(pulled), np.stack(list(lipsync.frames(voice))))
    assert not ahead.behind and ahead.peak <= 3


# The render-ahead buffer


def counted(total: int, taken: list[int], gate: threading.Event | None = None) -> Iterator[Frame]:
    for n in range(total):
        if gate is not None:
            gate.wait(timeout=10.0)
        taken.append(n)
        yield np.full((2, 2, 4), n % 256, np.uint8)


def settle(taken: list[int]) -> int:
    """How many items the producer took, once it has stopped taking more (bounded wait)."""
    last = -1
    for _ in range(100):
        time.sleep(0.02)
        if len(taken) == last:
            break
        last = len(taken)
    return len(taken)


def test_the_buffer_never_holds_more_than_its_size() -> None:
    taken: list[int] = []
    with RenderAhead(counted(100, taken), count=100, size=4) as ahead:
        # The consumer has pulled nothing: four frames wait, one more waits for room.
        assert settle(taken) == 5
        assert ahead.buffered == 4
        for n in range(100):
            frame = ahead.frame(n, wait=5.0)
            assert frame is not None and frame[0, 0, 0] == n
            assert len(taken) - (n + 1) <= 5
        assert ahead.peak == 4 and ahead.rendered == 100
        assert ahead.buffered == 0
        assert not ahead.behind


def test_a_frame_not_ready_in_time_reports_behind_real_time() -> None:
    taken: list[int] = []
    gate = threading.Event()
    with RenderAhead(counted(10, taken, gate), count=10, size=2) as ahead:
        assert ahead.frame(0, wait=0.05) is None
        assert ahead.behind and ahead.missed == 1
        gate.set()
        frame = ahead.frame(3, wait=5.0)  # frames 0..2 came too late and are dropped
        assert frame is not None and frame[0, 0, 0] == 3
        assert ahead.skipped == 3
        assert ahead.frame(3) is frame  # asked again within the same frame
        with pytest.raises(ValueError, match="in order"):
            ahead.frame(2)


def test_a_failing_renderer_is_reported_not_raised() -> None:
    def broken() -> Iterator[Frame]:
        yield np.zeros((2, 2, 4), np.uint8)
        raise RuntimeError("CUDA out of memory")

    with RenderAhead(broken(), count=5, size=2) as ahead:
        assert ahead.frame(0, wait=5.0) is not None
        assert ahead.frame(1, wait=0.5) is None
        assert ahead.behind
        assert isinstance(ahead.error, RuntimeError)


# Checkpoints


def test_a_checkpoint_loads_back_the_same_network(checkpoint: Path, reference: Reference) -> None:
    net = load_checkpoint(checkpoint)
    assert net.config == TINY
    assert not net.training
    original = tiny_net(reference)
    for key, value in original.state_dict().items():
        assert torch.equal(net.state_dict()[key], value), key


def broken_checkpoint(tmp_path: Path, change: str) -> Path:
    path = tmp_path / "broken.pt"
    if change == "garbage":
        path.write_bytes(b"not a checkpoint at all\n" * 4)
        return path
    if change == "truncated":
        whole = save_checkpoint(LipSyncNet(TINY), tmp_path / "whole.pt").read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
        return path
    net = LipSyncNet(TINY)
    state = dict(net.state_dict())
    data: dict[str, object] = {"config": TINY.to_dict(), "state_dict": state}
    if change == "no state_dict":
        del data["state_dict"]
    elif change == "missing weight":
        del state["face_stem.0.0.weight"]
    elif change == "extra weight":
        state["face_stem.9.weight"] = torch.zeros(3)
    elif change == "wrong shape":
        state["head.1.weight"] = torch.zeros(3, 5, 1, 1)
    elif change == "other config":
        data["config"] = {**TINY.to_dict(), "embedding": 24}
    elif change == "bad config":
        data["config"] = {**TINY.to_dict(), "face_size": 30}
    elif change == "unknown config":
        data["config"] = {**TINY.to_dict(), "colour": "blue"}
    elif change == "code":
        data["config"] = Path("not/plain/data")  # weights_only refuses to build objects
    torch.save(data, path)
    return path


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ("garbage", "not a readable torch checkpoint"),
        ("truncated", "not a readable torch checkpoint"),
        ("code", "not a readable torch checkpoint"),
        ("no state_dict", "missing key 'state_dict'"),
        ("missing weight", "state_dict is missing 'face_stem.0.0.weight'"),
        ("extra weight", "state_dict has 'face_stem.9.weight'"),
        ("wrong shape", "state_dict['head.1.weight'] has shape (3, 5, 1, 1), the config wants"),
        ("other config", "the config wants"),
        ("bad config", "config.face_size: 30 cannot be halved 2 times"),
        ("unknown config", "config: unknown key 'colour'"),
    ],
)
def test_a_broken_checkpoint_names_the_file_and_the_key(
    tmp_path: Path, change: str, names: str
) -> None:
    path = broken_checkpoint(tmp_path, change)
    with pytest.raises(AvatarError) as caught:
        load_checkpoint(path)
    assert str(path.name) in str(caught.value)
    assert names in str(caught.value)


def test_a_missing_checkpoint_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(AvatarError, match=r"nowhere\.pt: no such lip-sync checkpoint file"):
        load_checkpoint(tmp_path / "nowhere.pt")


def test_configs_are_checked_when_made() -> None:
    with pytest.raises(ValueError, match="face_channels"):
        LipSyncConfig(face_channels=(8,))
    lower = LipSyncNet(TINY)(torch.zeros(2, 6, 32, 32), torch.zeros(2, 1, MELS, STEPS))
    assert lower.shape == (2, 3, 16, 32)  # the lower half of a 32x32 face


# References on disk


def test_a_photo_with_its_boxes_beside_it_loads(tmp_path: Path) -> None:
    Image.fromarray(photo()).save(tmp_path / "host.png")
    (tmp_path / "host.toml").write_text("face = [30, 24, 64, 80]\nmouth = [44, 70, 36, 26]\n")
    loaded = load_reference(tmp_path / "host.png")
    assert loaded.size == SIZE and loaded.face == FACE and loaded.mouth == MOUTH
    assert np.array_equal(loaded.frames[0][..., :3], photo())


def test_a_folder_of_frames_loads_as_a_loop(tmp_path: Path) -> None:
    for n in range(3):
        Image.fromarray(photo(seed=n)).save(tmp_path / f"{n:03}.png")
    (tmp_path / "face.toml").write_text("face = [30, 24, 64, 80]\nmouth = [44, 70, 36, 26]\n")
    loaded = load_reference(tmp_path)
    assert len(loaded.frames) == 3
    assert np.array_equal(loaded.frames[2][..., :3], photo(seed=2))


@pytest.mark.parametrize(
    ("toml", "names"),
    [
        (None, "host.toml: not found"),
        ("face = [30, 24, 64, 80]\nmouth = [44, 30, 36, 26]\n", "mouth: [44, 30, 36, 26] reaches"),
        ("face = [30, 24, 64, 200]\nmouth = [44, 70, 36, 26]\n", "face: [30, 24, 64, 200] reaches"),
        ("face = [30, 24, 64]\nmouth = [44, 70, 36, 26]\n", "face: expected [x, y, width, height]"),
        ("face = [30, 24, 64, 80]\nmouth = [44, 70, 36, 26]\nfeather = 2.5\n", "feather"),
        ("face = [30, 24, 64, 80]\nmouth = [44, 70, 36, 26]\nnose = 1\n", "unknown key 'nose'"),
    ],
)
def test_a_bad_reference_names_the_file_and_the_field(
    tmp_path: Path, toml: str | None, names: str
) -> None:
    Image.fromarray(photo()).save(tmp_path / "host.png")
    if toml is not None:
        (tmp_path / "host.toml").write_text(toml)
    with pytest.raises(AvatarError) as caught:
        load_reference(tmp_path / "host.png")
    assert "host.toml" in str(caught.value) and names in str(caught.value)


def test_a_loop_of_two_sizes_names_the_odd_frame(tmp_path: Path) -> None:
    Image.fromarray(photo()).save(tmp_path / "000.png")
    Image.fromarray(photo()[:100]).save(tmp_path / "001.png")
    (tmp_path / "face.toml").write_text("face = [30, 24, 64, 80]\nmouth = [44, 70, 36, 26]\n")
    with pytest.raises(AvatarError, match=r"001\.png: 120x100, but 000\.png is 120x160"):
        load_reference(tmp_path)


def test_scaling_a_reference_scales_its_boxes(reference: Reference) -> None:
    half = reference.scaled(80)
    assert half.size == (60, 80)
    assert half.face == (15, 12, 32, 40) and half.mouth == (22, 35, 18, 13)


# Mel windows


def test_a_tone_lights_the_mel_band_of_its_pitch_and_silence_is_the_floor() -> None:
    t = np.arange(16_000) / 16_000
    tone = mel_spectrogram((0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32))
    assert tone.shape == (MELS, 81)  # 80 columns a second, centred, plus one
    peak = int(np.argmax(tone[:, 40]))
    assert 23 <= peak <= 27  # 1 kHz sits near the 25th of 80 Slaney bands from 55 Hz
    assert (mel_spectrogram(np.zeros(3200, np.float32)) == -4).all()


def test_the_mel_matches_wav2lips_librosa_recipe() -> None:
    librosa = pytest.importorskip("librosa", reason="librosa (a coqui-tts dependency) cross-check")
    rng = np.random.default_rng(0)
    samples = (rng.normal(0, 0.1, 16_000) * np.abs(np.sin(np.linspace(0, 20, 16_000)))).astype(
        np.float32
    )
    emphasised = np.concatenate(([samples[0]], samples[1:] - 0.97 * samples[:-1]))
    stft = librosa.stft(y=emphasised, n_fft=800, hop_length=200, win_length=800)
    bands = librosa.filters.mel(sr=16_000, n_fft=800, n_mels=80, fmin=55, fmax=7600) @ np.abs(stft)
    decibels = 20 * np.log10(np.maximum(1e-5, bands)) - 20
    expected = np.clip(8 * (decibels + 100) / 100 - 4, -4, 4)
    assert np.abs(mel_spectrogram(samples) - expected).max() < 1e-3


def test_each_frame_sees_the_audio_around_it() -> None:
    pcm = np.zeros(16_000, np.int16)
    pcm[8000:8160] = 20000  # a click at 0.5 s: frame 15 at 30 fps
    windows = frame_windows(speech_mel(Speech(pcm, 16_000, ())), FPS, 0, 30)
    assert windows.shape == (30, MELS, STEPS)
    loud = windows[15].max(axis=0)
    assert loud[STEPS // 2 - 1 : STEPS // 2 + 2].min() > -2  # in the middle of its window
    assert loud[:4].max() == -4 and loud[-4:].max() == -4
    assert windows[0, :, : STEPS // 2 - 1].max() == -4  # before the start is silence


# Without the extra


def test_without_torch_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    for name in ("host.avatar.neural.lipsync_net", "host.avatar.neural.checkpoint"):
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(HostcastError, match=r"pip install 'hostcast\[neural\]'"):
        importlib.import_module("host.avatar.neural.checkpoint")
