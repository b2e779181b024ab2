"""The camera commands: ``describe-app watch`` (hands-free) and ``describe-app guide`` (reading).

    describe-app watch --camera 0            describe the view each time it changes and settles
    describe-app watch --prepare always      ... starting on a view as soon as it stops moving
    describe-app guide --camera 0 --speak    say how to aim at a page, then read it
    describe-app guide --camera 0 --tones    the same, with tones for the aiming cues

They run the core's :class:`~describe_app.core.live.hands_free.ChangeWatcher` and
:class:`~describe_app.core.live.guidance.GuidanceCoach` with no window, printing (and with
``--speak`` saying) each description or cue with a timestamp: a small headless device with
a camera and a speaker is enough. ``watch --json`` prints one JSON object a line instead:
``{"at": ..., "message": ...}`` for each notice, and the time with the whole result for
each view described. A video file as the camera is read at its own time
and ends the command at its end; ``--max-seconds`` ends it earlier. ``guide --tones``
plays each aiming cue as a short tone (:mod:`describe_app.core.live.guidance_tones`) and still
prints its words; "ready" and the page read stay spoken.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from describe_app.cli.live_lines import announce, stamp
from describe_app.cli.number_options import more_than_zero, zero_or_more
from describe_app.cli.output import print_json
from describe_app.cli.prepare_option import add_prepare_option
from describe_app.cli.speech import CommandLineSpeech
from describe_app.core.i18n import _

if TYPE_CHECKING:
    from describe_app.core.describe.describer import Describer

log = logging.getLogger(__name__)

OpenDescriber = Callable[[argparse.Namespace], "Describer"]


#: ``watch`` ends when this many descriptions in a row failed (a server gone for good).
MAX_FAILURES = 3


def add_camera_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    model_opts: argparse.ArgumentParser,
    speech_opts: argparse.ArgumentParser,
) -> None:
    """Register ``watch`` and ``guide``."""
    camera_opts = camera_options()
    _add_watch(commands, parents=[model_opts, speech_opts, camera_opts])
    _add_guide(commands, parents=[speech_opts, camera_opts])


def camera_options() -> argparse.ArgumentParser:
    """The options both commands share: which camera, and for how long."""
    camera_opts = argparse.ArgumentParser(add_help=False)
    group = camera_opts.add_argument_group(_("camera"))
    group.add_argument(
        "--camera",
        metavar="SOURCE",
        default="0",
        help=_("camera number (0 = first, the default), an http/rtsp address, or a video file"),
    )
    group.add_argument(
        "--max-seconds",
        type=more_than_zero,
        metavar="N",
        help=_("stop after N seconds (default: never)"),
    )
    return camera_opts


def _add_watch(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    parents: list[argparse.ArgumentParser],
) -> None:
    p = commands.add_parser(
        "watch",
        parents=parents,
        help=_("hands-free: describe the camera's view each time it changes"),
        description=_(
            "Hands-free: describe what the camera sees each time the view has changed and "
            "then stayed still for a moment; say nothing while it stays the same."
        ),
    )
    p.add_argument(
        "--change",
        type=zero_or_more,
        default=12.0,
        metavar="LEVEL",
        help=_("how different the view must be to describe it again (grey levels, default 12)"),
    )
    p.add_argument(
        "--settle",
        type=zero_or_more,
        default=1.0,
        metavar="SECONDS",
        help=_("how long the view must stay still first (default 1)"),
    )
    p.add_argument(
        "--interval",
        type=zero_or_more,
        default=5.0,
        metavar="SECONDS",
        help=_("at least this long between two descriptions (default 5)"),
    )
    add_prepare_option(
        p,
        what=_(
            "start the model on a changed view in the background as soon as it stops moving, "
            "so that less is left when it has settled (a view that moved again is described "
            "from the newest frame)"
        ),
        default="mains",
    )


def _add_guide(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    parents: list[argparse.ArgumentParser],
) -> None:
    p = commands.add_parser(
        "guide",
        parents=parents,
        help=_("say how to aim the camera at a page, then read it"),
        description=_(
            "Reading guidance: say how to move the camera (cut off, too close, too far, hold "
            "still, too dark) until the page is in view and sharp, then read it aloud."
        ),
    )
    p.add_argument(
        "--checks",
        type=zero_or_more,
        default=4.0,
        metavar="PER_SECOND",
        help=_("frames checked per second (default 4)"),
    )
    p.add_argument("--once", action="store_true", help=_("stop after reading one page"))
    p.add_argument(
        "--tones",
        action="store_true",
        help=_(
            "play each aiming cue as a short tone instead of saying it (implies --speak); "
            "the words are still printed, and the page is still read aloud"
        ),
    )


def run_watch(args: argparse.Namespace, open_describer: OpenDescriber) -> int:
    from dataclasses import replace

    from describe_app.cli.watch_answers import watch_answers
    from describe_app.core.camera.frame_source import FrameSource, parse_target
    from describe_app.core.describe.conversation import Conversation
    from describe_app.core.describe.prompts import Detail, PromptSpec
    from describe_app.core.errors import DescribeError, ModelLoadError
    from describe_app.core.i18n import _
    from describe_app.core.live.hands_free import ChangeWatcher, WatchSettings
    from describe_app.core.live.prepare_policy import PreparePolicy

    settings = WatchSettings(change=args.change, settle_s=args.settle, min_interval_s=args.interval)
    parse_target(args.camera)  # a missing video file is said before the model loads
    describer = open_describer(args)
    with (
        CommandLineSpeech(args) as speech,
        FrameSource(args.camera, every_s=0.1, max_seconds=args.max_seconds) as frames,
    ):
        watcher = ChangeWatcher(settings, clock=lambda: frames.now)
        answers = watch_answers(
            describer,
            frames.name,
            policy=PreparePolicy(args.prepare),
            remote=bool(args.server),
            settings=settings,
            prompt=PromptSpec(detail=Detail.BRIEF, language=args.language),
            clock=lambda: frames.now,
        )
        as_json = bool(getattr(args, "json", False))
        announce(
            frames,
            speech,
            _("Hands-free mode on, watching {source}.").format(source=frames.name),
            as_json=as_json,
        )
        failures: list[DescribeError] = []
        status = 0
        try:
            for frame in frames:
                answers.look(frame.image)
                if not watcher.observe(frame.image):
                    continue
                log.info("view changed (%.1f): describing", watcher.last_change)
                picture = answers.picture_for(frame.image)
                request = Conversation(picture, language=args.language).describe_request(
                    Detail.BRIEF
                )
                if args.max_tokens:
                    request = replace(request, max_new_tokens=args.max_tokens)

                def on_sentence(sentence: str, index: int) -> None:
                    if not as_json:
                        print(f"[{stamp(frames)}] {sentence}", flush=True)
                    speech.sentence(sentence, index)

                at = stamp(frames)
                try:
                    result = answers.describe(request, on_sentence, check=not args.describe_anyway)
                except ModelLoadError:
                    raise  # no model: said once by the command, and the watch ends
                except DescribeError as exc:
                    # a server that timed out once: said, and the watch goes on; the same
                    # failure MAX_FAILURES times in a row ends it
                    failures.append(exc)
                    announce(frames, speech, str(exc), as_json=as_json)
                    if len(failures) >= MAX_FAILURES:
                        status = exc.exit_code
                        break
                    continue
                failures.clear()
                if as_json and result is not None:
                    print_json({"at": at, **result.to_json()})
        finally:
            answers.close()
        announce(frames, speech, _("Hands-free mode off."), as_json=as_json)
    return status


def run_guide(args: argparse.Namespace) -> int:
    from describe_app.core.camera.frame_source import FrameSource, parse_target
    from describe_app.core.i18n import _
    from describe_app.core.live.guidance import (
        CUE_WORDS,
        Cue,
        GuidanceCoach,
        choose_cue,
        look_at_frame,
    )
    from describe_app.core.live.guidance_tones import cue_tone
    from describe_app.core.pictures.images import picture_from_frame
    from describe_app.core.reading.ocr_reader import OcrReader
    from describe_app.core.reading.text_finder import RapidTextFinder

    parse_target(args.camera)  # a missing video file is said before the reader loads
    finder = RapidTextFinder()
    reader = OcrReader()
    finder.load()
    reader.load()
    every_s = 1.0 / args.checks if args.checks > 0 else 0.0
    tones = bool(getattr(args, "tones", False))
    if tones:
        args = argparse.Namespace(**{**vars(args), "speak": True})  # tones need a sound out
    with (
        CommandLineSpeech(args) as speech,
        FrameSource(args.camera, every_s=every_s, max_seconds=args.max_seconds) as frames,
    ):
        coach = GuidanceCoach(clock=lambda: frames.now)
        announce(frames, speech, _("Reading guidance on. Point the camera at the page."))
        previous = None
        for frame in frames:
            look, previous = look_at_frame(frame.image, finder, previous_small=previous)
            cue = coach.observe(choose_cue(look))
            if cue is None:
                continue
            words = _(CUE_WORDS[cue])
            if cue is not Cue.READY and tones:
                print(f"[{stamp(frames)}] {words}", flush=True)
                speech.sound(cue_tone(cue))  # cuts off the last cue, as a spoken one does
                continue
            if cue is not Cue.READY:
                announce(frames, speech, words)
                continue
            speech.earcon("picture_taken")  # first, then the words after it
            print(f"[{stamp(frames)}] {words}", flush=True)
            speech.sentence(words, 1)
            result = reader.read(picture_from_frame(frame.image, source=frames.name).image)
            for index, line in enumerate(result.lines or [result.sentence]):
                print(f"[{stamp(frames)}] {line}", flush=True)
                speech.sentence(line, index + 1)
            if args.once:
                break
        # the end is said, as hands-free's is (the video ended, --max-seconds, --once)
        announce(frames, speech, _("Reading guidance off."))
    return 0
