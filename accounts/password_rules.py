"""What a new password must be: long enough, and more than blank space."""

import unicodedata

from core.errors import Unprocessable

MIN_LENGTH = 10


def _visible(character: str) -> bool:
    # Zero-width and other format characters look like nothing, as spaces do.
    return not character.isspace() and unicodedata.category(character) not in {"Cc", "Cf"}


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH or not any(_visible(c) for c in password):
        raise Unprocessable(
            "A password needs at least {count} characters, and not only spaces.", count=MIN_LENGTH
        )
