"""The two ways an image can fail, both ``ValueError`` with a message meant for the user."""


class InvalidImage(ValueError):
    """The input is not a usable image: not an image at all, truncated, too large, NaN..."""


class NoDigitFound(ValueError):
    """The image is fine but holds no recognizable digit; the message says what to do."""
