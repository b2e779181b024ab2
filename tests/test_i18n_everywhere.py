"""Every word the user hears or reads is in their language: the command line's sentences,
argparse's own words ("usage:", "invalid choice", "expected one argument") and every
``--help`` text, in French when French is chosen; in English, ``--help`` is unchanged. A
guard reads the code and fails on a new English sentence given to ``print``, ``error``,
``announce``, ``help=`` and the like without ``_()``."""

from __future__ import annotations

import argparse
import ast
import builtins
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from describe_app.cli import interrupts, main
from describe_app.cli.argparse_words import ARGPARSE_MESSAGES
from describe_app.core.i18n import _, set_language
from describe_app.devtools.translations import PACKAGE_DIR

pytestmark = pytest.mark.usefixtures("own_history")  # ``colour`` may keep what it said


@pytest.fixture(autouse=True)
def _wide_and_english_afterwards(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COLUMNS", "2000")  # --help unwrapped: whole texts can be looked for
    yield
    set_language("en")
    interrupts.use_language()


@pytest.fixture
def french_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """French chosen in the settings (``display.ui_language``), the system in English."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"display": {"ui_language": "fr"}}))
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(config))
    monkeypatch.setenv("LANGUAGE", "en")


@pytest.fixture
def french_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No language in the settings; the system's is French (``LANG=fr_FR.UTF-8``)."""
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(tmp_path / "no-settings"))
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")


@pytest.fixture
def english_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESCRIBE_CONFIG_DIR", str(tmp_path / "no-settings"))
    monkeypatch.setenv("LANGUAGE", "en")


@pytest.fixture
def red_picture(tmp_path: Path) -> Path:
    path = tmp_path / "red.png"
    Image.new("RGB", (64, 64), (200, 30, 30)).save(path)
    return path


def _exit_code(argv: list[str]) -> int | str | None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    return stop.value.code


# -- usage mistakes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["describe", "--detail", "foo", "photo.jpg"],
            "argument --detail : choix non valide : 'foo' (choisissez parmi 'brief', 'high')",
        ),
        (["describe"], "ces arguments sont obligatoires : IMAGE"),
        (["describe", "photo.jpg", "--model"], "argument --model : un argument est attendu"),
        (["voices", "--bogus"], "arguments non reconnus : --bogus"),
        (["describe", "photo.jpg", "--max-tokens", "-3"], "doit valoir 1 ou plus"),
    ],
)
def test_a_usage_mistake_is_said_in_french(
    french_settings: None, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    assert _exit_code(argv) == 2
    captured = capsys.readouterr()
    command = f"describe-app {argv[0]}"
    assert captured.out == ""
    assert captured.err.startswith(f"{command} : erreur : ")
    assert said in captured.err
    assert captured.err.endswith(f". Lancez {command} --help pour voir ses options.\n")
    assert captured.err.count("\n") == 1
    for english in ("error:", "invalid", "expected", "required", "unrecognized", "Run "):
        assert english not in captured.err
    assert re.search(r"argument \S+:", captured.err) is None  # argparse's English "argument --x:"


def test_the_system_language_is_used_when_the_settings_choose_none(
    french_system: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _exit_code(["screen", "--region"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("describe-app screen : erreur : argument --region : ")
    assert "un argument est attendu" in err


def test_a_usage_mistake_stays_english_in_english(
    english_system: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _exit_code(["describe", "--detail", "foo", "photo.jpg"]) == 2
    assert capsys.readouterr().err == (
        "describe-app describe: error: argument --detail: invalid choice: 'foo' "
        "(choose from 'brief', 'high'). Run describe-app describe --help to see its options.\n"
    )


# -- --help ----------------------------------------------------------------------------------


def _command_parser(command: str | None) -> argparse.ArgumentParser:
    from describe_app.cli.parser import build_parser

    parser = build_parser()
    if command is None:
        return parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen: argparse.ArgumentParser = action.choices[command]
            return chosen
    raise AssertionError(command)


def _help_texts(command: str | None) -> list[str]:
    """The English texts ``--help`` of ``command`` shows: its description and epilog, each
    option's help and each group's title (those of more than one word)."""
    set_language("en")
    parser = _command_parser(command)
    texts = [parser.description or "", parser.epilog or ""]
    texts += [group.title or "" for group in parser._action_groups if group._group_actions]
    for action in parser._actions:
        texts.append(action.help or "")
        if isinstance(action, argparse._SubParsersAction):
            texts += [choice.help or "" for choice in action._choices_actions]
    return [t for t in dict.fromkeys(texts) if re.search(r"[a-z]{2,}\W+[a-z]{2,}", t)]


@pytest.mark.parametrize("command", [None, "describe", "screen"])
def test_help_is_in_french(
    french_settings: None, capsys: pytest.CaptureFixture[str], command: str | None
) -> None:
    english = _help_texts(command)
    assert len(english) >= 5
    assert _exit_code([*([command] if command else []), "--help"]) == 0
    out = capsys.readouterr().out
    prog = "describe-app" + (f" {command}" if command else "")
    assert out.startswith(f"utilisation : {prog} [-h]")
    assert "afficher ce message d’aide et quitter" in out
    assert "usage:" not in out and "show this help message" not in out
    set_language("fr")
    untranslated = [text for text in english if _(text) == text]
    assert untranslated == []
    missing = [text for text in english if _(text) not in out]
    assert missing == []
    still_english = [text for text in english if text in out]
    assert still_english == []


def test_top_level_help_lists_the_commands_in_french(
    french_settings: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _exit_code(["--help"]) == 0
    out = capsys.readouterr().out
    assert "décrire ce qui est à l’écran" in out
    assert "afficher le numéro de version du programme et quitter" in out
    assert "\narguments positionnels :\n" in out  # French sets a space before a colon
    assert "\noptions :\n" in out


@pytest.mark.parametrize("command", [None, "describe", "screen", "servers", "window"])
def test_help_in_english_is_argparse_and_our_english(
    english_system: None, capsys: pytest.CaptureFixture[str], command: str | None
) -> None:
    assert _exit_code([*([command] if command else []), "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: describe-app")
    assert "  -h, --help" in out and "show this help message and exit" in out
    assert "\noptions:\n" in out
    for text in _help_texts(command):
        assert text in out


# -- --wav -----------------------------------------------------------------------------------


def test_wav_without_a_file_name_is_said_in_french(
    french_settings: None, capsys: pytest.CaptureFixture[str], red_picture: Path
) -> None:
    assert _exit_code(["colour", str(red_picture), "--wav"]) == 2
    assert capsys.readouterr().err == (
        "describe-app colour : erreur : argument --wav : un argument est attendu. "
        "Lancez describe-app colour --help pour voir ses options.\n"
    )


def test_wav_in_a_missing_folder_is_said_in_french(
    french_settings: None,
    capsys: pytest.CaptureFixture[str],
    red_picture: Path,
    tmp_path: Path,
) -> None:
    wav = tmp_path / "absent" / "answer.wav"
    main(["colour", str(red_picture), "--wav", str(wav)])
    captured = capsys.readouterr()
    assert captured.out.strip() == "Rouge."
    assert f"Le dossier {wav.parent} n’existe pas" in captured.err
    assert not wav.exists()


def test_wav_help_is_in_french(french_settings: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code(["colour", "--help"]) == 0
    out = capsys.readouterr().out
    assert "écrire aussi le résultat parlé dans un fichier WAV" in out
    assert "WAV file" not in out


# -- argparse's words ------------------------------------------------------------------------

#: argparse's messages that only a programming mistake in the parser itself can show.
PROGRAMMERS_MESSAGES = frozenset(
    {
        ".__call__() not defined",
        "conflicting subparser: %s",
        "conflicting subparser alias: %s",
        "cannot merge actions - two groups are named %r",
        "'required' is an invalid argument for positionals",
        "invalid option string %(option)r: must start with a character %(prefix_chars)r",
        "dest= is required for options like %r",
        "invalid conflict_resolution value: %r",
        "conflicting option string: %s",
        "mutually exclusive arguments must be optional",
        "cannot have multiple subparser arguments",
        "%r is not callable",
    }
)


def _argparse_messages() -> set[str]:
    """The messages the installed Python's ``argparse.py`` passes to ``_()``/``ngettext``."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
            continue
        first = node.args[0]
        if node.func.id in ("_", "ngettext") and isinstance(first, ast.Constant):
            found.add(str(first.value))
    return found


def test_every_argparse_message_the_user_can_see_is_translated() -> None:
    messages = _argparse_messages() - PROGRAMMERS_MESSAGES
    assert len(messages) > 15
    listed = {*ARGPARSE_MESSAGES, "expected %s argument"}
    assert sorted(messages - listed) == []
    set_language("fr")
    assert [m for m in messages if _(m) == m and m != "options"] == []


# -- the guard against new English -----------------------------------------------------------

#: Two words ("stop after"), or one word as a sentence ("Stopped.").
_WORDS = re.compile(r"[A-Za-z]{2,}[^\w{}]+[A-Za-z]+|^\s*[A-Z][a-z]+[.?!]\s*$")
#: Called with the words the user reads or hears as first argument.
_SAID_BY_NAME = frozenset({"print", "error", "status", "announce", "_say", "_notice", "say"})
_SAID_BY_METHOD = frozenset(
    {
        "announce",
        "say",
        "setText",
        "setToolTip",
        "setAccessibleName",
        "setAccessibleDescription",
        "setWindowTitle",
        "setPlaceholderText",
        "setStatusTip",
        "setWhatsThis",
        "showMessage",
        "setTitle",
        "add_argument_group",
    }
)
#: Keyword arguments that hold words the user reads (argparse's ``--help``).
_SAID_KEYWORDS = frozenset({"help", "description", "epilog", "title"})
_TRANSLATED = frozenset({"_", "N_", "ngettext"})
#: Deliberately English: the developers' tools (the catalog tool talks to translators).
ALLOWED = ("devtools/",)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _english_in(node: ast.expr) -> list[str]:
    """The English literals in ``node`` that are not inside ``_()``, ``N_()`` or
    ``ngettext()`` (``_("...").format(x)`` is fine; ``f"Saved {n}."`` is not)."""
    found: list[str] = []

    def walk(part: ast.AST) -> None:
        if isinstance(part, ast.Call) and _name(part.func) in _TRANSLATED:
            return
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            if _WORDS.search(part.value):
                found.append(part.value)
            return
        for child in ast.iter_child_nodes(part):
            walk(child)

    walk(node)
    return found


def _our_error(node: ast.Call) -> bool:
    """A call that makes one of Describe's own errors (``OcrError(...)``, a
    :class:`~describe_app.core.errors.DescribeError`): its words reach the user. Python's
    own (``ValueError``) are the code's, and are caught and said in other words."""
    name = _name(node.func)
    return name.endswith("Error") and not hasattr(builtins, name)


def english_said(source: str, where: str = "<code>") -> list[str]:
    """``where:line: call: text`` for each English literal said to the user in ``source``."""
    found = []
    tree = ast.parse(source)
    raised = {
        id(node.exc)
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        said: list[ast.expr] = [k.value for k in node.keywords if k.arg in _SAID_KEYWORDS]
        if (
            (isinstance(func, ast.Name) and func.id in _SAID_BY_NAME)
            or (isinstance(func, ast.Attribute) and func.attr in _SAID_BY_METHOD)
            or (id(node) in raised and _our_error(node))
        ):
            said += node.args[:1]
        for argument in said:
            found += [f"{where}:{node.lineno}: {_name(func)}: {t!r}" for t in _english_in(argument)]
    return found


def test_the_guard_finds_english_said_without_translation() -> None:
    source = (
        "print('No voices are installed.')\n"
        "error(f'Saved {n} pages to {path}.')\n"
        "p.add_argument('--x', help='stop after N seconds')\n"
        "self.announcer.announce('Stopped.')\n"
        "label.setAccessibleName('Answer text')\n"
        "commands.add_parser('demo', description='Read a sample.')\n"
        "raise OcrError('The text could not be read.')\n"
    )
    assert len(english_said(source)) == 7
    wrapped = (
        "print(_('No voices are installed.'))\n"
        "error(ngettext('Saved {n} page.', 'Saved {n} pages.', n).format(n=n))\n"
        "p.add_argument('--x', help=_('stop after N seconds'))\n"
        "self.announcer.announce(_(LOST))\n"
        "log.error('could not write %s', path)\n"  # a log line: not said to the user
        "print(f'[{stamp}] {words}')\n"
        "label.setText(f'{_(\"Answer\")}: {text}')\n"
        "raise ValueError('not a key with modifiers')\n"  # caught: the code's own words
        "raise ModelLoadError(_('Unknown device {d}.').format(d=d))\n"
    )
    assert english_said(wrapped) == []


def test_no_english_is_said_without_translation() -> None:
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        where = path.relative_to(PACKAGE_DIR).as_posix()
        if not where.startswith(ALLOWED):
            found += english_said(path.read_text(encoding="utf-8"), where)
    assert found == [], "wrap these in _() (or ngettext):\n" + "\n".join(found)


# -- sentences from the core ---------------------------------------------------------------


def test_a_servers_unreadable_answer_gives_its_reason_in_french() -> None:
    from describe_app.core.describe.remote.openai_stream import StreamFormatError, read_chunk

    set_language("fr")
    with pytest.raises(StreamFormatError) as caught:
        read_chunk('{"id": 1}')
    assert str(caught.value) == "un événement n’a pas de « choices »"


def test_an_unknown_device_is_said_in_french() -> None:
    from types import SimpleNamespace

    from describe_app.core.describe.local.vlm_loader import _pick_device
    from describe_app.core.errors import ModelLoadError

    no_cuda = SimpleNamespace(cuda=SimpleNamespace(is_available=lambda: False))
    set_language("fr")
    with pytest.raises(ModelLoadError) as caught:
        _pick_device("tpu", no_cuda)
    assert str(caught.value) == "Appareil inconnu tpu ; utilisez auto, cpu ou cuda."
    with pytest.raises(ModelLoadError) as caught:
        _pick_device("cuda", no_cuda)
    assert (
        str(caught.value) == "Aucune carte graphique CUDA n’est disponible ; utilisez --device cpu."
    )
