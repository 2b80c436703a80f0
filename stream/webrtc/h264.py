"""H.264 codec headers for RTP: the SPS/PPS a WebRTC decoder needs in front of each keyframe."""

from __future__ import annotations

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
