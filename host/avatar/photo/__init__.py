"""The photo presenter's parts: a person's photo, its face mesh, mouths warped on it."""
