"""The preview's WebRTC side: viewers share the one H.264 encode and one Opus encode."""

from stream.webrtc.opus import live_encoders
from stream.webrtc.peers import NotOnAirError, OfferError, ViewerLimitError, ViewerPeers
from stream.webrtc.sink import WebRtcSink

__all__ = [
    "NotOnAirError",
    "OfferError",
    "ViewerLimitError",
    "ViewerPeers",
    "WebRtcSink",
    "live_encoders",
]
