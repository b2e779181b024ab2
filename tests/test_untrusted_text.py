"""Text from a model or a server loses its control characters and escape sequences before it
is printed, spoken, stored or copied; a fake server that answers with terminal escapes
proves it end to end (standard output, standard error, speech, the history file)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from describe_app.cli import main
from describe_app.core.describe.describer import DescribeRequest, GenerationStats, TextSink
from describe_app.core.untrusted_text import MAX_STRING, TextCleaner, clean_text
from tests.server_fixtures import LocalServer, QuietHandler, sse

# --- the cleaner --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("a\x1b]0;owned\x07b", "ab"),  # OSC ended by BEL
        ("a\x1b]0;owned\x1b\\b", "ab"),  # OSC ended by ST (ESC backslash)
        ("a\x9d0;owned\x9cb", "ab"),  # the one-byte C1 forms of OSC and ST
        ("a\x1b]52;c;b3duZWQ=\x07b", "ab"),  # a clipboard write
        ("\x1b]8;;http://x.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # a hyperlink
        ("x\x1b[2Jy", "xy"),
        ("x\x1b[1;31mred\x1b[0m", "xred"),
        ("x\x1b[?1049hy", "xy"),
        ("x\x9b2Jy", "xy"),  # the one-byte C1 CSI
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
        ("a\x1b_payload\x07b", "ab"),  # APC
        ("a\x1b7b\x1b8c", "abc"),  # save and restore the cursor
        ("a\x1b(Bb", "ab"),  # an ESC with an intermediate byte
        ("a\x1b\x1b[2Jb", "ab"),  # a doubled ESC
        ("the \x01\x11\x14\x17\x19model", "the model"),  # what the test model printed
        ("a\x00b\x08c\x7fd\re", "abcde"),
        ("a\x80b\x85c\x9fd", "abcd"),  # C1 controls
        ("a\u202eevil\u202c\u2066b\u2069", "aevilb"),  # bidi overrides and isolates
        ("a\ud800b", "ab"),  # a lone surrogate cannot even be printed
    ],
)
def test_controls_and_escape_sequences_are_removed(text: str, cleaned: str) -> None:
    assert clean_text(text) == cleaned


def test_newline_tab_and_every_letter_are_kept() -> None:
    text = "Line one:\tcafé, naïve, Straße, Ελληνικά, 日本語, עברית, emoji 😀 👍🏽.\nLine two."
    assert clean_text(text) is text  # untouched, not even copied


@pytest.mark.parametrize(
    "pieces",
    [
        ["The cat \x1b", "[2Jsits."],
        ["The cat \x1b[", "2", "J", "sits."],
        ["The cat \x1b]0;", "owned", "\x07sits."],
        ["The cat \x1b]0;owned\x1b", "\\sits."],
        ["The cat \x1b", "]0;owned\x07", "sits."],
        ["The cat ", "\x9b", "31m", "sits."],
    ],
)
def test_a_sequence_split_between_pieces_is_removed_whole(pieces: list[str]) -> None:
    cleaner = TextCleaner()
    out = [cleaner.feed(piece) for piece in pieces]
    assert "".join(out) + cleaner.flush() == "The cat sits."
    assert out[0] == "The cat "  # the words before it are not held back


def test_an_unfinished_string_does_not_swallow_the_answer() -> None:
    # a stray OSC introducer: the line break (or the length cap, or the end) gives its words back
    assert clean_text("\x1b]The cat.\nThe mat.") == "The cat.\nThe mat."
    assert clean_text("A \x1b]stray start") == "A stray start"
    long = "word " * (MAX_STRING // 5 + 10)
    assert clean_text("\x1b]" + long) == long
    assert clean_text("A \x1b[") == "A "  # an unfinished CSI is dropped


def test_the_cleaner_starts_afresh_after_flush() -> None:
    cleaner = TextCleaner()
    assert cleaner.feed("a\x1b[") == "a"
    assert cleaner.flush() == ""
    assert cleaner.feed("2Jb") == "2Jb"


class PiecesDescriber:
    """A describer that streams the given pieces, as the local model or a server would."""

    model_name = "pieces"

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        for piece in self.pieces:
            on_text(piece)
        return GenerationStats(len(self.pieces), 0.0, 0.0, 0.0, cancelled=False)


def test_every_sentence_of_a_request_is_cleaned() -> None:
    from describe_app.core.describe.conversation import Conversation
    from describe_app.core.describe.pipeline import run_request
    from describe_app.core.describe.prompts import Detail
    from describe_app.core.pictures.images import Picture

    picture = Picture(Image.new("RGB", (64, 64)), "blank.png", (64, 64))
    request = Conversation(picture).describe_request(Detail.BRIEF)
    # the bytes the test model printed, a split CSI, and an OSC that never ends
    pieces = ["A \x01\x11mug \x1b", "[2Jstands here.", " \x1b]The table\x14 is", " wooden."]
    said: list[str] = []
    result = run_request(
        PiecesDescriber(pieces), request, on_sentence=lambda s, _i: said.append(s), check=False
    )
    assert said == result.sentences == ["A mug stands here.", "The table is wooden."]


def test_ocr_text_is_cleaned() -> None:
    from describe_app.core.reading.ocr_reader import OcrReader

    corners = [[10, 10], [300, 10], [300, 40], [10, 40]]
    output = SimpleNamespace(txts=("EXIT\x1b[2J \x07here",), boxes=[corners], scores=(0.99,))
    reader = OcrReader(engine_factory=lambda _p: lambda image, **flags: output)
    assert reader.read(Image.new("RGB", (640, 480))).lines == ["EXIT here"]


# --- a hostile server, end to end ---------------------------------------------------------

HOSTILE_MODEL = "evil\x1b]0;owned\x07-vlm\x1b[2J"
HOSTILE_PIECES = [
    "A grey \x1b",
    "]0;owned\x07cat sits on a mat.",
    " \x1b[2JIt \x01looks \x1b]52;c;b3duZWQ=\x1b\\calm.\x1b",
    "[31m A café ☕ is near.",
]
CLEAN_SENTENCES = ["A grey cat sits on a mat.", "It looks calm.", "A café ☕ is near."]
LEFTOVERS = ("\x1b", "\x07", "\x01", "\x9b", "owned", "b3duZWQ", "[2J", "[31m", "\\u001b")


def assert_clean(text: str) -> None:
    for leftover in LEFTOVERS:
        assert leftover not in text, f"{leftover!r} in {text!r}"


class HostileServer:
    """Answers chat completions with escape sequences in the text and in the model name; with
    ``status`` set, answers that error with the escapes in the error body instead."""

    def __init__(self) -> None:
        self.status = 200
        self._http = LocalServer(self._handler())
        self.url = self._http.url

    def close(self) -> None:
        self._http.close()

    def _handler(self) -> type[QuietHandler]:
        hostile = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                body = json.dumps({"object": "list", "data": [{"id": HOSTILE_MODEL}]})
                self.send_body(200, body.encode())

            def do_POST(self) -> None:
                self.read_body()
                if hostile.status != 200:
                    error = {"error": {"message": "Bad \x1b]0;owned\x07thing\x1b[2J happened"}}
                    self.send_body(hostile.status, json.dumps(error).encode())
                    return
                self.start_stream()
                for piece in HOSTILE_PIECES:
                    choice = {"index": 0, "delta": {"content": piece}}
                    self.wfile.write(sse({"model": HOSTILE_MODEL, "choices": [choice]}))
                    self.wfile.flush()
                done = {"index": 0, "delta": {}, "finish_reason": "stop"}
                self.wfile.write(sse({"model": HOSTILE_MODEL, "choices": [done]}))
                self.wfile.write(b"data: [DONE]\n\n")

        return Handler


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.close()


@pytest.mark.slow  # a server, though a small one in this process
def test_describe_prints_and_says_nothing_of_the_escapes(
    hostile: HostileServer,
    photo_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from describe_app.core import speech as speech_module
    from tests.speech_fixtures import FakePlayer, FakeSynthesizer

    synthesizer, player = FakeSynthesizer(), FakePlayer()
    monkeypatch.setattr(speech_module, "default_synthesizer", lambda: synthesizer)
    monkeypatch.setattr(speech_module, "default_player", lambda: player)
    code = main(["describe", str(photo_file), "--server", hostile.url, "--no-download", "--speak"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines() == CLEAN_SENTENCES
    assert_clean(out + err)
    spoken = [text for text, _started, _ended in synthesizer.calls]
    assert spoken[1:] == CLEAN_SENTENCES  # after the notice saying where pictures go
    assert_clean(" ".join(spoken))


@pytest.mark.slow
def test_describe_json_carries_no_escapes(
    hostile: HostileServer, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["describe", str(photo_file), "--server", hostile.url, "--no-download", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert_clean(out + err)
    result = json.loads(out)
    assert result["sentences"] == CLEAN_SENTENCES
    assert result["model"] == f"evil-vlm on {hostile.url.split('://', 1)[1]}"


@pytest.mark.slow
def test_nothing_of_the_escapes_reaches_the_history_file(
    hostile: HostileServer, photo_file: Path, tmp_path: Path
) -> None:
    from describe_app.core.describe.conversation import Conversation
    from describe_app.core.describe.pipeline import run_request
    from describe_app.core.describe.prompts import Detail
    from describe_app.core.describe.remote.remote_describer import RemoteDescriber
    from describe_app.core.history.store import History
    from describe_app.core.pictures.images import load_picture

    picture = load_picture(str(photo_file))
    request = Conversation(picture).describe_request(Detail.BRIEF)
    with RemoteDescriber(hostile.url) as describer:
        result = run_request(describer, request)
    history = History(tmp_path / "history")
    history.add(source=result.source, kind="describe", text=result.text, model=result.model)

    stored = history.file.read_text(encoding="utf-8")
    assert_clean(stored)
    (entry,) = History(tmp_path / "history").entries
    assert entry.text == " ".join(CLEAN_SENTENCES)
    assert_clean(entry.model + entry.as_text())


@pytest.mark.slow
def test_a_servers_error_message_is_cleaned(
    hostile: HostileServer, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile.status = 500
    code = main(["describe", str(photo_file), "--server", hostile.url, "--no-download"])
    out, err = capsys.readouterr()
    assert code == 5
    assert "Bad thing happened" in err
    assert_clean(out + err)


@pytest.mark.slow
def test_servers_test_lists_the_model_names_cleaned(
    hostile: HostileServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["servers", "test", hostile.url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "evil-vlm" in out
    assert_clean(out + err)
