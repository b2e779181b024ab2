"""Keep the translation catalogs in step with the code, in pure Python (no GNU gettext needed).

    python -m describe_app.devtools.translations update    add new strings to every .po
    python -m describe_app.devtools.translations compile   write each .mo from its .po
    python -m describe_app.devtools.translations check     exit 1 if a .mo is stale or a
                                                           string in the code is in no .po

Strings are found by reading the code (``ast``): the first argument of ``_("...")`` and
``N_("...")``, the first two of ``ngettext("...", "...", n)``. Both .po and .mo are committed;
the .mo is written byte for byte the same from the same .po (entries sorted, no hash table),
so a test can compare them.
"""

from __future__ import annotations

import argparse
import ast
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from describe_app.core.i18n import DOMAIN, locale_dir

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_MO_MAGIC = 0x950412DE


@dataclass
class PoEntry:
    msgid: str
    msgstr: list[str] = field(default_factory=lambda: [""])  # one per plural form
    msgid_plural: str | None = None
    references: list[str] = field(default_factory=list)  # "describe_app/x.py:12"
    flags: set[str] = field(default_factory=set)  # "fuzzy", "python-brace-format"
    comments: list[str] = field(default_factory=list)  # translator comments, without "# "

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and all(self.msgstr) and bool(self.msgstr)


@dataclass
class Catalog:
    header: PoEntry
    entries: dict[str, PoEntry]  # msgid -> entry, in file order

    def translations(self) -> dict[str, str]:
        return {k: e.msgstr[0] for k, e in self.entries.items() if e.translated}


# -- reading the code ----------------------------------------------------------------------


@dataclass
class Message:
    msgid: str
    plural: str | None
    references: list[str]  # files, first one first
    line: int  # first line in the first file (for ordering)


def extract_messages(root: Path = PACKAGE_DIR, *, base: Path | None = None) -> dict[str, Message]:
    """Every translatable string under ``root``, in code order (files sorted, then lines).

    References name files without line numbers, so moving code does not change the .po."""
    base = root.parent if base is None else base
    found: dict[str, Message] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            name = node.func.id
            count = 2 if name == "ngettext" else 1 if name in ("_", "N_") else 0
            args = node.args[:count]
            if not count or len(args) < count:
                continue
            texts = [a.value for a in args if isinstance(a, ast.Constant)]
            if len(texts) < count or not all(isinstance(t, str) and t for t in texts):
                continue
            ref = path.relative_to(base).as_posix()
            msgid = str(texts[0])
            plural = str(texts[1]) if count == 2 else None
            if msgid not in found:
                found[msgid] = Message(msgid, plural, [ref], node.lineno)
            elif ref not in found[msgid].references:
                found[msgid].references.append(ref)
            else:
                found[msgid].line = min(found[msgid].line, node.lineno)
    return dict(sorted(found.items(), key=lambda kv: (kv[1].references[0], kv[1].line)))


# -- .po files -----------------------------------------------------------------------------


def parse_po(text: str) -> Catalog:
    """Read a .po file (obsolete ``#~`` entries are skipped; msgctxt is not supported)."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    pending = PoEntry("")
    field_name: str | None = None
    index = 0

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and field_name and field_name.startswith("msgstr"):
                finish()
                pending = PoEntry("")
            if line.startswith("#:"):
                pending.references += line[2:].split()
            elif line.startswith("#,"):
                pending.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            elif line.startswith("# ") or line == "#":
                pending.comments.append(line[2:])
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            if current is None or field_name is None:
                raise ValueError(f"line {number}: a string outside an entry")
            _append(current, field_name, index, _unquote(line, number))
            continue
        value = _unquote(rest.strip(), number)
        if keyword == "msgid":
            finish()
            current, pending = pending, PoEntry("")
            current.msgid, field_name = value, "msgid"
        elif current is None:
            raise ValueError(f"line {number}: {keyword} before msgid")
        elif keyword == "msgid_plural":
            current.msgid_plural, field_name = value, "msgid_plural"
            current.msgstr = []
        elif keyword == "msgstr":
            current.msgstr, field_name, index = [value], "msgstr", 0
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            if index != len(current.msgstr):
                raise ValueError(f"line {number}: plural forms out of order")
            current.msgstr.append(value)
            field_name = "msgstr"
        else:
            raise ValueError(f"line {number}: unknown keyword {keyword!r}")
    finish()
    header = PoEntry("")
    by_id: dict[str, PoEntry] = {}
    for entry in entries:
        if entry.msgid == "":
            header = entry
        elif entry.msgid in by_id:
            raise ValueError(f"{entry.msgid!r} appears twice")
        else:
            by_id[entry.msgid] = entry
    return Catalog(header, by_id)


def _append(entry: PoEntry, field_name: str, index: int, text: str) -> None:
    if field_name == "msgid":
        entry.msgid += text
    elif field_name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    else:
        entry.msgstr[index] += text


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str, number: int) -> str:
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"line {number}: expected a quoted string, found {text!r}")
    out: list[str] = []
    chars = iter(text[1:-1])
    for ch in chars:
        if ch == "\\":
            esc = next(chars, "")
            if esc not in _ESCAPES:
                raise ValueError(f"line {number}: unknown escape \\{esc}")
            out.append(_ESCAPES[esc])
        else:
            out.append(ch)
    return "".join(out)


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
    )
    return f'"{escaped}"'


def _po_string(keyword: str, text: str) -> list[str]:
    if "\n" not in text.rstrip("\n"):
        return [f"{keyword} {_quote(text)}"]
    parts = text.splitlines(keepends=True)
    return [f'{keyword} ""', *(_quote(p) for p in parts)]


def format_po(catalog: Catalog, obsolete: Iterable[PoEntry] = ()) -> str:
    """Write a catalog as .po text (one canonical layout)."""
    out: list[str] = []
    for entry in [catalog.header, *catalog.entries.values()]:
        out += [f"# {c}".rstrip() for c in entry.comments]
        if entry.references:
            out.append("#: " + " ".join(entry.references))
        if entry.flags:
            out.append("#, " + ", ".join(sorted(entry.flags)))
        out += _po_string("msgid", entry.msgid)
        if entry.msgid_plural is not None:
            out += _po_string("msgid_plural", entry.msgid_plural)
            for i, form in enumerate(entry.msgstr or [""]):
                out += _po_string(f"msgstr[{i}]", form)
        else:
            out += _po_string("msgstr", entry.msgstr[0] if entry.msgstr else "")
        out.append("")
    for entry in obsolete:
        out += [f"#~ {line}" for line in _po_string("msgid", entry.msgid)]
        out += [f"#~ {line}" for line in _po_string("msgstr", entry.msgstr[0])]
        out.append("")
    return "\n".join(out)


def merge(catalog: Catalog, messages: dict[str, Message]) -> tuple[Catalog, list[PoEntry]]:
    """The catalog with the code's strings, in code order; strings no longer used come back
    as obsolete entries (kept in the file as ``#~`` so no translation is lost)."""
    entries: dict[str, PoEntry] = {}
    for msgid, message in messages.items():
        old = catalog.entries.get(msgid)
        entry = old if old is not None else PoEntry(msgid)
        entry.references = list(message.references)
        if "{" in msgid:
            entry.flags.add("python-brace-format")
        if message.plural is not None:
            entry.msgid_plural = message.plural
            entry.msgstr = [*entry.msgstr, "", ""][: max(2, len(entry.msgstr))]
        entries[msgid] = entry
    obsolete = [e for k, e in catalog.entries.items() if k not in messages and e.translated]
    return Catalog(catalog.header, entries), obsolete


# -- .mo files -----------------------------------------------------------------------------


def compile_mo(catalog: Catalog) -> bytes:
    """GNU .mo bytes: the header and every translated entry, sorted, without hash table."""
    pairs: dict[bytes, bytes] = {b"": "\n".join(catalog.header.msgstr).encode("utf-8")}
    for entry in catalog.entries.values():
        if not entry.translated:
            continue
        msgid = entry.msgid
        if entry.msgid_plural is not None:
            msgid += "\0" + entry.msgid_plural
        pairs[msgid.encode("utf-8")] = "\0".join(entry.msgstr).encode("utf-8")
    keys = sorted(pairs)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    strings_at = translations_at + count * 8
    table_o: list[int] = []
    table_t: list[int] = []
    blob = bytearray()
    for key in keys:
        table_o += [len(key), strings_at + len(blob)]
        blob += key + b"\0"
    for key in keys:
        value = pairs[key]
        table_t += [len(value), strings_at + len(blob)]
        blob += value + b"\0"
    header = struct.pack("<7I", _MO_MAGIC, 0, count, originals_at, translations_at, 0, strings_at)
    tables = struct.pack(f"<{4 * count}I", *table_o, *table_t)
    return header + tables + bytes(blob)


def po_files(folder: Path | None = None) -> list[Path]:
    folder = locale_dir() if folder is None else folder
    return sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def stale_mo_files(folder: Path | None = None) -> list[Path]:
    """The .mo files that are missing or differ from what their .po compiles to."""
    stale = []
    for po in po_files(folder):
        mo = po.with_suffix(".mo")
        expected = compile_mo(parse_po(po.read_text(encoding="utf-8")))
        if not mo.is_file() or mo.read_bytes() != expected:
            stale.append(mo)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("command", choices=["update", "compile", "check"])
    args = parser.parse_args(argv)
    messages = extract_messages()
    status = 0
    for po in po_files():
        catalog = parse_po(po.read_text(encoding="utf-8"))
        lang = po.parent.parent.name
        if args.command == "update":
            merged, obsolete = merge(catalog, messages)
            po.write_text(format_po(merged, obsolete), encoding="utf-8")
            todo = sum(not e.translated for e in merged.entries.values())
            print(f"{po}: {len(merged.entries)} strings, {todo} to translate")
        elif args.command == "compile":
            po.with_suffix(".mo").write_bytes(compile_mo(catalog))
            print(f"{po.with_suffix('.mo')} written")
        else:
            missing = [m for m in messages if m not in catalog.entries]
            untranslated = [k for k, e in catalog.entries.items() if not e.translated]
            if missing:
                status = 1
                print(f"{lang}: {len(missing)} strings not in {po} (run update):")
                print("".join(f"  {m!r}\n" for m in missing), end="")
            if untranslated:
                print(f"{lang}: {len(untranslated)} strings not translated yet")
    if args.command == "check":
        for mo in stale_mo_files():
            status = 1
            print(f"{mo} is out of date (run compile)")
    return status


if __name__ == "__main__":
    sys.exit(main())
