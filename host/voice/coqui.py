"""A neural voice: a coqui-tts model (VITS, XTTS v2) loaded from a local folder, never the hub."""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from host.errors import VoiceError, first_line
from host.voice.espeak import sayable
from host.voice.ipa import timed_phonemes
from host.voice.speech import Speech, Timed

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'hostcast[coqui]'"
MODELS = ("vits", "xtts")  # coqui models that speak straight to a waveform, no vocoder
CONFIG = "config.json"
# The checkpoint names coqui's own releases and its trainer use, in order of preference.
CHECKPOINTS = ("model.pth", "model_file.pth", "best_model.pth", "checkpoint.pth")
DEVICES = re.compile(r"auto|cpu|cuda(:\d+)?")
# A model config names its side files by the path they had where it was trained; a folder
# copied elsewhere has them next to config.json.
_SIDE_FILES = ("speakers_file", "language_ids_file", "d_vector_file")


class CoquiVoice:
    """A Voice that speaks with a coqui-tts model from `model`, a folder with config.json."""

    def __init__(
        self,
        model: Path | str,
        *,
        model_language: str | None = None,
        speaker: str | None = None,
        speaker_wav: Path | str | None = None,
        device: str = "auto",
    ) -> None:
        # Each message starts with the argument it is about, which is also the profile field.
        self.folder = Path(model)
        config_path, checkpoint = model_files(self.folder)
        self.speaker_wav = _reference(speaker_wav)
        if not DEVICES.fullmatch(device):
            raise VoiceError(f"device: must be auto, cpu or cuda (or cuda:N), got {device!r}")
        torch, load_config, setup_model = _coqui()
        cuda = bool(torch.cuda.is_available())
        if device.startswith("cuda") and not cuda:
            raise VoiceError(f"device: {device!r} asked for, but torch sees no CUDA device here")
        self.device = ("cuda" if cuda else "cpu") if device == "auto" else device
        started = time.monotonic()
        self._config, self._model = _load(
            self.folder, config_path, checkpoint, load_config, setup_model, self.device
        )
        self.load_seconds = time.monotonic() - started
        self.kind: str = self._config.model
        self.sample_rate = int(
            self._config.audio.get("output_sample_rate") or self._config.audio["sample_rate"]
        )
        self.language = self._language(model_language)
        self.speaker = self._speaker(speaker)
        self._torch = torch
        self._lock = threading.Lock()  # one inference at a time: the producer, the page
        log.info("loaded %s from %s on %s in %.1f s", self.kind, self.folder, self.device,
                 self.load_seconds)

    def __repr__(self) -> str:
        return f"CoquiVoice({str(self.folder)!r}, {self.kind}, device={self.device!r})"

    def speak(self, text: str) -> Speech:
        """Speak `text` and, where the model says how long each token lasted, time it."""
        clean = sayable(text)
        options: dict[str, Any] = {"speaker": self.speaker, "language": self.language}
        if self.speaker_wav is not None:
            options["speaker_wav"] = str(self.speaker_wav)
        if self.kind == "xtts":
            options["enable_text_splitting"] = True  # XTTS reads at most ~250 characters
        try:
            with self._lock, self._torch.inference_mode():
                outputs = self._model.synthesize(clean, **options)
        except Exception as exc:  # a model that fails on one line must not crash the caller
            raise VoiceError(f"{self!r} cannot say {clean[:60]!r}: {first_line(exc)}") from exc
        wav = _numpy(outputs.get("wav")).reshape(-1)
        if len(wav) == 0:
            raise VoiceError(f"{self!r} said nothing for {clean[:60]!r}")
        pcm = np.round(np.clip(wav, -1.0, 1.0) * 32767).astype(np.int16)
        return Speech(pcm, self.sample_rate, self._timings(outputs, len(pcm)))

    @property
    def frame_seconds(self) -> float:
        """How long one frame of the model's durations lasts, in seconds of output audio."""
        audio = self._config.audio
        encoder_rate = self._config.model_args.get("encoder_sample_rate") or audio["sample_rate"]
        return float(audio["hop_length"]) / float(encoder_rate)

    def _timings(self, outputs: dict[str, Any], samples: int) -> tuple[Timed, ...]:
        """Phonemes timed by the model's own durations; none when the model gives none."""
        inner = outputs.get("outputs")
        durations = inner.get("durations") if isinstance(inner, dict) else None
        ids = outputs.get("text_inputs")
        if durations is None or ids is None:
            return ()  # XTTS: the audio-driven estimator times these
        frames = [float(d) for d in _numpy(durations).reshape(-1)]
        tokens = [int(i) for i in _numpy(ids).reshape(-1)]
        if len(frames) != len(tokens):
            return ()
        characters = self._model.tokenizer.characters
        silent = {characters.blank, characters.pad, characters.bos, characters.eos}
        symbols: list[str | None] = []
        for token in tokens:
            symbol = characters.id_to_char(token)
            special = len(symbol) > 1 and symbol.startswith("<") and symbol.endswith(">")
            symbols.append(None if symbol in silent or special else symbol)
        letters = not self._config.get("use_phonemes", False)
        timed = timed_phonemes(symbols, frames, self.frame_seconds, letters=letters)
        duration = samples / self.sample_rate
        # The decoder may stop short of the last frame (max_inference_len): clip to the audio.
        return tuple(
            Timed(min(t.start, duration), min(t.end, duration), t.value)
            for t in timed
            if t.start < duration
        )

    def _language(self, wanted: str | None) -> str | None:
        if self.kind == "xtts":
            names = [str(n) for n in self._config.get("languages") or []]
        else:
            manager = getattr(self._model, "language_manager", None)
            names = [str(n) for n in manager.language_names] if manager is not None else []
        if len(names) <= 1 and self.kind != "xtts":
            return None  # one language: its name (often a default "en") says nothing
        if wanted in names:
            return wanted
        # "fr" finds a model's "fr-fr" when that is its only French.
        close = [n for n in names if wanted and n.lower().startswith(f"{wanted.lower()}-")]
        if len(close) == 1:
            return close[0]
        raise VoiceError(
            f"model_language: the model in {self.folder} speaks {_listed(names)}; "
            f"{'name one' if wanted is None else f'not {wanted!r}'}"
        )

    def _speaker(self, wanted: str | None) -> str | None:
        manager = getattr(self._model, "speaker_manager", None)
        names = [str(n) for n in manager.speaker_names] if manager is not None else []
        if self.kind == "xtts":
            if wanted is None and self.speaker_wav is None:
                raise VoiceError(
                    "speaker_wav: an XTTS model clones a voice: give a reference WAV of it "
                    f"(6 s or more){' or a speaker: ' + _listed(names) if names else ''}"
                )
            if wanted is not None and self.speaker_wav is None and wanted not in names:
                raise VoiceError(f"speaker: no speaker {wanted!r} in the model; {_listed(names)}")
            return wanted
        if self.speaker_wav is not None:
            raise VoiceError("speaker_wav: only an XTTS model clones a voice from a WAV")
        if not names:
            if wanted is not None:
                raise VoiceError(f"speaker: the model in {self.folder} has a single speaker")
            return None
        if wanted is None or wanted not in names:
            raise VoiceError(
                f"speaker: the model in {self.folder} has {len(names)} speakers, "
                f"{'name one' if wanted is None else f'not {wanted!r}'}: {_listed(names)}"
            )
        return wanted


def model_files(folder: Path) -> tuple[Path, Path]:
    """The config and checkpoint in a model folder; a clear error naming what is missing."""
    if not folder.exists():
        raise VoiceError(f"model: no model folder at {folder}")
    if not folder.is_dir():
        raise VoiceError(f"model: {folder} is a file; give the folder that holds {CONFIG}")
    config = folder / CONFIG
    if not config.is_file():
        raise VoiceError(f"model: no {CONFIG} in {folder}")
    for name in CHECKPOINTS:
        if (folder / name).is_file():
            return config, folder / name
    others = sorted(p for p in folder.glob("*.pth") if p.is_file())
    if len(others) == 1:
        return config, others[0]
    if others:
        raise VoiceError(
            f"model: {len(others)} checkpoints in {folder} and none named "
            f"{', '.join(CHECKPOINTS)}; keep one, or name it model.pth"
        )
    raise VoiceError(f"model: no checkpoint (.pth) in {folder}")


def _reference(speaker_wav: Path | str | None) -> Path | None:
    if speaker_wav is None:
        return None
    path = Path(speaker_wav)
    if not path.is_file():
        raise VoiceError(f"speaker_wav: no reference recording at {path}")
    return path


def _coqui() -> tuple[Any, Any, Any]:
    """torch and coqui-tts's loaders, imported on first use: they are an extra."""
    try:
        import torch
        from TTS.config import load_config
        from TTS.tts.models import setup_model
    except ImportError as exc:
        raise VoiceError(
            f"engine: coqui needs the coqui extra, which is missing here ({first_line(exc)}): "
            f"{INSTALL_HINT}"
        ) from None
    return torch, load_config, setup_model


def _load(
    folder: Path, config_path: Path, checkpoint: Path, load_config: Any, setup_model: Any,
    device: str,
) -> tuple[Any, Any]:
    try:
        config = load_config(str(config_path))
    except Exception as exc:
        raise VoiceError(
            f"model: {config_path} is not a coqui model config: {first_line(exc)}"
        ) from None
    kind = config.get("model")
    if kind not in MODELS:
        raise VoiceError(
            f"model: {config_path} is a {kind!r} model; Hostcast speaks with "
            f"{' and '.join(MODELS)} models, which need no separate vocoder"
        )
    _local_side_files(config, folder)
    try:
        model = setup_model(config)
        if kind == "xtts":
            model.load_checkpoint(
                config, checkpoint_dir=str(folder), checkpoint_path=str(checkpoint), eval=True
            )
        else:
            model.load_checkpoint(config, str(checkpoint), eval=True)
        model.to(device)
    except Exception as exc:  # coqui raises anything from KeyError to RuntimeError here
        raise VoiceError(
            f"model: cannot load {checkpoint} with {config_path}: "
            f"{type(exc).__name__}: {first_line(exc)}"
        ) from None
    return config, model


def _local_side_files(config: Any, folder: Path) -> None:
    """Point the config's speaker and language files at the copies in the model folder."""
    for section in (config, config.get("model_args")):
        if section is None:
            continue
        for key in _SIDE_FILES:
            named = section.get(key)
            if isinstance(named, str) and named and not Path(named).is_file():
                local = folder / Path(named).name
                if local.is_file():
                    section[key] = str(local)


def _numpy(value: Any) -> npt.NDArray[Any]:
    if value is None:
        return np.zeros(0, np.float32)
    if hasattr(value, "detach"):
        value = value.detach().float().cpu().numpy()
    return np.asarray(value)


def _listed(names: list[str], most: int = 12) -> str:
    shown = ", ".join(repr(n) for n in names[:most])
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return f"{shown}{more}" if names else "none listed"
