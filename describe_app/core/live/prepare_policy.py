"""When Describe may prepare answers in the background: always, on mains power, or never.

Preparing (encoding a settled camera view, or a photo just opened, before the user asks)
costs CPU time, and so battery. The user chooses :class:`PreparePolicy`; :func:`may_prepare`
answers for this moment, from the battery state ``psutil`` reports. It is asked again at
each settled view, so a laptop unplugged mid-session stops preparing at the next one.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: What ``psutil.sensors_battery`` returns: None (no battery) or an object with
#: ``power_plugged`` (True, False or None when unknown).
BatteryReader = Callable[[], Any]


class PreparePolicy(str, enum.Enum):
    ALWAYS = "always"
    MAINS = "mains"  # only while the computer runs on mains power (no battery counts)
    NEVER = "never"


def read_battery() -> Any:
    """``psutil.sensors_battery()``; None where psutil cannot tell (no battery)."""
    import psutil

    try:
        return psutil.sensors_battery()
    except Exception as exc:  # a broken sensor reads as no battery
        log.info("the battery state could not be read: %r", exc)
        return None


def on_mains_power(battery: BatteryReader = read_battery) -> bool:
    """True unless a battery says it is not plugged in (no battery, or unknown: mains)."""
    state = battery()
    if state is None:
        return True
    return getattr(state, "power_plugged", None) is not False


def may_prepare(policy: PreparePolicy, battery: BatteryReader = read_battery) -> bool:
    """Whether background preparation may run now under ``policy``."""
    if policy is PreparePolicy.ALWAYS:
        return True
    if policy is PreparePolicy.NEVER:
        return False
    return on_mains_power(battery)
