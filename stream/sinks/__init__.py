"""Where the stream goes: RTMP(S) push and rolling MP4 recording."""

from stream.ingest_url import redact_url
from stream.sinks.recording import Recording
from stream.sinks.rtmp import RtmpSink
from stream.sinks.rtmp_url import parse_rtmp_url

__all__ = ["Recording", "RtmpSink", "parse_rtmp_url", "redact_url"]
