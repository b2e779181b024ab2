"""Files written whole or not at all, whatever their names."""

from __future__ import annotations

from pathlib import Path

from describe_app.core.atomic_file import write_atomically


def test_a_name_near_the_file_system_limit_is_written(tmp_path: Path) -> None:
    for name in ("a" * 250 + ".txt", "é" * 124 + ".md"):  # 254 and 251 bytes in UTF-8
        target = tmp_path / name
        write_atomically(target, b"text")
        assert target.read_bytes() == b"text"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["a" * 250 + ".txt", "é" * 124 + ".md"]
    )  # no temp file left


def test_a_short_name_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_bytes(b"old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new" and len(list(tmp_path.iterdir())) == 1
