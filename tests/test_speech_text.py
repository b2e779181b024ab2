"""Numbers, units and symbols read naturally; settings keep their ranges."""

from __future__ import annotations

import pytest

from describe_app.core.speech.speech_settings import (
    RATE_MAX,
    RATE_MIN,
    EarconSettings,
    OutputRoute,
    SpeechSettings,
)
from describe_app.core.speech.text_for_speech import text_for_speech

TRICKY = [
    ("The door is 3.5 m tall.", "The door is 3.5 metres tall."),
    ("A 1 m wide path.", "A 1 metre wide path."),
    ("It is 3.5m away.", "It is 3.5 metres away."),
    ("The sign says 50 km/h.", "The sign says 50 kilometres per hour."),
    ("It weighs 1 kg, not 2 kg.", "It weighs 1 kilogram, not 2 kilograms."),
    ("Use 3-5 kg of flour.", "Use 3 to 5 kilograms of flour."),
    ("It is 21 °C inside.", "It is 21 degrees Celsius inside."),
    ("It is 70°F outside.", "It is 70 degrees Fahrenheit outside."),
    ("Temperatures of -5 °C.", "Temperatures of minus 5 degrees Celsius."),
    ("A 45° slope.", "A 45 degrees slope."),
    ("Battery at 50%.", "Battery at 50 percent."),
    ("Salt & pepper.", "Salt and pepper."),
    ("It costs $5.99.", "It costs 5 dollars 99."),
    ("It costs $1.", "It costs 1 dollar."),
    ("A $2 million house.", "A 2 million dollars house."),
    ("Tickets are €10.", "Tickets are 10 euros."),
    ("Open at 10:30.", "Open at 10 30."),
    ("The bus leaves at 9:05 am.", "The bus leaves at 9 oh 5 a m."),
    ("The clock shows 3:00.", "The clock shows 3 o'clock."),
    ("Closes at 14:00.", "Closes at 14 hundred."),
    ("A 1920x1080 screen.", "A 1920 by 1080 screen."),
    ("A 2 x 3 grid.", "A 2 by 3 grid."),
    ("Add 1/2 cup.", "Add one half cup."),
    ("Dated 12/05/2024.", "Dated 12/05/2024."),
    ("Open 24/7.", "Open 24 7."),
    ("Room #5 and No. 7.", "Room number 5 and number 7."),
    ("About ~5 m away.", "About about 5 metres away."),
    ("Wait 10–20 minutes.", "Wait 10 to 20 minutes."),
    ("Pets, e.g. a cat.", "Pets, for example a cat."),
    ("**Bold** words.", "Bold words."),
    ("- a list item", "a list item"),
    ("He/she left.", "He or she left."),
    ("Tea and/or coffee.", "Tea and or coffee."),
    ("A 100 m² flat.", "A 100 square metres flat."),
    ("A 5 MB photo at 2 MB/s.", "A 5 megabytes photo at 2 megabytes per second."),
    ("3 + 4 = 7", "3 plus 4 equals 7"),
    ("It is 5 ± 1 cm.", "It is 5 plus or minus 1 centimetre."),
    ("We meet at 7:15 p.m.", "We meet at 7 15 p m."),
    ("At 7 p.m. we eat.", "At 7 p.m. we eat."),
    # Words that look like units must stay words.
    ("I am here in the room.", "I am here in the room."),
    ("A man with a hat.", "A man with a hat."),
    ("Version 2.0 of 3 items.", "Version 2.0 of 3 items."),
    ("The M4 motorway.", "The M4 motorway."),
    ("Mr. Smith is 5 ft tall.", "Mr. Smith is 5 feet tall."),
]


@pytest.mark.parametrize(("written", "spoken"), TRICKY)
def test_numbers_units_and_symbols_read_naturally(written: str, spoken: str) -> None:
    assert text_for_speech(written) == spoken


def test_settings_clamp_and_round_trip() -> None:
    s = SpeechSettings(rate=10_000, volume=-3)
    assert s.rate == RATE_MAX
    assert s.volume == 0.0
    assert SpeechSettings(rate=1).rate == RATE_MIN
    assert SpeechSettings(route="both").route is OutputRoute.BOTH  # type: ignore[arg-type]
    custom = SpeechSettings(
        rate=220, volume=0.5, voice_id="gmw/en", earcons=EarconSettings(working=False)
    )
    assert SpeechSettings.from_dict(custom.to_dict()) == custom


def test_settings_steps_stay_in_range() -> None:
    s = SpeechSettings(rate=RATE_MAX, volume=1.0)
    assert s.faster().rate == RATE_MAX
    assert s.slower().rate < RATE_MAX
    assert s.louder().volume == 1.0
    assert s.quieter().volume == pytest.approx(0.9)


def test_settings_from_bad_data_fall_back_to_defaults() -> None:
    s = SpeechSettings.from_dict(
        {"rate": "fast", "volume": None, "route": "loud", "voice_id": 3, "earcons": [1]}
    )
    assert s == SpeechSettings()
