"""Voices: text in, audio and its timings out."""
