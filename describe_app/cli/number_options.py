"""argparse types for the numbers the options take, so that a number that means nothing
is refused by the parser itself: one line naming the option, and exit code 2."""

from __future__ import annotations

import argparse
import math

from describe_app.core.i18n import _


def positive_int(text: str) -> int:
    """An argparse type: a whole number of 1 or more. A count, a time limit or a size of 0
    or less means nothing (``--max-tokens -1`` once waited the whole time limit and then
    blamed the server), so it is refused with one line and exit code 2."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a whole number").format(text=text)
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be 1 or more, not {value}").format(value=value))
    return value


def seconds_or_zero(text: str) -> float:
    """An argparse type: a number of seconds, 0 or more (0: no limit). "nan", "inf" and
    negative numbers are refused: they would silently mean no limit at all."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a number of seconds").format(text=text)
        ) from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(
            _("must be 0 or more seconds, not '{text}'").format(text=text)
        )
    return value


def zero_or_more(text: str) -> float:
    """An argparse type: a number of 0 or more (a level, a wait in seconds). A negative
    one, "nan" or "inf" was taken as it came and then quietly meant "never" or "always"
    (``watch --change nan`` described nothing, ``--settle -1`` never waited)."""
    value = _finite(text)
    if value < 0:
        raise argparse.ArgumentTypeError(_("must be 0 or more, not '{text}'").format(text=text))
    return value


def more_than_zero(text: str) -> float:
    """An argparse type: a number over 0 (a time limit, a rate per second). 0, a negative
    number, "nan" or "inf" are refused: ``--max-seconds -5`` ended the command at once
    with nothing said, ``--max-seconds nan`` ran for ever."""
    value = _finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(_("must be more than 0, not '{text}'").format(text=text))
    return value


def speaking_rate(text: str) -> int:
    """An argparse type: a speaking rate in words per minute, within what the voices say.
    One outside it was silently made the slowest or the fastest (``--rate -50``, ``--rate
    5000``); it is refused, naming the range. The range is looked up only when the option
    is given, so that ``--help`` stays quick."""
    from describe_app.core.speech.speech_settings import RATE_MAX, RATE_MIN

    try:
        value = round(float(text))
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a number of words per minute").format(text=text)
        ) from None
    if not RATE_MIN <= value <= RATE_MAX:
        raise argparse.ArgumentTypeError(
            _("must be from {low} to {high} words per minute, not '{text}'").format(
                low=RATE_MIN, high=RATE_MAX, text=text
            )
        )
    return value


def _finite(text: str) -> float:
    """``text`` as a finite number, else the argparse error that says it is not one."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{text}' is not a number").format(text=text)) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(_("'{text}' is not a number").format(text=text))
    return value
