"""The quick channels: ``codes``, ``colour`` and ``light``; no model, answers at once.

    describe-app codes photo.jpg [--json] [--speak]   every QR code and barcode: kind, content
    describe-app codes --camera 0 --speak             read each code as it comes into view
    describe-app colour photo.jpg [--precise]         the colour in the middle of the picture
    describe-app light photo.jpg                      how light the picture is, in words
    describe-app light --camera 0                     the light meter: a tone, higher when lighter

A code's content is untrusted text: it is cleaned before it is printed or said, and a web
address is only read out, never opened. Each code read goes into the history as it was
said, with its source (the picture's file name, or "camera"), unless history is off.
``codes`` exits 1 when a picture holds no code it can read (as ``grep`` does when it finds
nothing), 2 when a picture cannot be opened.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from describe_app.cli.history_keeper import CommandLineHistory
from describe_app.cli.live_lines import announce, stamp
from describe_app.cli.number_options import more_than_zero
from describe_app.cli.output import error, print_json, print_name
from describe_app.cli.pictures import Handler, for_each_picture
from describe_app.cli.speech import CommandLineSpeech
from describe_app.core.i18n import N_, _

if TYPE_CHECKING:
    from describe_app.core.camera.frame_source import FrameSource
    from describe_app.core.pictures.images import Picture
    from describe_app.core.reading.codes import CodeReader

#: Frames looked at per second by the live modes.
CHECKS_PER_SECOND = 4.0


def add_quick_channel_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    speech_opts: argparse.ArgumentParser,
) -> None:
    """Register ``codes``, ``colour`` and ``light``."""
    p = commands.add_parser(
        "codes",
        parents=[speech_opts],
        help=_("read QR codes and barcodes in pictures or in the camera's view"),
        description=_(
            "Read every QR code and barcode (EAN, UPC, Code 128, Data Matrix and more) in "
            "each picture: its kind and what it holds; a product code digit by digit. With "
            "--camera, read each code as it comes into view, and say how to aim at a code "
            "that is seen but cannot be read yet. Each page of a PDF or a TIFF is looked "
            "at as a picture of its own. A web address is read out, never opened. "
            "Exit status: 0 when every picture held a code, 1 when one held none, 2 when "
            "a picture could not be opened."
        ),
    )
    _pictures_or_camera(p)
    p.add_argument(
        "--json", action="store_true", help=_("print one JSON object per picture or code")
    )

    p = commands.add_parser(
        "colour",
        aliases=["color"],
        parents=[speech_opts],
        help=_("name the colour in the middle of pictures"),
        description=_(
            "Name the colour of what is in the middle of each picture in plain words (for "
            "example 'dark navy blue'), and a second colour when the middle has two. "
            "For the light level of a picture, use 'describe-app light'."
        ),
    )
    p.add_argument("images", nargs="+", metavar="IMAGE", help=_("picture files"))
    p.add_argument(
        "--precise", action="store_true", help=_("choose from about 180 names ('cornflower blue')")
    )
    p.add_argument("--json", action="store_true", help=_("print one JSON object per picture"))

    p = commands.add_parser(
        "light",
        parents=[speech_opts],
        help=_("how light pictures are, or a light meter tone from the camera"),
        description=_(
            "Say how light each picture is, in words (very dark, dark, dim, medium light, "
            "bright, very bright) and from 0 to 100. With --camera, the light meter: a short "
            "tone four times a second, higher the more light the middle of the view shows, "
            "for finding a lamp or a window; the level is printed when it changes. A camera "
            "that sets its exposure by itself brightens a dim room, so the camera's level is "
            "a guide, not a measurement."
        ),
    )
    _pictures_or_camera(p)
    p.add_argument("--json", action="store_true", help=_("print one JSON object per picture"))


def _pictures_or_camera(p: argparse.ArgumentParser) -> None:
    p.add_argument("images", nargs="*", metavar="IMAGE", help=_("picture files"))
    group = p.add_argument_group(_("camera"))
    group.add_argument(
        "--camera",
        metavar="SOURCE",
        help=_("use this camera instead of pictures: a number (0 = first), an address or a video"),
    )
    group.add_argument(
        "--max-seconds",
        type=more_than_zero,
        metavar="N",
        help=_("stop after N seconds (default: never)"),
    )


def _check_input(args: argparse.Namespace, what: str) -> int | None:
    """2 (and said) when there are both pictures and a camera, or neither."""
    from describe_app.core.i18n import _

    if bool(args.images) == bool(args.camera):
        error(
            _(
                "Give one or more pictures, or --camera SOURCE for {what}, for example: "
                "describe-app {command} photo.jpg"
            ).format(what=_(what), command=args.command)
        )
        return 2
    if args.camera:
        from describe_app.core.camera.frame_source import parse_target

        parse_target(args.camera)  # a missing video file is said before the sound starts
    return None


# --- codes ------------------------------------------------------------------------------


def run_codes(args: argparse.Namespace) -> int:
    from describe_app.core.reading.codes import CODE_DPI, CODE_PICTURE_SIDE, ZxingCodeReader

    bad = _check_input(args, N_("live codes"))
    if bad is not None:
        return bad
    if args.camera:
        return _live_codes(args, ZxingCodeReader())

    from describe_app.core.reading.document_reader import is_paged_file

    paged = {name for name in args.images if is_paged_file(name)}  # looked at once each
    many = len(args.images) > 1 or bool(paged)

    def prepare() -> tuple[Handler, str | None]:
        reader, history = ZxingCodeReader(), CommandLineHistory()
        return (
            lambda picture, speech: _codes_in(reader, history, picture, args, speech, many)
        ), None

    # a ticket or a boarding pass is often a PDF, a scanner's pages a TIFF: each page is
    # looked at as a picture
    return for_each_picture(
        args, prepare, working_side=CODE_PICTURE_SIDE, page_dpi=CODE_DPI, paged=paged
    )


def _codes_in(
    reader: CodeReader,
    history: CommandLineHistory,
    picture: Picture,
    args: argparse.Namespace,
    speech: CommandLineSpeech,
    many: bool,
) -> int:
    from describe_app.core.history.entry import EntryKind
    from describe_app.core.reading.codes import no_code_sentence

    look = reader.read(picture.image)
    lines = [code.sentence() for code in look.codes] or [no_code_sentence()]
    if args.json:
        print_json(
            {
                "source": picture.source,
                "codes": [code.to_json() for code in look.codes],
                "seconds": round(look.seconds, 4),
            }
        )
    elif many:  # several files, or a document's pages
        print_name(picture.source)
    for index, line in enumerate(lines):
        if not args.json:
            print(line, flush=True)
        speech.sentence(line, index)
    for code in look.codes:
        history.add(picture.source, EntryKind.CODE, code.sentence(), picture)
    return 0 if look.codes else 1


def _live_codes(args: argparse.Namespace, reader: CodeReader) -> int:
    from describe_app.core.camera.frame_source import FrameSource
    from describe_app.core.history.entry import SOURCE_CAMERA, EntryKind
    from describe_app.core.i18n import _
    from describe_app.core.live.code_watch import (
        CODE_CUE_WORDS,
        CodeCueFound,
        CodesFound,
        CodeWatcher,
    )
    from describe_app.core.pictures.images import picture_from_frame

    history = CommandLineHistory()

    with (
        CommandLineSpeech(args) as speech,
        FrameSource(
            args.camera, every_s=1.0 / CHECKS_PER_SECOND, max_seconds=args.max_seconds
        ) as frames,
    ):
        watcher = CodeWatcher(clock=lambda: frames.now)
        _say(frames, speech, args, _("Reading codes. Point the camera at a code."))
        for frame in frames:
            found = watcher.observe(reader.read(frame.image))
            if isinstance(found, CodesFound):
                picture = picture_from_frame(frame.image, source=SOURCE_CAMERA)
                for index, code in enumerate(found.codes):
                    if args.json:
                        print_json({"at": stamp(frames), **code.to_json()})
                        speech.sentence(code.sentence(), index)
                    else:
                        announce(frames, speech, code.sentence())
                    history.add(SOURCE_CAMERA, EntryKind.CODE, code.sentence(), picture)
            elif isinstance(found, CodeCueFound):
                _say(frames, speech, args, _(CODE_CUE_WORDS[found.cue]))
    return 0


def _say(
    frames: FrameSource, speech: CommandLineSpeech, args: argparse.Namespace, text: str
) -> None:
    if args.json:
        print_json({"at": stamp(frames), "message": text})
        speech.sentence(text, 0)
    else:
        announce(frames, speech, text)


def _print(frames: FrameSource, args: argparse.Namespace, text: str) -> None:
    if args.json:
        print_json({"at": stamp(frames), "message": text})
    else:
        print(f"[{stamp(frames)}] {text}", flush=True)


# --- colour -----------------------------------------------------------------------------


def run_colour(args: argparse.Namespace) -> int:
    from describe_app.core.pictures.colour_names import middle_colour

    def prepare() -> tuple[Handler, str | None]:
        def name(picture: Picture, speech: CommandLineSpeech) -> int:
            found = middle_colour(picture.image, precise=args.precise)
            if args.json:
                print_json({"source": picture.source, **found.to_json()})
            else:
                if len(args.images) > 1:
                    print_name(picture.source)
                print(found.sentence(), flush=True)
            speech.sentence(found.sentence(), 0)
            return 0

        return name, None

    return for_each_picture(args, prepare)


# --- light ------------------------------------------------------------------------------


def run_light(args: argparse.Namespace) -> int:
    from describe_app.core.i18n import _
    from describe_app.core.pictures.light_level import (
        LIGHT_WORDS,
        light_level,
        light_sentence,
        light_value,
    )

    bad = _check_input(args, N_("the light meter"))
    if bad is not None:
        return bad
    if args.camera:
        return _light_meter(args)

    def prepare() -> tuple[Handler, str | None]:
        def measure(picture: Picture, speech: CommandLineSpeech) -> int:
            value = light_value(picture.image)
            if args.json:
                level = light_level(value)
                print_json(
                    {
                        "source": picture.source,
                        "light": round(value, 1),
                        "level": level.value,
                        "words": _(LIGHT_WORDS[level]),
                    }
                )
            else:
                if len(args.images) > 1:
                    print_name(picture.source)
                print(light_sentence(value), flush=True)
            speech.sentence(light_sentence(value), 0)
            return 0

        return measure, None

    return for_each_picture(args, prepare)


def _light_meter(args: argparse.Namespace) -> int:
    from describe_app.core.camera.frame_source import FrameSource
    from describe_app.core.i18n import _
    from describe_app.core.live.light_meter import LightMeter, light_tone
    from describe_app.core.pictures.light_level import light_sentence

    args = argparse.Namespace(**{**vars(args), "speak": True})  # the tones need a sound out
    meter = LightMeter()
    with (
        CommandLineSpeech(args) as speech,
        FrameSource(
            args.camera, every_s=1.0 / CHECKS_PER_SECOND, max_seconds=args.max_seconds
        ) as frames,
    ):
        # printed, not said: the first tone would cut the words off
        _print(frames, args, _("Light meter on. The tone rises with the light."))
        for frame in frames:
            reading = meter.read(frame.image)
            if reading.changed:
                _print(frames, args, light_sentence(reading.value))
            speech.sound(light_tone(reading.value))
    return 0
