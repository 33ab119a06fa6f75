"""Which digits a clerk may type: ASCII 0–9 and the full-width ０–９ of a Chinese input method.

NFKC folds many other symbols into digits (``²`` → ``2``, ``①`` → ``1``,
``⑴`` → ``(1)``); an amount, date or code written with them is a typing
accident or a trick, never what was meant, so it is refused rather than read.
"""

from __future__ import annotations

import unicodedata

FULL_WIDTH = frozenset("０１２３４５６７８９")


def odd_digit(text: str) -> str | None:
    """The first character that NFKC would read as a digit but that is not one a clerk types, or ``None``."""
    for ch in text:
        if ch.isascii() or ch in FULL_WIDTH:
            continue
        if ch.isdigit() or any(c in "0123456789" for c in unicodedata.normalize("NFKC", ch)):
            return ch
    return None


def describe(ch: str) -> str:
    return f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, '?')})"
