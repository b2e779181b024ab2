"""Rewrite a sentence so that any voice reads numbers, units and symbols naturally.

"3.5 m" -> "3.5 metres", "21 °C" -> "21 degrees Celsius", "50 km/h" -> "50 kilometres per
hour", "10:30" -> "10 30", "& " -> "and", "$5" -> "5 dollars". Digits stay digits: every voice
reads "3.5" well; what they get wrong are the symbols next to the digits, and each voice
(espeak-ng, SAPI5, macOS) gets different ones wrong. The result is only spoken, never shown.
"""

from __future__ import annotations

import re

_NUM = r"[-−]?\d+(?:[.,]\d+)*"

# symbol: (singular, plural). Case matters ("m" metre vs "M"); longest symbols first.
_UNITS: dict[str, tuple[str, str]] = {
    "MB/s": ("megabyte per second", "megabytes per second"),
    "GB/s": ("gigabyte per second", "gigabytes per second"),
    "km/h": ("kilometre per hour", "kilometres per hour"),
    "kph": ("kilometre per hour", "kilometres per hour"),
    "mph": ("mile per hour", "miles per hour"),
    "m/s": ("metre per second", "metres per second"),
    "km²": ("square kilometre", "square kilometres"),
    "m²": ("square metre", "square metres"),
    "cm²": ("square centimetre", "square centimetres"),
    "m³": ("cubic metre", "cubic metres"),
    "sq ft": ("square foot", "square feet"),
    "km": ("kilometre", "kilometres"),
    "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"),
    "µm": ("micrometre", "micrometres"),
    "m": ("metre", "metres"),
    "kg": ("kilogram", "kilograms"),
    "mg": ("milligram", "milligrams"),
    "g": ("gram", "grams"),
    "ml": ("millilitre", "millilitres"),
    "mL": ("millilitre", "millilitres"),
    "cl": ("centilitre", "centilitres"),
    "l": ("litre", "litres"),
    "L": ("litre", "litres"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "kW": ("kilowatt", "kilowatts"),
    "W": ("watt", "watts"),
    "V": ("volt", "volts"),
    "mAh": ("milliamp hour", "milliamp hours"),
    "GHz": ("gigahertz", "gigahertz"),
    "MHz": ("megahertz", "megahertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "Hz": ("hertz", "hertz"),
    "TB": ("terabyte", "terabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "MB": ("megabyte", "megabytes"),
    "kB": ("kilobyte", "kilobytes"),
    "KB": ("kilobyte", "kilobytes"),
    "px": ("pixel", "pixels"),
    "MP": ("megapixel", "megapixels"),
    "ms": ("millisecond", "milliseconds"),
    "s": ("second", "seconds"),
    "sec": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "h": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "ft": ("foot", "feet"),
    "yd": ("yard", "yards"),
    "mi": ("mile", "miles"),
    "in.": ("inch", "inches"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "kcal": ("kilocalorie", "kilocalories"),
    "cal": ("calorie", "calories"),
}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
# A number (or a range of two) followed by a unit that is not the start of a longer word.
_UNIT_RE = re.compile(
    rf"(?<![\w.])(?P<num>{_NUM})(?:\s*(?:[-–—]|to)\s*(?P<num2>{_NUM}))?\s?(?P<unit>{_UNIT_ALT})"
    r"(?![\w/²³])"
)
_TEMPERATURE_RE = re.compile(
    rf"(?<![\w.])(?P<num>{_NUM})(?:\s*[-–—]\s*(?P<num2>{_NUM}))?\s*°\s*(?P<scale>[CF])\b"
)
_DEGREES_RE = re.compile(rf"(?<![\w.])(?P<num>{_NUM})\s*°")
_PERCENT_RE = re.compile(rf"(?<![\w.])(?P<num>{_NUM})(?:\s*[-–—]\s*(?P<num2>{_NUM}))?\s?%")
_SCALE = r"(?:\s(?P<scale>thousand|million|billion|trillion))?"
_CURRENCY_BEFORE_RE = re.compile(rf"(?P<sym>[$€£¥])\s?(?P<num>\d+(?:[.,]\d+)*){_SCALE}")
_CURRENCY_AFTER_RE = re.compile(rf"(?<![\w.])(?P<num>\d+(?:[.,]\d+)*){_SCALE}\s?(?P<sym>[€£¥])")
_CURRENCIES = {"$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("pound", "pounds")}
_TIME_RE = re.compile(
    r"(?<![\d:.])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:])"
    r"(?:\s?(?P<ampm>[AaPp])(?P<dots>\.)?\s?[Mm](?(dots)\.|)(?!\w))?"
)
_FRACTIONS = {
    "1/2": "one half",
    "1/3": "one third",
    "2/3": "two thirds",
    "1/4": "one quarter",
    "3/4": "three quarters",
}
_FRACTION_RE = re.compile(r"(?<![\d/])(?P<f>[123]/[234])(?![\d/])")
_DASH_RANGE_RE = re.compile(
    r"(?<![\w.])(?P<a>\d+(?:\.\d+)?)\s?[–—]\s?(?P<b>\d+(?:\.\d+)?)(?![\w.])"
)
_DIMENSIONS_RE = re.compile(r"(?<=\d)\s?[x×]\s?(?=\d)")
# "3 m x 2 m" once the units are words: "3 metres by 2 metres", not "3 metres ex 2 metres"
_UNIT_WORDS = sorted({word for pair in _UNITS.values() for word in pair}, key=len, reverse=True)
_DIMENSIONS_AFTER_UNIT_RE = re.compile(
    rf"(?<=\d )(?P<unit>{'|'.join(map(re.escape, _UNIT_WORDS))})\s?[x×]\s?(?=\d)"
)
# "9:00-17:00": "9 o'clock to 17 hundred"
_TIME_RANGE_RE = re.compile(r"(?<=\d:[0-5]\d)\s?[-–—]\s?(?=(?:[01]?\d|2[0-3]):[0-5]\d)")
_NEGATIVE_RE = re.compile(r"(?<![\w.,\-−])[-−](?=\d)")
_ABBREVIATIONS = [
    (re.compile(r"\be\.g\.(?=\s|$|,)", re.IGNORECASE), "for example"),
    (re.compile(r"\bi\.e\.(?=\s|$|,)", re.IGNORECASE), "that is"),
    (re.compile(r"\betc\.(?=\s|$)"), "et cetera."),
    (re.compile(r"\band/or\b"), "and or"),
    (re.compile(r"\b24/7\b"), "24 7"),
    (re.compile(r"\bapprox\.(?=\s|$)", re.IGNORECASE), "approximately"),
    (re.compile(r"\bvs\.?(?=\s)", re.IGNORECASE), "versus"),
    (re.compile(r"(?:\bNo\.|#)\s?(?=\d)"), "number "),
]
_SYMBOLS = [
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s*±\s*"), " plus or minus "),
    (re.compile(r"(?<=[\d\s])\+(?=[\s\d])"), " plus "),
    (re.compile(r"(?<=[\d\s])=(?=[\s\d])"), " equals "),
    (re.compile(r"[~≈]\s?(?=\d)"), "about "),
    (re.compile(r"(?<=\s)≤\s?|^≤\s?"), "at most "),
    (re.compile(r"(?<=\s)≥\s?|^≥\s?"), "at least "),
    (re.compile(r"(?<=\s)<\s?(?=\d)|^<\s?(?=\d)"), "less than "),
    (re.compile(r"(?<=\s)>\s?(?=\d)|^>\s?(?=\d)"), "more than "),
    (re.compile(r"(?<=[A-Za-z])/(?=[A-Za-z])"), " or "),
    (re.compile(r"\s@\s"), " at "),
    (re.compile(r"°"), " degrees"),
]
_MARKDOWN = [
    (re.compile(r"!?\[(?P<label>[^\]\n]*)\]\([^)\s]*\)"), r"\g<label>"),  # [text](address)
    (re.compile(r"\*\*|__|`+|~~"), ""),
    (re.compile(r"^\s{0,3}>\s?"), ""),  # a quoted line
    (re.compile(r"^\s{0,3}#{1,6}\s+"), ""),
    (re.compile(r"^\s*[-*•]\s+"), ""),
    (re.compile(r"(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)"), ""),
]


# Terminal colours and other escape sequences, then every other control character (a NUL
# would end the text early in espeak-ng's C string; the rest are read out or garbled).
_ESCAPE_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_])")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A web address: said without "h t t p s colon slash slash", its slashes as "slash" (not
# "or", as in "he/she"), the rest left to the voice ("example dot com").
_URL_RE = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"]+", re.IGNORECASE)
_SCHEME_RE = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)
# A run of seven or more digits with no separators is a code (a barcode, a serial or phone
# number), not an amount: "4006381333931" is read digit by digit, not as trillions.
_CODE_DIGITS_RE = re.compile(
    rf"(?<![\d.,$€£¥])\d{{7,}}(?![\d%€£¥]|[.,]\d|\s?(?:{_UNIT_ALT})(?![\w/²³])"
    r"|\s(?:thousand|million|billion|trillion|dollars|euros|pounds|yen)\b)"
)


def _spoken_url(match: re.Match[str]) -> str:
    url = match.group(0)
    trail = len(url) - len(url.rstrip(".,;:!?)]}'’"))
    url, rest = url[: len(url) - trail], url[len(url) - trail :]
    url = _SCHEME_RE.sub("", url).rstrip("/")
    return url.replace("/", " slash ") + rest


def _digit_by_digit(match: re.Match[str]) -> str:
    before = match.string[match.start() - 1 : match.start()]
    return (" " if before.isalpha() else "") + " ".join(match.group(0))


def _is_one(num: str) -> bool:
    return num.lstrip("-−") == "1"


def _number(num: str) -> str:
    num = num.replace("−", "-")
    if num.startswith("-"):
        return "minus " + num[1:]
    return num


def _quantity(match: re.Match[str], singular: str, plural: str) -> str:
    num, num2 = match.group("num"), match.groupdict().get("num2")
    if num2:
        return f"{_number(num)} to {_number(num2)} {plural}"
    return f"{_number(num)} {singular if _is_one(num) else plural}"


def _unit(match: re.Match[str]) -> str:
    singular, plural = _UNITS[match.group("unit")]
    return _quantity(match, singular, plural)


def _temperature(match: re.Match[str]) -> str:
    scale = "Celsius" if match.group("scale") == "C" else "Fahrenheit"
    return _quantity(match, f"degree {scale}", f"degrees {scale}")


def _currency(match: re.Match[str]) -> str:
    num, scale, sym = match.group("num"), match.group("scale"), match.group("sym")
    if sym == "¥":
        return f"{num}{' ' + scale if scale else ''} yen"
    singular, plural = _CURRENCIES[sym]
    if scale:
        return f"{num} {scale} {plural}"
    whole, _, cents = num.partition(".")
    if cents and len(cents) == 2 and "," not in cents:
        unit = singular if whole == "1" else plural
        return f"{whole} {unit} {int(cents)}" if int(cents) else f"{whole} {unit}"
    return f"{num} {singular if num == '1' else plural}"


def _time(match: re.Match[str]) -> str:
    hour, minute, ampm = int(match.group("h")), match.group("m"), match.group("ampm")
    suffix = f" {ampm.lower()} m" if ampm else ""
    if match.group("dots") and match.end() == len(match.string):
        suffix += "."  # "a.m." ended the sentence too
    if minute == "00":
        if ampm or 1 <= hour <= 12:
            return f"{hour} o'clock{suffix}" if not ampm else f"{hour}{suffix}"
        return f"{hour} hundred"
    spoken_minute = f"oh {int(minute)}" if minute.startswith("0") else minute
    return f"{hour} {spoken_minute}{suffix}"


def text_for_screen_reader(text: str) -> str:
    """The text without Markdown marks and control characters, line by line, for a screen
    reader (which reads numbers and units its own way, as the user has set it up)."""
    lines = []
    for line in _ESCAPE_RE.sub("", text).splitlines():
        out = _CONTROL_RE.sub(" ", line)
        for pattern, replacement in _MARKDOWN:
            out = pattern.sub(replacement, out)
        out = re.sub(r"\s{2,}", " ", out).strip()
        if out:
            lines.append(out)
    return "\n".join(lines)


def text_for_speech(text: str) -> str:
    """The sentence as it should be spoken."""
    out = text_for_screen_reader(text).replace("\n", " ")
    # Web addresses are set apart first, so that no rule below reads into them.
    urls = [_spoken_url(m) for m in _URL_RE.finditer(out)]
    parts = _URL_RE.split(out)
    spoken = [_rewrite(part) for part in parts]
    out = spoken[0]
    for url, part in zip(urls, spoken[1:], strict=True):
        out = f"{out}{url}{part}"
    return re.sub(r"\s{2,}", " ", out).strip()


def _rewrite(text: str) -> str:
    """Numbers, units, abbreviations and symbols of text that holds no web address."""
    out = _CODE_DIGITS_RE.sub(_digit_by_digit, text)
    for pattern, replacement in _ABBREVIATIONS:
        out = pattern.sub(replacement, out)
    out = _TIME_RANGE_RE.sub(" to ", out)
    out = _TIME_RE.sub(_time, out)
    out = _CURRENCY_BEFORE_RE.sub(_currency, out)
    out = _CURRENCY_AFTER_RE.sub(_currency, out)
    out = _TEMPERATURE_RE.sub(_temperature, out)
    out = _DEGREES_RE.sub(lambda m: _quantity(m, "degree", "degrees"), out)
    out = _PERCENT_RE.sub(lambda m: _quantity(m, "percent", "percent"), out)
    out = _DIMENSIONS_RE.sub(" by ", out)  # first, so that "10x20 cm" has its unit read
    out = _UNIT_RE.sub(_unit, out)
    out = _DIMENSIONS_AFTER_UNIT_RE.sub(r"\g<unit> by ", out)
    out = _FRACTION_RE.sub(lambda m: _FRACTIONS[m.group("f")], out)
    out = _DASH_RANGE_RE.sub(r"\g<a> to \g<b>", out)
    out = _NEGATIVE_RE.sub("minus ", out)
    for pattern, replacement in _SYMBOLS:
        out = pattern.sub(replacement, out)
    return out
