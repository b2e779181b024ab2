"""Packaging, checked quickly: the files under packaging/ are valid, reference files that
exist, and agree on one version; the self-test runs. (The bundle itself is built by
packaging/build_linux.sh, `make bundle`, which is too slow for the default run.)"""

from __future__ import annotations

import ast
import io
import plistlib
import re
import runpy
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

import pytest

import describe_app
from describe_app import self_test
from describe_app.self_test import CHECKS, Finding, Status, run_self_test

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "pyinstaller" / "describe.spec"
ISS = PACKAGING / "windows" / "describe.iss"
BUILD_SCRIPT = PACKAGING / "build_linux.sh"
DESKTOP = PACKAGING / "linux" / "describe.desktop"
APP_ID = "io.github.describe_app.Describe"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
INFO_PLIST = PACKAGING / "macos" / "Info.plist"
ICONS = ROOT / "resources" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
VERSION = describe_app.__version__


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"))


def _spec_constant(name: str) -> object:
    for node in ast.walk(_spec_tree()):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not assigned in {SPEC.name}")


def _path_chain(node: ast.expr) -> list[str] | None:
    """["ROOT", "a", "b"] for the expression ROOT / "a" / "b", else None."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left = _path_chain(node.left)
        right = node.right
        if left is not None and isinstance(right, ast.Constant) and isinstance(right.value, str):
            return [*left, right.value]
    return None


def _run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed (scripts/apt-packages-test.txt lists it)")
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


# --- Linux metadata -----------------------------------------------------------------------


def test_desktop_file_is_valid() -> None:
    result = _run_tool("desktop-file-validate", str(DESKTOP))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()


def test_metainfo_is_valid() -> None:
    result = _run_tool("appstreamcli", "validate", "--no-net", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_file_and_metainfo_agree() -> None:
    desktop = ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(DESKTOP, encoding="utf-8")
    entry = desktop["Desktop Entry"]
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == f"{APP_ID}.desktop"
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[:2] == [_spec_constant("CLI_NAME"), "window"]
    assert component.findtext("provides/binary") == _spec_constant("CLI_NAME")


# --- one version --------------------------------------------------------------------------


def test_pyproject_takes_the_version_from_the_package() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text
    assert 'version = { attr = "describe_app.__version__" }' in text


def test_spec_reads_the_package_version() -> None:
    version = next(
        node.value
        for node in _spec_tree().body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "VERSION"
    )
    for node in ast.walk(version):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "search":
            pattern = node.args[0]
            assert isinstance(pattern, ast.Constant)
            init = (ROOT / "describe_app" / "__init__.py").read_text(encoding="utf-8")
            match = re.search(str(pattern.value), init, re.M)
            assert match is not None
            assert match.group(1) == VERSION
            break
    else:
        raise AssertionError("the spec does not read __version__")
    assert '"ProductVersion": VERSION' in SPEC.read_text(encoding="utf-8")


def test_metainfo_release_is_the_package_version() -> None:
    releases = ET.parse(METAINFO).getroot().findall("releases/release")
    assert releases, "no <release> in the metainfo"
    assert releases[0].get("version") == VERSION  # the newest comes first


def test_installer_takes_the_version_from_the_executable() -> None:
    text = ISS.read_text(encoding="utf-8")
    assert re.search(r'#define AppVersion GetStringFileInfo\(.*"ProductVersion"\)', text)
    assert "AppVersion={#AppVersion}" in text


# --- macOS --------------------------------------------------------------------------------


def test_info_plist() -> None:
    with INFO_PLIST.open("rb") as f:
        plist = plistlib.load(f)
    camera = plist["NSCameraUsageDescription"]
    assert "camera" in camera.lower() and camera.endswith(".") and len(camera) < 250
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == VERSION
    assert re.fullmatch(r"[A-Za-z0-9.-]+", plist["CFBundleIdentifier"])  # no underscores
    assert plist["CFBundleExecutable"] == _spec_constant("APP_NAME")
    assert plist["NSHighResolutionCapable"] is True
    assert re.fullmatch(r"\d+\.\d+", plist["LSMinimumSystemVersion"])
    assert (ICONS / plist["CFBundleIconFile"]).is_file()


# --- referenced files exist ---------------------------------------------------------------


def test_every_path_in_the_spec_exists() -> None:
    bases = {"ROOT": ROOT, "PACKAGING": PACKAGING}
    checked = 0
    for node in ast.walk(_spec_tree()):
        chain = _path_chain(node) if isinstance(node, ast.BinOp) else None
        if chain and chain[0] in bases and len(chain) > 1:
            path = bases[chain[0]].joinpath(*chain[1:])
            assert path.exists(), f"the spec refers to {path}, which does not exist"
            checked += 1
    resources = _spec_constant("RESOURCES")
    assert isinstance(resources, list)
    for part in resources:
        assert (ROOT / "resources" / part).is_dir(), part
    assert checked >= 5


def test_rapidocr_ships_what_the_spec_collects() -> None:
    import rapidocr

    package = Path(rapidocr.__file__).parent
    assert (package / "config.yaml").is_file()
    assert list((package / "models").glob("*.onnx"))


def test_every_path_in_the_installer_script_exists() -> None:
    text = ISS.read_text(encoding="utf-8")
    defines = dict(re.findall(r'^#define (\w+) "([^"]*)"', text, re.M))
    assert defines["SourceDir"] == r"..\..\dist\{}".format(_spec_constant("NAME"))
    assert defines["AppExe"] == f"{_spec_constant('APP_NAME')}.exe"
    for key in ("SetupIconFile", "LicenseFile", "InfoBeforeFile"):
        for value in re.findall(rf"^{key}=(.+)$", text, re.M):
            path = ISS.parent / value.strip().replace("\\", "/")
            assert path.is_file(), f"{key}={value} does not exist"
    sources = re.findall(r'Source: "([^"]+)"', text)
    assert sources
    for source in sources:  # everything else comes from the built bundle, dist/describe
        assert source.startswith("{#SourceDir}\\"), source


def test_every_path_in_the_build_script_exists() -> None:
    text = BUILD_SCRIPT.read_text(encoding="utf-8")
    text = text.replace("$app_id", APP_ID)
    paths = set(re.findall(r"\b((?:packaging|resources|scripts)/[\w./*-]+)", text))
    assert len(paths) >= 5
    for path in paths:
        assert list(ROOT.glob(path.rstrip("."))), f"build_linux.sh refers to {path}: missing"
    assert "--self-test" in text
    assert "QT_QPA_PLATFORM=offscreen" in text


# --- icons --------------------------------------------------------------------------------


def test_icons_in_every_size() -> None:
    from PIL import Image

    ET.parse(ICONS / "describe.svg")  # well-formed
    for size in ICON_SIZES:
        with Image.open(ICONS / f"describe-{size}.png") as image:
            assert image.size == (size, size)
            assert image.mode == "RGBA"
    for name in ("describe.ico", "describe.icns"):
        assert (ICONS / name).stat().st_size > 0


# --- the licence notice -------------------------------------------------------------------


def test_licence_notice_lists_the_runtime_dependencies(tmp_path: Path) -> None:
    licenses = runpy.run_path(str(PACKAGING / "licenses.py"), run_name="licenses")
    out = licenses["write_notice"](tmp_path / "THIRD_PARTY_LICENSES.txt")
    text = out.read_text(encoding="utf-8")
    summary = text.split("=" * 78, 1)[0]
    for name in ("torch", "transformers", "PySide6", "rapidocr", "onnxruntime", "pyttsx3"):
        assert re.search(rf"^{name}", summary, re.M | re.I), name
    for test_tool in ("pytest", "ruff", "mypy"):
        assert not re.search(rf"^{test_tool}\b", summary, re.M), test_tool
    assert "Apache" in text and "LGPL" in text


# --- the self-test ------------------------------------------------------------------------


@pytest.mark.slow
def test_self_test_command_runs_headless() -> None:
    code = (
        "import sys; from describe_app.cli import main; rc = main(['--self-test']); "
        "assert 'torch' not in sys.modules, 'the self-test imported torch'; sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Describe {VERSION} self-test"
    for label, _check, _required in CHECKS:
        line = next((x for x in lines if f" {label}: " in x), None)
        assert line is not None, f"no line for {label}: {result.stdout}"
        assert line.split()[0] in ("OK", "MISSING"), line
    for label in ("Speech", "Text reading", "Window", "Describing engine"):
        assert any(x.startswith("OK") and f" {label}: " in x for x in lines), label
    assert "Traceback" not in result.stderr


def test_self_test_fails_when_a_must_work_check_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Finding:
        raise RuntimeError("no such library")

    checks = (
        ("Camera", lambda: Finding(Status.MISSING, "no camera found."), False),
        ("Text reading", broken, True),
    )
    monkeypatch.setattr(self_test, "CHECKS", checks)
    out = io.StringIO()
    assert run_self_test(out) == 1
    report = out.getvalue()
    assert "MISSING  Camera: no camera found." in report
    assert "FAILED   Text reading: RuntimeError: no such library" in report


def test_self_test_passes_with_only_optional_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    checks = (("Model", lambda: Finding(Status.MISSING, "not downloaded."), False),)
    monkeypatch.setattr(self_test, "CHECKS", checks)
    assert run_self_test(io.StringIO()) == 0


def test_the_self_test_speaks_the_interface_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """A French interface gets a French report (the status words stay, for scripts)."""
    from describe_app.core.i18n import set_language

    monkeypatch.setattr(self_test, "CHECKS", (("Display", self_test.check_display, False),))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    set_language("fr")
    try:
        out = io.StringIO()
        assert run_self_test(out) == 0
    finally:
        set_language("en")
    lines = out.getvalue().splitlines()
    assert lines[0] == f"Autotest de Describe {VERSION}"
    assert lines[1] == "OK       Affichage: Qt doit utiliser offscreen (QT_QPA_PLATFORM)."
    assert lines[-1] == "Describe peut fonctionner sur cet ordinateur."


def test_a_bundled_model_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from describe_app.core.describe.local.bundled_model import bundled_model_path
    from describe_app.core.describe.local.model_registry import DEFAULT_MODEL

    assert bundled_model_path(DEFAULT_MODEL) is None  # a checkout ships none
    folder = tmp_path / "resources" / "models" / DEFAULT_MODEL
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)  # as in a bundle
    assert bundled_model_path(DEFAULT_MODEL) is None  # no weights: not a model
    (folder / "model.safetensors").write_bytes(b"")
    assert bundled_model_path(DEFAULT_MODEL) == folder
    finding = self_test.check_model()
    assert finding.status is Status.OK
    assert "comes with this installation" in finding.detail


def test_camera_check_reports_found_and_silent_cameras(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()

    def probe(_cv2: object, index: int) -> str:
        if index == 1:
            stop.wait(5)  # a hung driver
        return "640x480" if index == 2 else ""

    monkeypatch.setattr(self_test, "_probe_camera", probe)
    monkeypatch.setattr(self_test, "CAMERA_TIMEOUT_S", 0.2)
    monkeypatch.setattr(sys, "platform", "win32")  # probe every number, no /dev/video check
    try:
        finding = self_test.check_camera()
    finally:
        stop.set()
    assert finding.status is Status.OK
    assert finding.detail == "camera 2 (640x480); camera 1 did not answer within 0 s."
