"""The quality harness (benchmarks/eval_quality.py): its labelled set, its scores, and runs
against a fake server with scripted answers, the tiny local model and ``transformers serve``.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.server_fixtures import LocalServer, QuietHandler, content_chunk, transformers_server

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # eval_quality imports quality_scoring by this name
    spec.loader.exec_module(module)
    return module


scoring = _load("quality_scoring")
LABELS = BENCHMARKS / "quality_set" / "labels.toml"


def _item(**kw: Any) -> Any:
    fields = {"id": "x", "file": "x.png", "kind": "photo", "source": "s", "license": "l"}
    facts = tuple(scoring.Fact(tuple(s)) for s in kw.pop("facts", []))
    facts += tuple(scoring.Fact(tuple(of), n) for n, of in kw.pop("counts", []))
    absent = tuple(scoring.Fact(tuple(s)) for s in kw.pop("absent", []))
    return scoring.Item(**fields, facts=facts, absent=absent, words=tuple(kw.pop("words", [])))


# --- the set ------------------------------------------------------------------------------


def test_the_set_has_about_thirty_labelled_pictures_with_their_licences() -> None:
    from PIL import Image

    qset = scoring.load_set(LABELS)
    kinds = [item.kind for item in qset.items]
    assert 28 <= len(qset.items) <= 34
    assert kinds.count("photo") >= 12 and kinds.count("card") >= 12
    assert len({item.id for item in qset.items}) == len(qset.items)
    assert "by hand" in qset.labelled
    for item in qset.items:
        with Image.open(qset.folder / item.file) as picture:
            assert max(picture.size) <= 640, item.id
        assert item.license and item.source and item.facts and item.absent, item.id
        if item.kind == "photo":
            assert "skimage.data" in item.source, item.id
            assert any(k in item.license for k in ("CC0", "public domain", "no known")), item.id
        said = {s.lower() for fact in item.facts for s in fact.synonyms}
        denied = {s.lower() for fact in item.absent for s in fact.synonyms}
        assert not said & denied, f"{item.id}: both present and absent: {said & denied}"
    cards = [item for item in qset.items if item.kind == "card"]
    assert sum(len(item.words) for item in cards) >= 30
    assert sum(1 for item in cards for f in item.facts if f.number is not None) >= 6


def test_the_shape_cards_hold_as_many_shapes_as_their_labels_say() -> None:
    import cv2
    import numpy as np

    qset = scoring.load_set(LABELS)
    shape_cards = [i for i in qset.items if any(f.number for f in i.facts) and i.kind == "card"]
    assert len(shape_cards) == 6
    for item in shape_cards:
        pixels = np.asarray(cv2.imread(str(qset.folder / item.file))).astype(np.int32)
        packed = (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]
        shapes = 0
        for colour in np.unique(packed):  # one solid colour per shape: count its patches
            if colour == 0xFFFFFF:  # the white card
                continue
            mask = (packed == colour).astype(np.uint8)
            shapes += cv2.connectedComponents(mask)[0] - 1
        labelled = sum(f.number or 0 for f in item.facts)
        assert shapes == labelled, item.id


@pytest.mark.slow
def test_the_app_reads_every_word_the_text_cards_are_labelled_with() -> None:
    from PIL import Image

    from describe_app.core.reading.ocr_reader import OcrReader

    qset = scoring.load_set(LABELS)
    reader = OcrReader()
    text_cards = [item for item in qset.items if item.words]
    assert len(text_cards) == 11
    for item in text_cards:
        with Image.open(qset.folder / item.file) as picture:
            text = reader.read(picture.convert("RGB")).text
        assert [w for w in item.words if not scoring.word_read(text, w)] == [], item.id


def test_a_broken_labels_file_names_the_item(tmp_path: Path) -> None:
    bad = tmp_path / "labels.toml"
    bad.write_text('[[item]]\nid = "cup"\nfile = "cup.jpg"\nkind = "photo"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="item cup"):
        scoring.load_set(bad)


# --- the scores ---------------------------------------------------------------------------

PET = _item(
    facts=[["cat", "kitten"], ["sofa", "couch"], ["grey", "gray"]],
    counts=[(2, ["cushion", "pillow"])],
    absent=[["dog", "puppy"], ["person", "man", "woman"], ["toy"]],
)


@pytest.mark.parametrize(
    ("answer", "found", "invented"),
    [
        ("A grey kitten sleeps on a couch.", ["cat", "sofa", "grey"], []),
        ("Two kittens and a dog on the sofa.", ["cat", "sofa"], ["dog"]),
        ("A CAT. Gray cushions. Three puppies!", ["cat", "grey"], ["dog"]),
        ("There is no dog.", [], []),
        ("I can't see a dog or a person.", [], []),
        ("There are no people, toys or dogs here.", [], []),
        ("A dog is not visible in this picture.", [], []),
        ("The cat is not a dog, but a man holds it.", ["cat"], ["person"]),
        ("No cat, but a dog.", [], ["dog"]),
        ("A catalogue and a hotdog beside a sofabed.", [], []),
        ("A cat with two grey pillows on a couch.", ["cat", "sofa", "grey", "2 cushion"], []),
        ("A cat on a couch with 2 large, soft cushions.", ["cat", "sofa", "2 cushion"], []),
        ("A cat and three cushions.", ["cat"], []),
        ("A row of two cats and one cushion.", ["cat"], []),
    ],
)
def test_facts_and_inventions_by_synonym_plural_and_negation(
    answer: str, found: list[str], invented: list[str]
) -> None:
    score = scoring.score_answer(PET, answer)
    assert list(score.facts_found) == found
    assert list(score.invented) == invented
    assert len(score.facts_found) + len(score.facts_missed) == 4
    assert score.counts_total == 1
    assert list(score.counts_found) == [f for f in found if f == "2 cushion"]


def test_exact_words_from_a_card_and_the_length() -> None:
    card = _item(words=["Platform", "4", "9:00", "30%"], facts=[["blue"]], absent=[["train"]])
    score = scoring.score_answer(
        card, "A blue sign: PLATFORM 4, from 9:00; 30 % off. Platforms 14."
    )
    assert score.words_read == ("Platform", "4", "9:00")
    assert score.words_missed == ("30%",)
    assert score.length_words == 12
    assert scoring.score_answer(card, "").length_words == 0


def test_numbers_are_written_in_words_or_digits() -> None:
    coins = _item(counts=[(24, ["coin"])], absent=[["key"]])
    for answer in ("24 old coins", "twenty-four coins", "Twenty four silver coins"):
        assert scoring.score_answer(coins, answer).counts_found == ("24 coin",), answer
    assert scoring.score_answer(coins, "twenty coins").counts_found == ()


def test_totals_and_confidence_by_sentence() -> None:
    rows = [
        {
            "kind": "photo",
            "score": scoring.score_answer(PET, "A cat. A dog.").to_json(),
            "first_word_s": 1.0,
            "total_s": 3.0,
            "confidence": {"overall": 0.7, "sentences": [0.9, 0.4]},
            "sentence_invents": [False, True],
        },
        {
            "kind": "card",
            "score": scoring.score_answer(PET, "").to_json(),
            "error": "The server did not answer.",
        },
    ]
    totals = scoring.summarize(rows)
    assert (totals.items, totals.facts_found, totals.facts_total) == (2, 1, 8)
    assert (totals.invented, totals.items_with_invented, totals.errors) == (1, 1, 1)
    assert (totals.words_read, totals.words_total) == (0, 0)
    assert totals.mean_length_words == 2.0
    assert (totals.median_first_word_s, totals.median_total_s) == (1.0, 3.0)
    assert (totals.confidence_invented, totals.confidence_other) == (0.4, 0.9)
    assert totals.by_kind["photo"] == {
        "items": 1,
        "facts_found": 1,
        "facts_total": 4,
        "invented": 1,
    }


# --- end to end against a fake server -----------------------------------------------------

#: What the fake server answers for each picture, and the scores a reader counts by hand.
SCRIPT = {
    # facts: cup, coffee (espresso), saucer, spoon (teaspoon), red; table missed; the cake
    # is negated, the fork is invented; 22 words
    "coffee": "A red cup of espresso sits on a saucer with a teaspoon. "
    "There is no cake, but a fork lies beside it.",
    # facts: green, white; the word EXIT; 10 words
    "card_exit": "A green sign with the word EXIT in white letters.",
    # facts: red, white; the count (three) missed; the square is negated; 11 words
    "card_3_red_circles": "Four red circles on a white card. There is no square.",
    # facts: cat, eye, green, whisker, tabby; nose missed; a dog invented; 13 words
    "chelsea": "A tabby cat with green eyes and long whiskers looks at a dog.",
    # words: all but "6" (8 of 9); facts black, white missed; 12 words
    "card_medicine": "The label reads Ibuprofen 200 mg, take 1 tablet every 4 hours.",
    # an empty answer: the app says "The model gave no answer", which is not scored
    "horse": "",
    # card_bus: the server fails (status 500): scored as an empty answer
}


def _thumbnail(image: Any) -> list[int]:
    return list(image.convert("L").resize((12, 12)).tobytes())


def _which_picture(data_url: str, thumbnails: dict[str, list[int]]) -> str:
    from PIL import Image

    sent = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])))
    mine = _thumbnail(sent)
    return min(
        thumbnails, key=lambda k: sum(abs(a - b) for a, b in zip(thumbnails[k], mine, strict=True))
    )


@pytest.fixture
def scripted_server() -> Iterator[tuple[LocalServer, list[str]]]:
    """Answers each picture of the set with its line of SCRIPT, found by the picture sent."""
    from PIL import Image

    qset = scoring.load_set(LABELS)
    thumbnails = {}
    for item in qset.items:
        with Image.open(qset.folder / item.file) as picture:
            thumbnails[item.id] = _thumbnail(picture)
    seen: list[str] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            self.send_body(200, b'{"object": "list", "data": [{"id": "scripted-vision"}]}')

        def do_POST(self) -> None:
            body = json.loads(self.read_body())
            parts = body["messages"][-1]["content"]
            url = next(p["image_url"]["url"] for p in parts if p["type"] == "image_url")
            item = _which_picture(url, thumbnails)
            seen.append(item)
            if item not in SCRIPT:
                self.send_body(500, b'{"error": {"message": "Out of memory."}}')
                return
            self.start_stream()
            for word in SCRIPT[item].split():
                self.wfile.write(content_chunk(word + " "))
            self.wfile.write(content_chunk("", finish="stop") + b"data: [DONE]\n\n")

    server = LocalServer(Handler)
    try:
        yield server, seen
    finally:
        server.close()


def test_the_harness_scores_a_servers_answers_as_counted_by_hand(
    scripted_server: tuple[LocalServer, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, seen = scripted_server
    harness = _load("eval_quality")
    only = ",".join([*SCRIPT, "card_bus"])
    out = tmp_path / "scripted.json"
    argv = ["--server", server.url, "--server-model", "scripted-vision", "--only", only]
    assert harness.main([*argv, "--json", str(out)]) == 0
    assert sorted(seen) == sorted(only.split(","))  # each picture was sent, and recognised

    run = json.loads(out.read_text(encoding="utf-8"))["runs"][0]
    totals = run["totals"]
    assert run["kind"] == "server" and "scripted-vision" in run["name"]
    assert totals["items"] == 7 and totals["errors"] == 1
    assert (totals["facts_found"], totals["facts_total"]) == (14, 25)
    assert (totals["counts_found"], totals["counts_total"]) == (0, 1)
    assert (totals["invented"], totals["items_with_invented"]) == (2, 2)
    assert (totals["words_read"], totals["words_total"]) == (9, 14)
    assert totals["mean_length_words"] == pytest.approx(68 / 7)
    assert 0 < totals["median_first_word_s"] < 30 and 0 < totals["median_total_s"] < 30
    rows = {row["id"]: row for row in run["items"]}
    for row_id in SCRIPT:
        if SCRIPT[row_id]:
            assert 0 < rows[row_id]["first_word_s"] <= rows[row_id]["total_s"], row_id
    assert rows["coffee"]["score"]["invented"] == ["fork"]
    assert rows["coffee"]["sentence_invents"] == [False, True]
    assert rows["card_medicine"]["score"]["words_missed"] == ["6"]
    assert "Out of memory" in rows["card_bus"]["error"] and rows["card_bus"]["answer"] == ""
    assert rows["horse"]["answer"] == "" and rows["horse"]["sentences"] == []
    assert run["machine"]["cores"] >= 1

    printed = capsys.readouterr().out
    assert "14/25 (56%)" in printed and "9/14 (64%)" in printed
    assert "invented: fork" in printed and printed.count("machine: ") == 1

    # a second "model" that only ever says one thing, then both side by side
    first = out.read_text(encoding="utf-8")
    other = json.loads(first)
    other["runs"][0]["name"] = "other-vision"
    other["runs"][0]["totals"]["invented"] = 9
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    assert harness.main(["--compare", str(out), str(tmp_path / "other.json")]) == 0
    table = capsys.readouterr().out.splitlines()
    assert "scripted-vision" in table[0] and "other-vision" in table[0]
    invented_line = next(line for line in table if line.startswith("invented objects"))
    assert invented_line.split()[-2:] == ["2", "9"]
    assert not any("different pictures" in line for line in table)
    other["runs"][0]["items"] = other["runs"][0]["items"][:2]  # not like with like
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    assert harness.main(["--compare", str(out), str(tmp_path / "other.json")]) == 0
    assert "the runs scored different pictures" in capsys.readouterr().out


def test_an_unknown_item_is_refused_with_the_list() -> None:
    harness = _load("eval_quality")
    with pytest.raises(SystemExit, match=r"No such item: teapot\. Items: astronaut"):
        harness.main(["--only", "coffee,teapot"])


# --- end to end with real models (slow) ---------------------------------------------------

SPOKEN_SCORES = {  # DEFAULT_SCRIPT: "A red mug stands on the wooden table. Someone left keys..."
    "coffee": (["cup", "table", "red"], []),
    "coins": ([], ["key"]),
    "card_exit": ([], ["red"]),
}


def _check_spoken(run: dict[str, Any]) -> None:
    for row in run["items"]:
        found, invented = SPOKEN_SCORES[row["id"]]
        assert (row["score"]["facts_found"], row["score"]["invented"]) == (found, invented)
    assert run["totals"]["facts_found"] == 3 and run["totals"]["invented"] == 2


@pytest.mark.slow
def test_two_local_models_side_by_side_through_the_apps_loader(
    tiny_model_dir: Path, speaking_model_dir: Path, tmp_path: Path
) -> None:
    harness = _load("eval_quality")
    out = tmp_path / "local.json"
    argv = ["--model", str(tiny_model_dir), "--model", str(speaking_model_dir)]
    argv += ["--only", ",".join(SPOKEN_SCORES), "--max-tokens", "24", "--json", str(out)]
    assert harness.main(argv) == 0
    tiny, speaking = json.loads(out.read_text(encoding="utf-8"))["runs"]
    assert tiny["kind"] == speaking["kind"] == "local"
    assert tiny["name"] == tiny_model_dir.name and speaking["name"] == speaking_model_dir.name
    for row in tiny["items"]:  # nonsense, but every stage ran
        assert row["total_s"] > 0 and "error" not in row
    assert tiny["totals"]["facts_found"] == 0
    _check_spoken(speaking)


@pytest.mark.slow
def test_transformers_serve_through_the_apps_remote_describer(
    speaking_model_dir: Path, tmp_path: Path
) -> None:
    harness = _load("eval_quality")
    out = tmp_path / "served.json"
    with transformers_server(speaking_model_dir, tmp_path) as served:
        argv = ["--server", served.url, "--only", ",".join(SPOKEN_SCORES), "--json", str(out)]
        assert harness.main(argv) == 0
    (run,) = json.loads(out.read_text(encoding="utf-8"))["runs"]
    assert run["kind"] == "server" and run["totals"]["errors"] == 0
    _check_spoken(run)
