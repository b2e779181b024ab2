"""QA pass 4 on the command line: odd inputs the other tests do not try.

Through :func:`describe_app.cli.main`, in this process, with no model loaded (each error
comes before one would be): a mistake in the options is one line, not the whole usage;
camera numbers that mean nothing (negative, 0, "nan", "inf") and speaking rates outside
what the voices say are refused by the parser; a web address, ``-`` or an empty name given
as a picture is said for what it is, and the good pictures among them are still done; a
``file://`` address is taken as its file; a missing video for the light meter is said
before any sound starts.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from describe_app.cli import main
from describe_app.cli.parser import build_parser
from tests.server_fixtures import StubServer

#: What must never reach a terminal: ESC, C1 controls, NUL.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: A model option that fails at once if anything tries to load a model.
NO_MODEL = ["--model", "/nonexistent/model-folder", "--no-download"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, list[str]]:
    """Exit status, standard output and the non-empty lines of standard error."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert not RAW.search(err.replace("\n", "")), repr(err)
    return code, out, [line for line in err.splitlines() if line.strip()]


@pytest.fixture
def striped(tmp_path: Path) -> Path:
    """A picture (diagonal orange stripes on teal) under a name with a space and an accent."""
    image = Image.new("RGB", (300, 200), (0, 128, 128))
    draw = ImageDraw.Draw(image)
    for x in range(-200, 300, 40):
        draw.line((x, 200, x + 200, 0), fill=(255, 140, 0), width=14)
    path = tmp_path / "rayé orange.png"
    image.save(path)
    return path


# --- mistakes in the options: one line --------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["describe"], "required: IMAGE"),
        (["ask", "x.jpg", "Why?", "--quantize", "int4"], "invalid choice"),
        (["read", "x.png", "--rate", "fast"], "argument --rate"),
        (["models"], "required"),
        (["servers", "add", "only-a-name"], "required"),
        (["light", "--camera", "0", "--max-seconds", "\x1b[2Jsoon"], "argument --max-seconds"),
        (["colour", "x.png", "--unknown-option"], "unrecognized arguments"),
    ],
)
def test_a_mistake_in_the_options_is_one_line_not_the_usage(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: a dozen lines of "usage: describe-app describe [-h] [--model ..." came first,
    # all read out by a screen reader before the line that says what is wrong.
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert len(err) == 1, err
    assert err[0].startswith("describe-app") and "usage:" not in err[0]
    assert needle in err[0] and "--help" in err[0]


def test_an_unknown_option_points_to_the_help_of_its_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Before: "usage: describe-app [-h] [--version] ..." then "describe-app: error:
    # unrecognized arguments: --loud": the program's help, not the command's.
    code, out, err = run(["voices", "--loud"], capsys)
    assert code == 2 and out == ""
    assert err == [
        "describe-app voices: error: unrecognized arguments: --loud. "
        "Run describe-app voices --help to see its options."
    ]


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("holiday photo.heic", "There is no file called holiday photo.heic."),
        ("{tmp}", "is a folder, not a picture."),
        ("https://example.org/a.webp", "is a web address"),
    ],
)
def test_a_picture_named_without_a_command_is_said_as_a_file_not_a_command(
    word: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: "There is no command holiday photo.heic. Run describe-app --help for the list."
    code, out, err = run([word.format(tmp=tmp_path)], capsys)
    assert code == 2 and out == ""
    assert len(err) == 1 and said in err[0] and "command" not in err[0], err


# --- numbers that mean nothing ----------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["watch", "--max-seconds", "-5"], "--max-seconds"),
        (["watch", "--max-seconds", "nan"], "--max-seconds"),
        (["guide", "--max-seconds", "0"], "--max-seconds"),
        (["codes", "--camera", "0", "--max-seconds", "inf"], "--max-seconds"),
        (["light", "--camera", "0", "--max-seconds", "-0.5"], "--max-seconds"),
        (["watch", "--change", "nan"], "--change"),
        (["watch", "--settle", "-1"], "--settle"),
        (["watch", "--interval", "inf"], "--interval"),
        (["guide", "--checks", "-3"], "--checks"),
        (["describe", "x.jpg", "--rate", "-50"], "--rate"),
        (["read", "x.jpg", "--rate", "100000"], "--rate"),
        (["ask", "x.jpg", "Why?", "--rate", "nan"], "--rate"),
    ],
)
def test_camera_and_speech_numbers_that_mean_nothing_are_refused(
    argv: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: "--max-seconds -5" ended at once with nothing said, "nan" ran for ever,
    # "--change nan" never described, and "--rate -50" quietly became the slowest rate.
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert len(err) == 1 and f"argument {option}:" in err[0], err


def test_numbers_that_mean_something_still_pass() -> None:
    parser = build_parser()
    args = parser.parse_args(["watch", "--max-seconds", "0.5", "--settle", "0", "--change", "3"])
    assert (args.max_seconds, args.settle, args.change) == (0.5, 0.0, 3.0)
    assert parser.parse_args(["guide", "--checks", "0"]).checks == 0.0  # every frame
    assert parser.parse_args(["describe", "x.jpg", "--rate", "240"]).rate == 240


# --- names that are no file names -------------------------------------------------------


def test_addresses_stdin_and_empty_names_are_said_and_the_good_picture_is_done(
    striped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["https://example.org/photos/cat.jpg", "-", "", str(striped)]
    code, out, err = run(["colour", *names], capsys)
    assert code == 2  # some failed
    assert len(err) == 3, err
    # Before: "There is no file called cat.jpg.", "There is no file called -." and
    # ". is a folder, not a picture."
    assert "https://example.org/photos/cat.jpg is a web address" in err[0]
    assert "standard input" in err[1]
    assert "file name is empty" in err[2]
    assert out.splitlines()[0] == f"# {striped}"  # the good one is still named and done
    assert len(out.splitlines()) == 2


@pytest.mark.parametrize("command", ["describe", "ask", "read", "codes", "light"])
def test_a_web_address_is_said_before_any_model_or_reader_loads(
    command: str, capsys: pytest.CaptureFixture[str], own_history: Path
) -> None:
    argv = [command, "rtsp://192.168.1.9/stream/photo.png"]
    argv += {"describe": NO_MODEL, "ask": ["What is it?", *NO_MODEL]}.get(command, [])
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert len(err) == 1 and "is a web address" in err[0], err


def test_a_file_address_is_taken_as_its_file(
    striped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As a file manager copies it: the space and the accent percent-encoded.
    code, out, err = run(["light", striped.as_uri(), "--json"], capsys)
    assert code == 0 and err == []
    assert f'"source": "{striped}"' in out


def test_a_file_that_is_really_called_dash_is_read(
    tmp_path: Path,
    striped: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "-").write_bytes(striped.read_bytes())
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["colour", "-"], capsys)
    assert code == 0 and err == [] and out.strip()


# --- the live modes: a missing video is the only line -----------------------------------


@pytest.mark.parametrize("command", ["light", "codes"])
def test_a_missing_video_is_said_before_the_sound_starts(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], own_history: Path
) -> None:
    # Before (light): "Speech cannot play because no audio output device was found." came
    # first on a computer without sound, then the line that mattered.
    code, out, err = run([command, "--camera", str(tmp_path / "gone.mp4")], capsys)
    assert code == 6 and out == ""
    assert len(err) == 1 and "gone.mp4" in err[0], err


# --- questions and model names ---------------------------------------------------------


@pytest.mark.parametrize("questions", [[""], ["What is it?", "  "]])
def test_an_empty_question_is_refused_before_the_model_loads(
    questions: list[str], striped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: the model was asked nothing, and its made-up answer was printed (exit 0).
    code, out, err = run(["ask", str(striped), *questions, *NO_MODEL], capsys)
    assert code == 2 and out == ""
    assert len(err) == 1 and "A question is empty" in err[0], err


def test_a_question_is_echoed_as_one_clean_line(
    striped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = StubServer()
    try:
        questions = ["Which \x1b[2Jcolours?", "And\nthe \u202eshape?"]
        code, out, _err = run(["ask", str(striped), *questions, "--server", server.url], capsys)
    finally:
        server.close()
    assert code == 0
    assert not RAW.search(out.replace("\n", "")), repr(out)  # was printed as typed
    asked = [line for line in out.splitlines() if line.startswith("Q: ")]
    assert asked == ["Q: Which colours?", "Q: And the shape?"]


@pytest.mark.parametrize(
    "argv",
    [
        ["describe", "{picture}", "--model", "", "--no-download"],
        ["watch", "--camera", "{picture}", "--model", " "],
        ["models", "path", ""],
        ["models", "download", ""],
    ],
)
def test_an_empty_model_name_is_a_mistake_not_the_default_model(
    argv: list[str], striped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: "--model ''" (an empty variable in a script) quietly meant the default
    # model, and "models download ''" started its 520 MB download.
    code, out, err = run([word.format(picture=striped) for word in argv], capsys)
    assert code == 3 and out == ""
    assert len(err) == 1 and "The model name is empty" in err[0], err


# --- Ctrl+C at a question ---------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="SIGINT to a child process")
def test_ctrl_c_at_the_question_prompt_says_stopped_on_a_line_of_its_own(
    striped: Path, tmp_path: Path
) -> None:
    # Before: "Question (empty line to finish): describe-app: Stopped." as one line, read
    # out as if it were the answer typed.
    env = {**os.environ, "DESCRIBE_DATA_DIR": str(tmp_path / "data")}
    argv = ["ask", str(striped), "-i", "--server", "http://127.0.0.1:9"]
    with subprocess.Popen(
        [sys.executable, "-m", "describe_app", *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    ) as proc:
        assert proc.stderr is not None
        said = b""
        deadline = time.monotonic() + 60
        while b"Question" not in said and time.monotonic() < deadline:
            chunk = os.read(proc.stderr.fileno(), 200)
            if not chunk:
                break  # it ended without asking: the asserts below say how
            said += chunk
        time.sleep(0.3)  # waiting in input()
        proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read()
        code = proc.wait(timeout=30)
    lines = (said + rest).decode().splitlines()
    assert code == 130
    assert lines[-1] == "describe-app: Stopped.", lines
    assert lines[-2].startswith("Question"), lines


# --- output to a full disk --------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_disk_is_said_not_reported_as_a_bug(striped: Path, tmp_path: Path) -> None:
    # Before: "Something went wrong that Describe did not expect (OSError: [Errno 28] No
    # space left on device). A report is in ...", and a crash report written.
    env = {**os.environ, "DESCRIBE_LOG_DIR": str(tmp_path / "logs")}
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "describe_app", "colour", str(striped)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "describe-app: Describe could not write its output: the disk is full."
    ]
    assert not (tmp_path / "logs" / "crashes.log").exists()


# --- documents: the same rules -----------------------------------------------------------


def test_a_web_address_of_a_pdf_is_said_as_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: "There is no file called a.pdf."
    code, out, err = run(["read", "https://example.org/letters/a.pdf"], capsys)
    assert code == 2 and out == ""
    assert err == [
        "describe-app: https://example.org/letters/a.pdf is a web address. Describe opens "
        "files on this computer: save the picture first, then give its file name."
    ], err


def test_a_file_address_of_a_pdf_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(text="Opening times: nine to five.")
    path = tmp_path / "my letters" / "a.pdf"
    path.parent.mkdir()
    pdf.output(str(path))
    code, out, _err = run(["read", path.as_uri()], capsys)
    assert code == 0 and "Opening times: nine to five." in out


@pytest.mark.parametrize("pages", ["0", "-3", "two"])
def test_document_pages_that_mean_nothing_are_refused(pages: str) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["document", "--camera", "0", "--pages", pages])
    assert stop.value.code == 2


def test_document_out_into_a_folder_says_it_is_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: "Describe can save a document as .txt, .md or .pdf, not as letters."
    folder = tmp_path / "letters"
    folder.mkdir()
    code, _out, err = run(["document", "--camera", "0", "--out", str(folder)], capsys)
    assert code == 2
    assert err[-1] == "describe-app: letters could not be saved: it is a folder.", err


# --- cameras that are no cameras -----------------------------------------------------------


@pytest.mark.parametrize(
    ("camera", "said"),
    [
        ("", "The camera is not named."),
        ("{tmp}", "is a folder, not a video file."),
    ],
)
def test_an_empty_or_folder_camera_is_said_for_what_it_is(
    camera: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: "There is no camera or video file called ." for both
    code, out, err = run(["guide", "--camera", camera.format(tmp=tmp_path)], capsys)
    assert code == 6 and out == ""
    assert len(err) == 1 and said in err[0], err


def test_a_text_file_given_as_a_video_is_one_line_without_ffmpeg_noise(tmp_path: Path) -> None:
    """Before: FFmpeg's "[png @ 0x...] Invalid PNG signature" lines on the terminal, then
    the mode on and off as if a video had been watched, exit 0."""
    fake = tmp_path / "notes.png"
    fake.write_text("not a picture\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCV_")}
    done = subprocess.run(
        [sys.executable, "-m", "describe_app", "codes", "--camera", str(fake)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 6, done
    assert done.stderr.splitlines() == [
        f"describe-app: {fake} holds no video that Describe can read."
    ], done.stderr


# --- server addresses --------------------------------------------------------------------


@pytest.mark.parametrize("address", ["not a url", "http://gpu box:8000", "http://x$y/v1"])
def test_a_server_address_with_no_host_name_is_refused(address: str) -> None:
    """Before: "not a url" was saved as http://not a url/v1, to fail at each picture."""
    from describe_app.core.describe.remote.remote_errors import ServerSetupError
    from describe_app.core.describe.remote.server_address import normalize_base_url

    with pytest.raises(ServerSetupError, match="has no valid host name"):
        normalize_base_url(address)


@pytest.mark.parametrize(
    ("address", "base"),
    [
        ("my_box.local:11434", "http://my_box.local:11434/v1"),
        ("http://[fe80::1%eth0]:8000", "http://[fe80::1%eth0]:8000/v1"),
        ("https://münchen.example", "https://münchen.example/v1"),
    ],
)
def test_host_names_of_every_kind_still_pass(address: str, base: str) -> None:
    from describe_app.core.describe.remote.server_address import normalize_base_url

    assert normalize_base_url(address) == base


# --- threads -----------------------------------------------------------------------------


def test_far_more_threads_than_cores_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--threads 99999`` hung the thread pool's start and ended in "its files may be
    damaged"; more than a few threads a core only slow the model down."""
    from describe_app.core.describe.local import vlm_loader

    monkeypatch.setattr(vlm_loader, "available_cores", lambda: 2)
    assert vlm_loader.usable_threads(99999) == 8
    assert vlm_loader.usable_threads(3) == 3  # more than the cores, as asked
    assert vlm_loader.usable_threads(None) == 2


def test_a_model_loads_with_a_huge_thread_count(tiny_model_dir: Path) -> None:
    import torch

    from describe_app.core.describe.local.vlm_loader import LoadOptions, load_vlm

    before = torch.get_num_threads()
    try:
        loaded = load_vlm(tiny_model_dir, options=LoadOptions(threads=99999))
        assert torch.get_num_threads() <= 4 * (os.cpu_count() or 1)
        del loaded
    finally:
        torch.set_num_threads(before)
