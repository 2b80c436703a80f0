"""Which of the face mesh's 468 points are which: lips, eyes, the face's outline."""

from __future__ import annotations

# Lips, left corner to right corner (in the image), after MediaPipe's canonical mesh.
LEFT_CORNER, RIGHT_CORNER = 61, 291
OUTER_UPPER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
OUTER_LOWER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
INNER_UPPER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
INNER_LOWER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
UPPER_MID, LOWER_MID = 13, 14
CHIN = 152
NOSE_TIP = 1
FOREHEAD = 10
# Cheek to cheek along the jaw, and the rest of the outline.
FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400,
    377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip
LEFT_CHEEK, RIGHT_CHEEK = 234, 454  # the outline's widest points, image left and right
# The eyes: corners, then upper and lower lids from the outer corner to the inner one.
EYES = (
    # the eye on the image's left (the person's right)
    {"corners": (33, 133), "upper": (246, 161, 160, 159, 158, 157, 173),
     "lower": (7, 163, 144, 145, 153, 154, 155), "brow": (70, 63, 105, 66, 107)},
    # the eye on the image's right
    {"corners": (263, 362), "upper": (466, 388, 387, 386, 385, 384, 398),
     "lower": (249, 390, 373, 374, 380, 381, 382), "brow": (300, 293, 334, 296, 336)},
)  # fmt: skip
# The lower face the jaw carries when it opens: the chin and the jaw line near it.
JAW = (
    152, 148, 176, 149, 150, 377, 400, 378, 379, 175, 199, 200, 18, 83, 313, 201, 421,
    194, 418, 32, 262, 140, 369, 171, 396,
)  # fmt: skip
