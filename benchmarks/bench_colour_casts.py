"""How often the colour in the middle of the view is named rightly under tinted light, named
as the camera saw it (before) and with the light estimated and corrected for (after).

    python benchmarks/bench_colour_casts.py [--seeds N]

Scenes from tests/colour_cast_scenes.py: 12 objects of known colours in a room or filling
most of the view, under daylight, a 2700 K lamp, 4000 K greenish tubes, 7500 K shade and a
12000 K blue sky, each partly taken back by the camera's white balance, with noise and
JPEG. Also times the colour key on a 640x480 picture (target: under 30 ms). Prints a table
and writes benchmarks/results/bench_colour_casts.json.

Columns: "before" and "after", the share of pictures whose colour got a right name;
"said: corrected", the share where the colour was corrected for the light and the light
said ("White. The light is warm yellow."); "said: may be off", the share where the light
was only likely, the colour named as seen and the doubt said. Under daylight ("none")
both "said" columns are false warnings.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from describe_app.core.pictures.colour_names import middle_colour
from tests.colour_cast_scenes import accuracy_table, cast_scene

RESULTS = Path(__file__).resolve().parent / "results" / "bench_colour_casts.json"


def timing_ms(correct_light: bool) -> float:
    image = cast_scene("white", "tungsten 2700 K", 3).image
    middle_colour(image, correct_light=correct_light)
    times = []
    for _ in range(30):
        start = time.perf_counter()
        middle_colour(image, correct_light=correct_light)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=4, help="pictures of each object and light")
    args = parser.parse_args()
    rows: dict[str, dict[str, object]] = {}
    print(
        f"{'scene':10s}{'light':22s}{'before':>9s}{'after':>9s}"
        f"{'said: corrected':>17s}{'said: may be off':>18s}"
    )
    for close_up in (False, True):
        kind = "close-up" if close_up else "room"
        for cast, tally in accuracy_table(range(args.seeds), close_up=close_up).items():
            n = tally.pictures
            print(
                f"{kind:10s}{cast:22s}{tally.plain_right / n:>9.0%}{tally.right / n:>9.0%}"
                f"{tally.light_corrected / n:>17.0%}{tally.light_may_be / n:>18.0%}"
            )
            rows[f"{kind}: {cast}"] = asdict(tally)
    before, after = timing_ms(False), timing_ms(True)
    print(f"colour key on 640x480: {before:.1f} ms before, {after:.1f} ms after (median)")
    rows["timing_ms"] = {"before": before, "after": after}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from machine import stamp

    RESULTS.write_text(json.dumps(stamp(rows), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
