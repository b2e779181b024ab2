"""argparse types for the numbers the options take, so that a number that means nothing
is refused by the parser itself: one line naming the option, and exit code 2."""

from __future__ import annotations

import argparse
import math


def positive_int(text: str) -> int:
    """An argparse type: a whole number of 1 or more. A count, a time limit or a size of 0
    or less means nothing (``--max-tokens -1`` once waited the whole time limit and then
    blamed the server), so it is refused with one line and exit code 2."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def seconds_or_zero(text: str) -> float:
    """An argparse type: a number of seconds, 0 or more (0: no limit). "nan", "inf" and
    negative numbers are refused: they would silently mean no limit at all."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not '{text}'")
    return value
