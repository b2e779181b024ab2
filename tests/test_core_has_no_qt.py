"""The core never imports Qt (also an import-linter contract, run by `make check`)."""

from __future__ import annotations

import ast
from pathlib import Path

import describe_app.core

QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "describe_app.qt", "describe_app.ui")


def test_no_module_under_core_imports_qt() -> None:
    root = Path(describe_app.core.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(QT)]
    assert offenders == []
    assert len(list(root.rglob("*.py"))) > 10  # the walk really looked
