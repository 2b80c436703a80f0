"""A natural voice: a Piper VITS model (ONNX) on the CPU, timed by its own alignments."""

from __future__ import annotations

import importlib
import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from host.errors import VoiceError, first_line
from host.voice.espeak import sayable
from host.voice.ipa import timed_phonemes
from host.voice.speech import Speech

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'hostcast[piper]'"
THREADS_RANGE = (1, 16)
LENGTH_SCALE_RANGE = (0.5, 2.0)  # > 1 speaks slower
_SILENT = frozenset({"^", "$", "_"})  # Piper's start, end and pad ids spell no sound


@dataclass(frozen=True)
class PiperFiles:
    """The model and its config, found from a path or from an installed voice package."""

    model: Path
    config: Path

    @classmethod
    def find(
        cls, model: Path | None = None, config: Path | None = None, package: str | None = None
    ) -> PiperFiles:
        """The files a profile names; VoiceError starting with the field that is wrong."""
        if package is not None:
            model, found_config = _package_files(package)
            config = config or found_config
        if model is None:
            raise VoiceError("model: name the .onnx file, or a voice package")
        if not model.is_file():
            raise VoiceError(f"model: no Piper model at {model}")
        config = config or model.with_name(model.name + ".json")
        if not config.is_file():
            raise VoiceError(f"config: no {config.name} next to {model.name} (at {config})")
        return cls(model, config)


class PiperVoice:
    """A Voice that speaks with a Piper model, in `threads` inference threads.

    `phonemizer` names the espeak-ng voice that turns text into the model's phonemes,
    when not the model's own (the Joe model reads French phonemes with `fr`).
    """

    def __init__(
        self,
        files: PiperFiles,
        *,
        phonemizer: str | None = None,
        speaker: str | None = None,
        length_scale: float | None = None,
        threads: int = 1,
    ) -> None:
        self.files = files
        started = time.monotonic()
        config = _read_config(files.config)
        piper_voice, piper_config, onnxruntime = _piper()
        if phonemizer is not None:
            config["espeak"] = {**config.get("espeak", {}), "voice": phonemizer}
        try:
            self._config = piper_config.PiperConfig.from_dict(config)
        except (KeyError, TypeError, ValueError) as exc:
            raise VoiceError(f"config: {files.config} is not a Piper voice config: {exc!r}") \
                from None
        self.sample_rate = int(self._config.sample_rate)
        self._symbols = {  # phoneme id -> the phoneme it spells; None for start, end, pad
            int(i): (None if symbol in _SILENT else symbol)
            for symbol, ids in self._config.phoneme_id_map.items() for i in ids
        }
        self.phonemizer = str(self._config.espeak_voice)
        self._synthesis = piper_config.SynthesisConfig(
            speaker_id=self._speaker_id(speaker), length_scale=length_scale,
            normalize_audio=False,  # levels are set per line downstream, by loudness
        )
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # never starve the playout and the encoder
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        model, self.aligned = _with_alignments(files.model)
        try:
            session = onnxruntime.InferenceSession(
                model, sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf
            raise VoiceError(f"model: {files.model} cannot be loaded: {first_line(exc)}") \
                from None
        self._voice = piper_voice.PiperVoice(session=session, config=self._config)
        self._lock = threading.Lock()  # one inference at a time
        self.load_seconds = time.monotonic() - started
        log.info("loaded Piper voice %s (%s phonemes%s) in %.1f s", files.model.name,
                 self.phonemizer, "" if self.aligned else ", no alignments", self.load_seconds)

    def __repr__(self) -> str:
        return f"PiperVoice({self.files.model.name!r}, phonemizer={self.phonemizer!r})"

    def speak(self, text: str) -> Speech:
        """Speak `text` and time each phoneme by the samples the model spent on it."""
        clean = sayable(text)
        audio: list[np.ndarray] = []
        tokens: list[str | None] = []
        samples: list[float] = []
        timed = self.aligned
        try:
            with self._lock:
                for chunk in self._voice.synthesize(
                    clean, syn_config=self._synthesis, include_alignments=self.aligned
                ):
                    audio.append(np.asarray(chunk.audio_float_array, np.float32).reshape(-1))
                    counts = chunk.phoneme_id_samples
                    if counts is None or len(counts) != len(chunk.phoneme_ids):
                        timed = False
                        continue
                    # Per id, not per phoneme: the pad between two sounds is the move from
                    # one to the next, so its time is shared by both (timed_phonemes).
                    tokens += [self._symbols.get(int(i)) for i in chunk.phoneme_ids]
                    samples += [float(n) for n in counts]
        except Exception as exc:  # a model that fails on one line must not crash the caller
            raise VoiceError(f"{self!r} cannot say {clean[:60]!r}: {first_line(exc)}") from exc
        wav = np.concatenate(audio) if audio else np.zeros(0, np.float32)
        if len(wav) == 0:
            raise VoiceError(f"{self!r} said nothing for {clean[:60]!r}")
        pcm = np.round(np.clip(wav, -1.0, 1.0) * 32767).astype(np.int16)
        if not timed or round(sum(samples)) != len(pcm):
            return Speech(pcm, self.sample_rate, ())  # the mouth then follows the audio
        return Speech(pcm, self.sample_rate, timed_phonemes(tokens, samples, 1 / self.sample_rate))

    def _speaker_id(self, speaker: str | None) -> int | None:
        names = dict(self._config.speaker_id_map or {})
        if speaker is None:
            return None
        if speaker not in names:
            listed = ", ".join(sorted(names)) or "none: the model has a single speaker"
            raise VoiceError(f"speaker: no speaker {speaker!r} in {self.files.config} ({listed})")
        return int(names[speaker])


def _package_files(package: str) -> tuple[Path, Path | None]:
    """The model an installed voice package holds: its `model_path()`, or its one .onnx."""
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise VoiceError(
            f"package: the voice package {package!r} is not installed here "
            f"(pip install {package.replace('_', '-')}, or {INSTALL_HINT} for the English one)"
        ) from None
    finder = getattr(module, "model_path", None)
    if callable(finder):
        model = Path(finder())
        config = getattr(module, "config_path", None)
        return model, Path(config()) if callable(config) else None
    folder = Path(getattr(module, "__file__", "") or "").parent
    models = sorted(folder.rglob("*.onnx"))
    if len(models) != 1:
        raise VoiceError(
            f"package: {package} holds {len(models)} .onnx models and no model_path(); "
            "name the file with model instead"
        )
    return models[0], None


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise VoiceError(f"config: cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise VoiceError(f"config: {path} line {exc.lineno}: not JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise VoiceError(f"config: {path} is not a Piper voice config (not a JSON object)")
    for key in ("audio", "espeak", "phoneme_id_map", "num_symbols", "num_speakers"):
        if key not in data:
            raise VoiceError(f"config: {path}: {key}: missing; is it a Piper voice config?")
    return data


def _with_alignments(model: Path) -> tuple[bytes | str, bool]:
    """The model with its phoneme durations exposed as an output, when it can be done.

    A Piper model computes how many frames each phoneme lasts (a Ceil node) but does not
    output it; marking that tensor as an output, in memory, gives the alignments.
    """
    try:
        import onnx
    except ImportError:
        log.warning("the onnx package is missing: %s speaks without phoneme timings (%s)",
                    model.name, INSTALL_HINT)
        return str(model), False
    try:
        graph = onnx.load(str(model))
    except Exception as exc:
        raise VoiceError(f"model: {model} is not an ONNX model: {first_line(exc)}") from None
    outputs = {o.name for o in graph.graph.output}
    ceilings = {name for node in graph.graph.node if node.op_type == "Ceil"
                for name in node.output}
    if len(ceilings) != 1:
        return graph.SerializeToString(), False
    name = next(iter(ceilings))
    if name not in outputs:
        graph.graph.output.append(onnx.helper.make_empty_tensor_value_info(name))
    return graph.SerializeToString(), True


def _piper() -> tuple[Any, Any, Any]:
    """Piper's runtime and onnxruntime, imported on first use: they are an extra."""
    try:
        import onnxruntime
        from piper import config as piper_config
        from piper import voice as piper_voice
    except ImportError as exc:
        raise VoiceError(
            f"engine: piper needs the piper extra, which is missing here ({first_line(exc)}): "
            f"{INSTALL_HINT}"
        ) from None
    return piper_voice, piper_config, onnxruntime
