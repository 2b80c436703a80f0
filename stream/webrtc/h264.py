"""H.264 codec headers for RTP: the SPS/PPS a WebRTC decoder needs in front of each keyframe."""

from __future__ import annotations

import re

START_CODE = b"\x00\x00\x00\x01"


def annex_b_parameter_sets(extradata: bytes) -> bytes:
    """The SPS and PPS in Annex B form, whether the encoder gave Annex B or avcC."""
    if not extradata:
        return b""
    if extradata.startswith((b"\x00\x00\x01", b"\x00\x00\x00\x01")):
        return extradata
    if extradata[0] != 1 or len(extradata) < 7:
        raise ValueError("H.264 extradata: neither Annex B nor avcC")
    out = bytearray()
    pos = 5
    for count_mask in (0x1F, 0xFF):  # SPS count has 5 bits, PPS count 8
        count = extradata[pos] & count_mask
        pos += 1
        for _ in range(count):
            size = int.from_bytes(extradata[pos : pos + 2], "big")
            pos += 2
            unit = extradata[pos : pos + size]
            if len(unit) != size:
                raise ValueError("H.264 extradata: avcC parameter set runs past the end")
            out += START_CODE + unit
            pos += size
    return bytes(out)


_PROFILE_LEVEL_ID = re.compile(r"(?m)^(a=fmtp:\d+ .*?profile-level-id=)[0-9A-Fa-f]{6}")


def profile_level_id(extradata: bytes) -> str:
    """The SDP `profile-level-id` of the stream these headers start: profile, flags, level.

    "640020" is High at level 3.2; it is read from the encoder's own SPS, so the SDP says
    what is sent rather than what aiortc assumes (Constrained Baseline).
    """
    for unit in annex_b_parameter_sets(extradata).split(START_CODE):
        unit = unit.lstrip(b"\x00").removeprefix(b"\x01")  # a 3-byte start code's leftover
        if len(unit) >= 4 and unit[0] & 0x1F == 7:  # the sequence parameter set
            return unit[1:4].hex()
    raise ValueError("H.264 extradata: no sequence parameter set")


def advertise_profile(sdp: str, profile: str) -> str:
    """`sdp` with every H.264 `profile-level-id` set to `profile`, the one actually sent."""
    return _PROFILE_LEVEL_ID.sub(lambda m: m.group(1) + profile, sdp)
