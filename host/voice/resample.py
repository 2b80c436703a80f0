"""Speech brought to the stream's sample rate, once, when its segment is built."""

from __future__ import annotations

import av
import numpy as np

from host.voice.speech import Speech


def resample(speech: Speech, rate: int) -> Speech:
    """The same speech at `rate` Hz (libswresample); timings are in seconds and stay."""
    if speech.sample_rate == rate or len(speech.pcm) == 0:
        return speech
    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
    frame = av.AudioFrame.from_ndarray(speech.pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = speech.sample_rate
    chunks = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    pcm = np.concatenate(chunks).astype(np.int16) if chunks else np.zeros(0, np.int16)
    # Keep the duration exact so that timelines and audio agree to the sample.
    want = round(len(speech.pcm) * rate / speech.sample_rate)
    pcm = np.pad(pcm, (0, max(0, want - len(pcm))))[:want]
    return Speech(pcm, rate, speech.phonemes, speech.words)
