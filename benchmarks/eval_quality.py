"""Which model describes better: run models or a server over the labelled quality set.

Each picture of ``benchmarks/quality_set/`` (photos from scikit-image, cards drawn by
``make_quality_set.py``; how each was labelled is in ``labels.toml``) is described through
the app's own path: the model loaded by the app's loader and describer (as
``describe-app describe --model`` does), or a server through the app's remote describer
(``--server``). The answers are scored by ``quality_scoring.py``: facts mentioned, counts
right, invented objects (listed absent things, negations excepted), exact words read
from the text cards, length in words, first-word and total time.

    python benchmarks/eval_quality.py --model SmolVLM-256M-Instruct --model SmolVLM-500M-Instruct
    python benchmarks/eval_quality.py --server http://127.0.0.1:8000 --server-model NAME
    python benchmarks/eval_quality.py --compare a.json b.json

Two models side by side: give ``--model`` twice (loaded one after the other), or run twice
with ``--json`` and then ``--compare``. The picture check (too dark, blurred) is skipped:
the model answers every picture. Prints a table and writes JSON
(``benchmarks/results/eval_quality.json`` unless ``--json OUT``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from machine import add_isa_argument, apply_isa, machine_line, stamp  # noqa: E402
from quality_scoring import (  # noqa: E402
    Item,
    QualitySet,
    invents,
    load_set,
    score_answer,
    summarize,
)

DEFAULT_LABELS = HERE / "quality_set" / "labels.toml"
DEFAULT_OUT = HERE / "results" / "eval_quality.json"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    from describe_app.cli.servers import add_server_options

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model",
        action="append",
        metavar="NAME_OR_FOLDER",
        help="a model from 'describe-app models list' or a model folder; give it twice to "
        "compare two (default: the app's default model)",
    )
    parser.add_argument("--device", default="auto", help="auto (default), cpu or cuda")
    parser.add_argument("--quantize", choices=("auto", "int8", "none"), default="auto")
    parser.add_argument("--threads", type=int, metavar="N")
    parser.add_argument("--no-download", action="store_true", help="never download a model")
    parser.add_argument("--detail", choices=("brief", "high"), default="brief")
    parser.add_argument(
        "--max-tokens", type=int, metavar="N", help="stop each answer after N tokens"
    )
    parser.add_argument(
        "--answer-seconds", type=float, metavar="S", help="stop each answer after S seconds"
    )
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="the labels file")
    parser.add_argument("--only", metavar="ID,ID", help="only these items (ids from the labels)")
    parser.add_argument("--json", type=Path, metavar="OUT", help=f"default: {DEFAULT_OUT}")
    parser.add_argument(
        "--compare", nargs="+", type=Path, metavar="JSON", help="print earlier runs side by side"
    )
    add_server_options(parser)
    add_isa_argument(parser)
    return parser.parse_args(argv)


def chosen_items(qset: QualitySet, only: str | None) -> list[Item]:
    if not only:
        return list(qset.items)
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    known = {item.id: item for item in qset.items}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise SystemExit(f"No such item: {', '.join(unknown)}. Items: {', '.join(known)}")
    return [known[w] for w in wanted]


def describe_items(
    describer: Any,
    qset: QualitySet,
    items: Sequence[Item],
    args: argparse.Namespace,
    on_row: Callable[[dict[str, Any]], None] = lambda _row: None,
) -> list[dict[str, Any]]:
    """Describe and score each item; a failed item keeps its error and scores as empty."""
    from describe_app.core.describe.describer import DescribeRequest
    from describe_app.core.describe.pipeline import EMPTY_ANSWER, run_request
    from describe_app.core.describe.prompts import Detail, PromptSpec
    from describe_app.core.errors import DescribeError
    from describe_app.core.pictures.images import load_picture

    prompt = PromptSpec(detail=Detail(args.detail))
    rows = []
    for item in items:
        row: dict[str, Any] = {"id": item.id, "kind": item.kind, "file": item.file}
        text = ""
        try:
            picture = load_picture(qset.folder / item.file)
            request = DescribeRequest(picture, prompt, max_new_tokens=args.max_tokens)
            result = run_request(describer, request, check=False)  # cleaned text
            # the app's own "no answer" or "stopped" sentence is not the model's answer
            text = "" if result.text in (EMPTY_ANSWER, result.stopped) else result.text
            confidence = getattr(result, "confidence", None)  # where the model gives it
            row.update(
                first_word_s=result.timings.get("first_text"),
                total_s=result.timings.get("total"),
                new_tokens=result.new_tokens,
                sentences=result.sentences if text else [],
                sentence_invents=[invents(item, s) for s in result.sentences] if text else [],
                confidence=confidence.to_json() if confidence is not None else None,
            )
        except DescribeError as exc:
            row["error"] = str(exc)
        row["answer"] = text
        row["score"] = score_answer(item, text).to_json()
        rows.append(row)
        on_row(row)
    return rows


def open_target(args: argparse.Namespace, model: str | None) -> Any:
    """The app's describer for one model (``model``) or the server of ``--server``."""
    from describe_app.cli.describers import open_describer

    options = argparse.Namespace(**vars(args))
    options.model = model
    options.server = None if model is not None else args.server
    return open_describer(options)


def run_target(
    args: argparse.Namespace, qset: QualitySet, items: Sequence[Item], model: str | None
) -> dict[str, Any]:
    label = model or args.server or "default model"
    print(f"\n{label}: opening ...", flush=True)
    t0 = time.perf_counter()
    describer = open_target(args, model)
    opened = time.perf_counter() - t0
    try:
        warm_up = getattr(describer, "warm_up", None)
        if callable(warm_up):  # the first request should not carry the one-off costs
            warm_up()
        rows = describe_items(describer, qset, items, args, on_row=print_row)
        name = describer.model_name
    finally:
        close = getattr(describer, "close", None)
        if callable(close):
            close()
    return {
        "name": name,
        "target": label,
        "kind": "local" if model is not None or not args.server else "server",
        "open_s": round(opened, 3),
        "detail": args.detail,
        "max_tokens": args.max_tokens,
        "items": rows,
        "totals": summarize(rows).to_json(),
    }


def print_row(row: dict[str, Any]) -> None:
    s = row["score"]
    facts = f"{len(s['facts_found'])}/{len(s['facts_found']) + len(s['facts_missed'])}"
    words = len(s["words_read"]) + len(s["words_missed"])
    read = f" words {len(s['words_read'])}/{words}" if words else ""
    invented = f" invented: {', '.join(s['invented'])}" if s["invented"] else ""
    timing = f" {row['total_s']:.1f} s" if row.get("total_s") is not None else ""
    problem = f" ERROR: {row['error']}" if row.get("error") else ""
    print(f"  {row['id']:38s} facts {facts}{read}{invented}{timing}{problem}", flush=True)


def _percent(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "-"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


TABLE_ROWS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("pictures", lambda t: str(t["items"])),
    ("facts mentioned", lambda t: _percent(t["facts_found"], t["facts_total"])),
    ("  of which counts right", lambda t: _percent(t["counts_found"], t["counts_total"])),
    ("invented objects (fewer is better)", lambda t: str(t["invented"])),
    ("  pictures with an invention", lambda t: str(t["items_with_invented"])),
    ("exact words read from cards", lambda t: _percent(t["words_read"], t["words_total"])),
    ("length (words, mean)", lambda t: f"{t['mean_length_words']:.1f}"),
    ("first word (s, median)", lambda t: _seconds(t["median_first_word_s"])),
    ("whole answer (s, median)", lambda t: _seconds(t["median_total_s"])),
    ("confidence, sentences inventing", lambda t: _figure(t.get("confidence_invented"))),
    ("confidence, other sentences", lambda t: _figure(t.get("confidence_other"))),
    ("errors", lambda t: str(t["errors"])),
]


def table(runs: Sequence[dict[str, Any]]) -> str:
    """The runs' totals side by side, one column each."""
    width = max([24, *(len(r["name"]) + 2 for r in runs)])
    lines = [f"{'':36s}" + "".join(f"{r['name'][: width - 2]:>{width}s}" for r in runs)]
    for label, cell in TABLE_ROWS:
        lines.append(f"{label:36s}" + "".join(f"{cell(r['totals']):>{width}s}" for r in runs))
    return "\n".join(lines)


def load_runs(paths: Sequence[Path]) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    for path in paths:
        try:
            runs += json.loads(path.read_text(encoding="utf-8"))["runs"]
        except (OSError, ValueError, KeyError) as exc:
            raise SystemExit(f"Cannot read the results in {path}: {exc}") from exc
    return runs


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    apply_isa(args.isa)  # before torch is imported
    if args.compare:
        runs = load_runs(args.compare)
        print(table(runs))
        if len({tuple(row["id"] for row in run["items"]) for run in runs}) > 1:
            print("Warning: the runs scored different pictures; their totals do not compare.")
        machines = {json.dumps(r.get("machine"), sort_keys=True) for r in runs}
        for machine in machines:
            if machine != "null":
                print(machine_line(json.loads(machine)))
        return 0
    qset = load_set(args.labels)
    items = chosen_items(qset, args.only)
    print(f"Quality set {qset.name}: {len(items)} pictures, labelled {qset.labelled}.")
    targets: list[str | None] = list(args.model or [])
    if args.server:
        targets.append(None)
    from describe_app.core.errors import DescribeError

    try:
        runs = [run_target(args, qset, items, model) for model in targets or [None]]
    except DescribeError as exc:  # the model or server could not be opened
        raise SystemExit(str(exc)) from exc
    print()
    print(table(runs))
    result = stamp({"labels": str(args.labels), "runs": runs})  # prints the machine line
    for run in runs:
        run["machine"] = result["machine"]
    out = args.json or DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
