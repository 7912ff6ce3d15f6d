"""The two ways an image can fail, both ``ValueError`` with a message meant for the user."""

from __future__ import annotations

from .verdict import Reason


class InvalidImage(ValueError):
    """The input is not a usable image: not an image at all, truncated, too large, NaN..."""


class NoDigitFound(ValueError):
    """The image is fine but holds nothing to read (blank, or specks only); ``reason`` is the code."""

    def __init__(self, reason: Reason):
        self.reason = reason
        self.steps: list = []  # (caption, image) up to where it stopped, when steps were recorded
        super().__init__(reason.message)
