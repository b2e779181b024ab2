"""Write THIRD_PARTY_LICENSES.txt: the licences of everything a Describe bundle contains.

    .venv/bin/python packaging/licenses.py [--output FILE]   (default: THIRD_PARTY_LICENSES.txt)

The list is the run-time dependency tree of Describe: the dependencies in pyproject.toml
(the source of truth; an editable install's metadata can be older), then each installed
distribution's requirements, recursively, environment markers evaluated, extras left out,
so test tools are not in it. For each distribution: name, version, the licence
it declares (``License-Expression``, ``License``, or the trove classifiers) and the full
text of every licence file it ships. The PyInstaller spec runs this for every build.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
RULE = "=" * 78
#: Components in the bundle that are not Python distributions.
OTHER_COMPONENTS = (
    "The PyInstaller bootloader (GPL-2.0 with an exception that allows distributing it with "
    "any program) starts the bundled program.",
    "Qt 6 (inside PySide6-Essentials) is used under the LGPL-3.0; its libraries are separate "
    "files in the bundle and can be replaced.",
    "On Linux, speech uses the system's espeak-ng (not bundled); PortAudio (MIT licence) is "
    "bundled from the build machine when it has it.",
)


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def project_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    import tomllib

    with pyproject.open("rb") as f:
        return list(tomllib.load(f)["project"]["dependencies"])


def _field(dist: metadata.Distribution, key: str) -> str:
    values = dist.metadata.get_all(key) or [""]
    return str(values[0])


def runtime_distributions(pyproject: Path = PYPROJECT) -> list[metadata.Distribution]:
    """Every distribution Describe needs at run time, sorted by name."""
    seen: dict[str, metadata.Distribution] = {}
    pending = [Requirement(line).name for line in project_requirements(pyproject)]
    while pending:
        name = pending.pop()
        if _key(name) in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency that is not installed
        seen[_key(name)] = dist
        for line in dist.requires or []:
            try:
                req = Requirement(line)
            except InvalidRequirement:
                continue
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                pending.append(req.name)
    return sorted(seen.values(), key=lambda d: _key(d.metadata["Name"]))


def declared_licence(dist: metadata.Distribution) -> str:
    expression = _field(dist, "License-Expression")
    if expression:
        return expression
    text = _field(dist, "License").strip()
    if text and "\n" not in text and len(text) < 100:
        return text
    classifiers = [
        c.split("::")[-1].strip()
        for c in dist.metadata.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    if classifiers:
        return ", ".join(classifiers)
    return "see the licence text below" if text else "not declared"


def licence_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(file name, text) of each licence file the distribution ships."""
    names = dist.metadata.get_all("License-File") or []
    found: list[tuple[str, str]] = []
    candidates = [f for f in dist.files or [] if _is_licence_file(str(f), names)]
    for file in candidates:
        path = Path(str(dist.locate_file(file)))
        try:
            found.append((str(file), path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    return found


def _is_licence_file(path: str, declared: Iterable[str]) -> bool:
    if ".dist-info/" not in path:
        return False
    name = path.split(".dist-info/", 1)[1]
    if name in declared or name.startswith("licenses/"):
        return True
    return re.match(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", name, re.I) is not None


def notice_text(pyproject: Path = PYPROJECT) -> str:
    dists = runtime_distributions(pyproject)
    lines = [
        "Describe: third-party software",
        "",
        "Describe is licensed under the Apache License 2.0. It includes the following",
        "software, each under its own licence (full texts below the summary).",
        "",
    ]
    lines += [*OTHER_COMPONENTS, ""]
    width = max(len(d.metadata["Name"]) for d in dists)
    for dist in dists:
        name = dist.metadata["Name"]
        lines.append(f"{name:<{width}}  {dist.version:<17}  {declared_licence(dist)}")
    for dist in dists:
        name = dist.metadata["Name"]
        lines += ["", RULE, f"{name} {dist.version}: {declared_licence(dist)}"]
        home = _field(dist, "Home-page") or _project_url(dist)
        if home:
            lines.append(home)
        lines.append(RULE)
        texts = licence_texts(dist)
        if not texts:
            lines.append("(no licence file shipped; the declared licence is above)")
        for file, text in texts:
            lines += ["", f"--- {file}", text.rstrip()]
    return "\n".join(lines) + "\n"


def _project_url(dist: metadata.Distribution) -> str:
    for entry in dist.metadata.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository"):
            return url.strip()
    return ""


def write_notice(path: str | Path, pyproject: Path = PYPROJECT) -> Path:
    out = Path(path)
    out.write_text(notice_text(pyproject), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--output", default="THIRD_PARTY_LICENSES.txt", metavar="FILE")
    args = parser.parse_args(argv)
    out = write_notice(args.output)
    count = len(runtime_distributions())
    print(f"Wrote the licences of {count} distributions to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
