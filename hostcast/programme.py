"""What a show pitches and in whose voice and face: its catalog, language, voice, avatar
and writer. `hostcast.programme_reader` reads and checks one from flags or keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hostcast.writer_choice import WriterChoice

PROGRAMME_KEYS = ("catalog", "lang", "voice", "avatar", "style", "writer", "model")
NEURAL = "neural:"  # avatar neural:FOLDER: a photo whose mouth a lip-sync network redraws
PHOTO = "photo:"  # avatar photo:FILE: a photo (or short loop) the CPU animates along its mesh
PHOTO_EXTRA = ("the photo presenter needs hostcast[photo] and MediaPipe's face models: "
               "bin/setup photo")


@dataclass(frozen=True)
class Programme:
    """What a stretch of a channel (or a whole CLI show) pitches, and in which voice and look."""

    catalog: Path
    lang: str
    voice: str  # a profile name in voices/ or a .toml path
    avatar: str  # a pack name in avatars/, a folder, photo:FILE or neural:FOLDER
    writer: WriterChoice  # which writer, with its model and style

    @property
    def style(self) -> str:
        return self.writer.style
