"""The face models the photo presenter runs: MediaPipe's face detector and face mesh.

The weights come from the `mediapipe` 0.10.21 wheel, installed without its dependencies
(it pins numpy < 2 and pulls in jax); only its `.tflite` files are read, never the package
imported. The LiteRT interpreter (`ai-edge-litert`) runs them.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from host.errors import AvatarError

INSTALL = (
    "install the photo extra: bin/setup photo (or pip install 'hostcast[photo]' && "
    "pip install --no-deps mediapipe==0.10.21)"
)
DETECTOR = "face_detection/face_detection_full_range_sparse.tflite"
MESH = "face_landmark/face_landmark.tflite"
_LOCK = threading.Lock()
_LOADED: dict[str, Any] = {}


def model_file(name: str) -> Path:
    """The path of one of mediapipe's model files, found without importing mediapipe."""
    spec = importlib.util.find_spec("mediapipe")
    roots = list(spec.submodule_search_locations or []) if spec is not None else []
    for root in roots:
        path = Path(root) / "modules" / name
        if path.is_file():
            return path
    raise AvatarError(f"the face model {Path(name).name} is not installed: {INSTALL}")


class TfliteModel:
    """One .tflite model on one thread: `run(input)` gives its outputs in order."""

    def __init__(self, name: str) -> None:
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError:
            raise AvatarError(f"the LiteRT runtime is not installed: {INSTALL}") from None
        self.path = model_file(name)
        self._interpreter = Interpreter(model_path=str(self.path), num_threads=1)
        self._interpreter.allocate_tensors()
        inputs = self._interpreter.get_input_details()
        self._input = inputs[0]["index"]
        self.input_size = int(inputs[0]["shape"][1])
        self._outputs = [d["index"] for d in self._interpreter.get_output_details()]
        self._lock = threading.Lock()

    def run(self, image: npt.NDArray[np.float32]) -> list[npt.NDArray[np.float32]]:
        with self._lock:
            self._interpreter.set_tensor(self._input, image[None].astype(np.float32))
            self._interpreter.invoke()
            return [self._interpreter.get_tensor(i)[0].copy() for i in self._outputs]


def model(name: str) -> TfliteModel:
    """The loaded model `name`, loaded once per process."""
    with _LOCK:
        loaded = _LOADED.get(name)
        if loaded is None:
            loaded = _LOADED[name] = TfliteModel(name)
        return loaded
