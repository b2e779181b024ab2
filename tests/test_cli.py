"""The command line, end to end, on real picture files and real (tiny) model folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from describe_app.cli import main
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT, DEFAULT_SENTENCES

SENTENCES = list(DEFAULT_SENTENCES)


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "describe_app", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def test_describe_prints_each_sentence(
    speaking_model_dir: Path, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["describe", str(photo_file), "--model", str(speaking_model_dir)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == SENTENCES


def test_describe_json(
    speaking_model_dir: Path, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "describe",
            str(photo_file),
            "--detail",
            "high",
            "--json",
            "--model",
            str(speaking_model_dir),
        ]
    )
    assert code == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["text"] == DEFAULT_SCRIPT
    assert obj["sentences"] == SENTENCES
    assert obj["model"] == speaking_model_dir.name
    assert obj["source"] == str(photo_file)
    assert set(obj["timings"]) >= {"check", "preprocess", "first_token", "first_sentence", "total"}


def test_ask_two_questions(
    speaking_model_dir: Path, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "ask",
            str(photo_file),
            "What colour is the mug?",
            "And the table?",
            "--model",
            str(speaking_model_dir),
        ]
    )
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Q: What colour is the mug?"
    assert lines[1:4] == SENTENCES
    assert lines[4] == "Q: And the table?"


def test_dark_picture_is_told_not_described(
    speaking_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dark = tmp_path / "night.png"
    Image.fromarray(np.full((480, 640, 3), 4, np.uint8)).save(dark)
    assert main(["describe", str(dark), "--model", str(speaking_model_dir)]) == 0
    # a saved photo: no advice about a camera's lens
    assert capsys.readouterr().out.strip() == (
        "This picture is almost black; there is too little light in it to describe."
    )
    assert (
        main(["describe", str(dark), "--describe-anyway", "--model", str(speaking_model_dir)]) == 0
    )
    assert capsys.readouterr().out.splitlines() == SENTENCES


def test_read_text(capsys: pytest.CaptureFixture[str]) -> None:
    from describe_app.core.resources import resource_path

    assert main(["read", str(resource_path("samples", "notice.jpg"))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].replace(" ", "") == "OPEN8TO6"
    assert "Coffee" in lines[-1]


def test_read_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "wall.png"
    Image.fromarray(data.coffee()[:100, :100]).save(plain)
    assert main(["read", str(plain)]) == 0
    assert capsys.readouterr().out.strip() == "No text found."


def test_models_list_and_path_without_network(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "SmolVLM-256M-Instruct (default)" in out and "SmolVLM-500M-Instruct" in out
    assert "not downloaded" in out
    assert main(["models", "path"]) == 3
    err = capsys.readouterr().err
    assert "describe-app models download" in err


def test_help_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "from describe_app.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "try:\n    main(['describe', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'cv2', 'rapidocr') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "HEAVY []" in proc.stdout
    assert "describe" in proc.stdout and "--detail" in proc.stdout


def _assert_one_clear_line(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("describe-app: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.slow
def test_bad_inputs_one_line_each(
    tmp_path: Path, speaking_model_dir: Path, photo_file: Path
) -> None:
    (tmp_path / "zero.jpg").write_bytes(b"")
    good = photo_file.read_bytes()
    (tmp_path / "cut.jpg").write_bytes(good[: len(good) // 3])
    (tmp_path / "letter.jpg").write_text("Dear Sam, this is text.")
    (tmp_path / "noise.jpg").write_bytes(os.urandom(3000))
    model = ["--model", str(speaking_model_dir), "--no-download"]
    cases = {
        "zero.jpg": "empty",
        "cut.jpg": "damaged or incomplete",
        "letter.jpg": "not a picture",
        "noise.jpg": "not a picture",
        "missing.jpg": "There is no file called missing.jpg.",
    }
    # one process for all: each bad file gets its line, the good one is still described
    names = [str(tmp_path / n) for n in cases]
    proc = run_cli("describe", *names, str(photo_file), *model)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == len(cases)
    for line, (name, needle) in zip(errors, cases.items(), strict=True):
        assert line.startswith("describe-app: ") and needle in line, (name, line)
    assert proc.stdout.splitlines() == SENTENCES
    _assert_one_clear_line(run_cli("describe", str(tmp_path), *model), "is a folder, not a picture")


def test_model_missing_offline_names_the_command(tmp_path: Path, photo_file: Path) -> None:
    env = {"HF_HOME": str(tmp_path / "empty-cache"), "HF_HUB_OFFLINE": "1"}
    proc = run_cli("describe", str(photo_file), env=env)
    _assert_one_clear_line(proc, "SmolVLM-256M-Instruct", "describe-app models download")
    assert proc.returncode == 3


def test_model_missing_no_network(tmp_path: Path, photo_file: Path) -> None:
    # a closed port stands for "no internet": the download is refused at once
    env = {"HF_HOME": str(tmp_path / "empty-cache"), "HF_ENDPOINT": "http://127.0.0.1:9"}
    proc = run_cli("describe", str(photo_file), env=env)
    _assert_one_clear_line(proc, "could not be downloaded", "describe-app models download")
    assert proc.returncode == 3


def test_corrupt_model_folders(
    tmp_path: Path, speaking_model_dir: Path, photo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    no_config = tmp_path / "no-config"
    no_config.mkdir()
    bad_json = tmp_path / "bad-json"
    shutil.copytree(speaking_model_dir, bad_json)
    (bad_json / "config.json").write_text("{ not json")
    cut_weights = tmp_path / "cut-weights"
    shutil.copytree(speaking_model_dir, cut_weights)
    weights = cut_weights / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:5000])
    other = tmp_path / "other-arch"
    other.mkdir()
    (other / "config.json").write_text(
        json.dumps({"architectures": ["BertModel"], "model_type": "bert"})
    )
    pickled = tmp_path / "pickled"
    shutil.copytree(speaking_model_dir, pickled)
    (pickled / "model.safetensors").rename(pickled / "pytorch_model.bin")
    expectations = {
        no_config: "has no config.json",
        bad_json: "config.json is unreadable",
        cut_weights: "could not be loaded",
        other: "BertModel, which Describe cannot run",
        pickled: "no safetensors weights",
    }
    for folder, needle in expectations.items():
        code = main(["describe", str(photo_file), "--model", str(folder)])
        err = capsys.readouterr().err
        assert code == 3, folder
        assert needle in err, (folder, err)
        assert len(err.strip().splitlines()) == 1
        # the user's own folder: no advice to download (that fetches another model)
        assert "models download" not in err, (folder, err)


@pytest.mark.slow
def test_corrupt_model_messages_are_single_lines(tmp_path: Path, photo_file: Path) -> None:
    folder = tmp_path / "broken-model"
    folder.mkdir()
    (folder / "config.json").write_text(
        json.dumps({"architectures": ["Idefics3ForConditionalGeneration"]})
    )
    (folder / "model.safetensors").write_bytes(b"\x00" * 64)
    _assert_one_clear_line(
        run_cli("describe", str(photo_file), "--model", str(folder)), "could not be loaded"
    )
