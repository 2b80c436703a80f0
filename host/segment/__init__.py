"""Segments: what the playout airs — audio plus timelines, never frames."""
