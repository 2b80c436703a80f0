"""The preview page: watch the stream over WebRTC, see what is on air, steer the show."""

from stream.web.app import create_app
from stream.web.protocols import Controls, OnAir, StatusSource
from stream.web.server import PreviewServer, parse_bind

__all__ = ["Controls", "OnAir", "PreviewServer", "StatusSource", "create_app", "parse_bind"]
