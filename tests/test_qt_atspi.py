"""The window as a screen reader sees it: its accessibility tree read over AT-SPI.

Orca (and every other Linux screen reader) never looks at Qt's widgets: it reads what Qt
publishes on the AT-SPI bus. This test runs that real path. It starts a private X server
(Xvfb), a private D-Bus session bus (which starts the AT-SPI bus and registry on demand),
the app itself (``python -m describe_app window`` with the tiny speaking model and a photo
to describe), and then a small program under the *system* Python, whose ``pyatspi`` is
the same library Orca uses, that finds "Describe" on the desktop and dumps its tree as
JSON: role, name, states, actions and key bindings, label relations, children.

Needs the Debian packages ``xvfb``, ``at-spi2-core`` and ``python3-pyatspi``
(scripts/apt-packages-test.txt); skipped with the reason when one is missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from describe_app.core.sentences import split_sentences
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT

pytestmark = pytest.mark.slow  # Xvfb, the accessibility bus and pyatspi

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = "/usr/bin/python3"
PHOTO = ROOT / "resources" / "samples" / "coffee.jpg"
DEADLINE_S = 60.0  # from the app's start to its tree with one result; about 10 s here

#: Qt's own scroll bars (inside the text view and the list): never focusable, shown only
#: when the text overflows, and announced by their role and orientation.
UNNAMED_ALLOWED = {"scroll bar"}
#: Roles of controls that take input and so need a label the screen reader can read.
LABELLED_ROLES = {
    "text",
    "entry",
    "password text",
    "list",
    "list box",
    "combo box",
    "spin button",
    "slider",
    "table",
    "tree",
    "tree table",
}


#: Runs under the system Python (which has pyatspi). Waits until the application named
#: argv[1] is on the desktop and its list named argv[3] has at least one item (so the
#: photo's description has arrived), or argv[2] seconds have passed, then writes the
#: application's tree as JSON to the file argv[4].
WALKER = r"""
import json, sys, time
import pyatspi
from gi.repository import Atspi

app_name, seconds, list_name, out = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]

def walk(acc):
    state = acc.getState()
    node = {
        "role": acc.getRoleName(),
        "name": acc.name or "",
        "description": acc.description or "",
        "states": sorted(Atspi.StateType(int(s)).value_nick for s in state.getStates()),
        "actions": [],
        "keys": [],
        "labelled_by": [],
        "children": [],
    }
    try:
        action = acc.queryAction()
    except NotImplementedError:
        action = None
    if action is not None:
        for i in range(action.nActions):
            node["actions"].append(action.getName(i))
            node["keys"].append(action.getKeyBinding(i))
    for relation in acc.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            for i in range(relation.getNTargets()):
                node["labelled_by"].append(relation.getTarget(i).name or "")
    for i in range(acc.childCount):
        child = acc.getChildAtIndex(i)
        if child is not None:
            node["children"].append(walk(child))
    return node

def find(node, role, name):
    if node["role"] == role and node["name"] == name:
        return node
    for child in node["children"]:
        found = find(child, role, name)
        if found is not None:
            return found
    return None

deadline = time.monotonic() + seconds
seen, tree, history = [], None, None
while True:
    desktop = pyatspi.Registry.getDesktop(0)
    apps = [desktop.getChildAtIndex(i) for i in range(desktop.childCount)]
    seen = [a.name for a in apps if a is not None]
    mine = [a for a in apps if a is not None and a.name == app_name]
    if mine:
        try:
            tree = walk(mine[0])
        except Exception as exc:  # the tree changed while it was read: read it again
            print("walk failed:", repr(exc), file=sys.stderr)
        else:
            history = find(tree, "list", list_name)
            if history is not None and history["children"]:
                break
    if time.monotonic() > deadline:
        break
    time.sleep(0.25)
with open(out, "w") as f:
    json.dump({"apps": seen, "tree": tree}, f)
sys.exit(0 if tree is not None and history is not None and history["children"] else 3)
"""


def _missing_tools() -> str | None:
    for tool in ("Xvfb", "dbus-daemon"):
        if shutil.which(tool) is None:
            return (
                f"{tool} is not installed (Debian: xvfb, dbus; see scripts/apt-packages-test.txt)"
            )
    if not Path("/usr/share/dbus-1/services/org.a11y.Bus.service").is_file():
        return "the AT-SPI bus is not installed (Debian: at-spi2-core)"
    if not Path(SYSTEM_PYTHON).is_file():
        return f"{SYSTEM_PYTHON} is not there (it runs pyatspi)"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-I", "-c", "import pyatspi"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return f"{SYSTEM_PYTHON} has no pyatspi (Debian: python3-pyatspi)"
    return None


@dataclass
class _Session:
    """Processes started for one run, each in its own process group, with its log file."""

    folder: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, cmd: list[str], env: dict[str, str], **kw: Any) -> None:
        """Start ``cmd`` in a new process group, its output going to ``name``.log."""
        with (self.folder / f"{name}.log").open("wb") as log:
            self.procs[name] = subprocess.Popen(
                cmd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **kw,
            )

    def start_and_read(self, name: str, cmd: list[str], env: dict[str, str]) -> str:
        """Start ``cmd`` (where "{fd}" names a pipe) and return the first line it writes
        there: Xvfb's display number, the D-Bus daemon's address."""
        read_fd, write_fd = os.pipe()
        try:
            cmd = [part.replace("{fd}", str(write_fd)) for part in cmd]
            self.start(name, cmd, env, pass_fds=(write_fd,))
            os.close(write_fd)
            write_fd = -1
            data = b""
            deadline = time.monotonic() + 10.0
            while b"\n" not in data:
                left = max(0.0, deadline - time.monotonic())
                ready, _, _ = select.select([read_fd], [], [], left)
                chunk = os.read(read_fd, 4096) if ready else b""
                if not chunk:
                    raise RuntimeError(f"{name} did not start:\n{self.logs()}")
                data += chunk
            return data.split(b"\n", 1)[0].decode().strip()
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)

    def logs(self) -> str:
        parts = []
        for name in self.procs:
            path = self.folder / f"{name}.log"
            text = path.read_text(errors="replace") if path.exists() else ""
            parts.append(f"--- {name} ---\n{text[-3000:]}")
        return "\n".join(parts)

    def stop(self) -> None:
        """Stop every process group we started, newest first (the app before its buses).

        Services that D-Bus starts on demand (the AT-SPI bus launcher, its bus and the
        registry) stay in the D-Bus daemon's process group, so they go with it."""
        for proc in reversed(list(self.procs.values())):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
            # Children that outlived their parent, still in its group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def _desktop(folder: Path) -> Iterator[tuple[_Session, dict[str, str]]]:
    """Xvfb and a private session bus; yields the session and the environment to use."""
    session = _Session(folder)
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700)
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "AT_SPI_BUS_ADDRESS",
            "DBUS_SESSION_BUS_ADDRESS",
            "WAYLAND_DISPLAY",
            "DISPLAY",
            "XAUTHORITY",
            "PYTHONPATH",
            "PYTHONHOME",
        )
    }
    env.update(XDG_RUNTIME_DIR=str(runtime), HOME=str(folder))
    try:
        display = session.start_and_read(
            "xvfb",
            ["Xvfb", "-displayfd", "{fd}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            env,
        )
        env["DISPLAY"] = f":{display}"
        env["DBUS_SESSION_BUS_ADDRESS"] = session.start_and_read(
            "dbus",
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address={fd}"],
            env,
        )
        yield session, env
    finally:
        session.stop()


def _nodes(
    node: dict[str, Any], path: str = "", *, into_popups: bool = True
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every node below ``node`` with its path of role(name) steps."""
    here = f"{path}/{node['role']}({node['name']!r})"
    yield here, node
    if node["role"] == "popup menu" and not into_popups:
        return
    for child in node["children"]:
        yield from _nodes(child, here, into_popups=into_popups)


def _find(tree: dict[str, Any], role: str, name: str | None = None) -> list[dict[str, Any]]:
    return [
        n for _p, n in _nodes(tree) if n["role"] == role and (name is None or n["name"] == name)
    ]


def _one(tree: dict[str, Any], role: str, name: str | None = None) -> dict[str, Any]:
    found = _find(tree, role, name)
    assert len(found) == 1, f"expected one {role} {name!r}, found {len(found)}"
    return found[0]


@pytest.fixture(scope="module")
def atspi_tree(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The app's tree as the walker read it, once the photo's description is in history."""
    reason = _missing_tools()
    if reason is not None:
        pytest.skip(reason)
    speaking_model_dir: Path = request.getfixturevalue("speaking_model_dir")
    folder = Path(tempfile.mkdtemp(prefix="describe-atspi-", dir=tmp_path_factory.getbasetemp()))
    no_autospawn = folder / "pulse-client.conf"  # never start a sound server of our own
    no_autospawn.write_text("autospawn = no\n")
    with _desktop(folder) as (session, env):
        app_env = dict(
            env,
            QT_QPA_PLATFORM="xcb",
            QT_ACCESSIBILITY="1",
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
            PULSE_CLIENTCONFIG=str(no_autospawn),
            DESCRIBE_DATA_DIR=str(folder / "data"),  # a history of its own: only this photo
        )
        session.start(
            "app",
            [
                sys.executable,
                "-m",
                "describe_app",
                "window",
                "--camera",
                "none",
                "--model",
                str(speaking_model_dir),
                str(PHOTO),
            ],
            app_env,
            cwd=str(ROOT),
        )
        out = folder / "tree.json"
        started = time.monotonic()
        session.start(
            "walker",
            [SYSTEM_PYTHON, "-I", "-c", WALKER, "Describe", str(DEADLINE_S), "History", str(out)],
            env,
        )
        walker, app = session.procs["walker"], session.procs["app"]
        while walker.poll() is None and app.poll() is None:
            if time.monotonic() > started + DEADLINE_S + 15:
                break
            time.sleep(0.1)
        took = time.monotonic() - started
        if walker.poll() != 0 or app.poll() is not None:
            found = out.read_text() if out.exists() else ""
            pytest.fail(
                f"no tree after {took:.1f} s (walker: {walker.poll()}, app: {app.poll()}):\n"
                f"{found[-2000:]}\n{session.logs()}"
            )
        result: dict[str, Any] = json.loads(out.read_text())
    assert result["apps"].count("Describe") == 1, result["apps"]
    return result["tree"]


def test_the_app_is_on_the_bus_with_one_named_frame(atspi_tree: dict[str, Any]) -> None:
    assert atspi_tree["role"] == "application"
    assert atspi_tree["name"] == "Describe"
    assert [(c["role"], c["name"]) for c in atspi_tree["children"]] == [("frame", "Describe")]


def test_the_menu_bar_holds_named_menus_of_named_items_with_keys(
    atspi_tree: dict[str, Any],
) -> None:
    menu_bar = _one(atspi_tree, "menu bar")
    menus = menu_bar["children"]
    assert len(menus) >= 3
    items: list[dict[str, Any]] = []
    for menu in menus:
        assert menu["role"] == "menu item" and menu["name"], menu
        # Qt 6.11 names the action "ShowMenu", Qt 6.12 "Show Menu"
        assert {"Show Menu", "ShowMenu"} & set(menu["actions"]), menu["name"]
        popups = [c for c in menu["children"] if c["role"] == "popup menu"]
        assert len(popups) == 1, menu["name"]
        entries = [c for c in popups[0]["children"] if c["role"] != "separator"]
        assert entries, f"the {menu['name']} menu is empty"
        items += entries
    names = [i["name"] for i in items]
    assert "Describe" in names and "Quit" in names
    unnamed = [i["role"] for i in items if not i["name"]]
    assert unnamed == []
    without_key = [i["name"] for i in items if not any(k.strip() for k in i["keys"])]
    assert without_key == [], "menu items a screen reader reads without their shortcut"


def test_the_controls_have_the_right_roles_and_names(atspi_tree: dict[str, Any]) -> None:
    result = _one(atspi_tree, "text", "Result")
    assert "focusable" in result["states"]
    assert "editable" not in result["states"], "the result view must be read-only"
    assert result["labelled_by"] == ["Result"]

    questions = [
        n
        for role in ("entry", "text")
        for n in _find(atspi_tree, role)
        if n["name"].startswith("Question")
    ]
    assert len(questions) == 1
    question = questions[0]
    assert {"focusable", "editable"} <= set(question["states"])
    assert question["description"], "the question field says what it is for"
    assert question["labelled_by"] == [question["name"]]

    history = _one(atspi_tree, "list", "History")
    assert "focusable" in history["states"]
    assert history["labelled_by"] == ["History"]
    rows = history["children"]
    assert rows and all(r["role"] == "list item" and r["name"] for r in rows), rows
    newest = rows[0]
    said = newest["name"] + " " + newest["description"]
    missing = [s for s in split_sentences(DEFAULT_SCRIPT) if s not in said]
    assert missing == [], f"the history item does not hold the whole result: {said!r}"
    assert "focused" in newest["states"], "a new result takes the focus (so it is read)"

    buttons = {n["name"] for n in _find(atspi_tree, "push button")}
    assert {"Describe", "Open photo", "Ask"} <= buttons
    for button in _find(atspi_tree, "push button"):
        assert "Press" in button["actions"] and button["description"], button["name"]

    status = _one(atspi_tree, "label", "Status")
    assert status["description"], "the status label carries the latest status"


def test_every_focusable_or_actionable_node_has_a_name(atspi_tree: dict[str, Any]) -> None:
    unnamed = [
        path
        for path, node in _nodes(atspi_tree)
        if not node["name"].strip()
        and node["role"] not in UNNAMED_ALLOWED
        and ("focusable" in node["states"] or node["actions"])
    ]
    assert unnamed == []


def test_every_input_control_is_labelled(atspi_tree: dict[str, Any]) -> None:
    """Each control is created with its label: the screen reader sees the relation."""
    unlabelled = [
        path
        for path, node in _nodes(atspi_tree)
        if node["role"] in LABELLED_ROLES
        and "focusable" in node["states"]
        and not node["labelled_by"]
    ]
    assert unlabelled == []


def test_alt_keys_are_unique_in_the_window(atspi_tree: dict[str, Any]) -> None:
    """Menus and labels share the window's Alt+letter keys: two alike and neither works."""
    keys: dict[str, list[str]] = {}
    for path, node in _nodes(atspi_tree, into_popups=False):
        for key in node["keys"]:
            if key.startswith("Alt+"):
                keys.setdefault(key.lower(), []).append(path)
    assert {k: p for k, p in keys.items() if len(p) > 1} == {}


def test_each_label_comes_before_its_control(atspi_tree: dict[str, Any]) -> None:
    """Browse mode and flat review read in tree order: "Result", then the result text."""
    order = [node for _path, node in _nodes(atspi_tree, into_popups=False)]
    labels = {
        node["name"]: index
        for index, node in enumerate(order)
        if node["role"] == "label" and node["name"]
    }
    checked, late = [], []
    for index, node in enumerate(order):
        for name in node["labelled_by"]:
            if node["role"] == "label" or name not in labels:
                continue
            checked.append(node["name"])
            if labels[name] > index:
                late.append(f"{node['role']}({node['name']!r}) before its label {name!r}")
    assert {"Result", "History"} <= set(checked), checked
    assert late == []
