"""SmolVLM2 through the app's own loader, describer and streamer, without torchvision.

The stock SmolVLM2 processor builds a video processor (every one needs torchvision) and
stops without num2words; the app builds it for pictures only. A tiny random-weight model of
the real architecture (``SmolVLMForConditionalGeneration``) describes a picture, then
answers a follow-up question about it, in a fresh process that must never import
torchvision.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from describe_app.core.describe.local.model_families import (
    FAMILIES,
    family_for,
    why_not_runnable,
)
from describe_app.core.describe.local.model_ladder import LADDER

ARCHITECTURE = "SmolVLMForConditionalGeneration"

#: Runs in a child process: describes a picture, asks a follow-up, reports what it saw.
_CHILD = textwrap.dedent(
    """
    import json, sys, threading
    from pathlib import Path
    from PIL import Image
    from describe_app.core.describe.conversation import Conversation
    from describe_app.core.describe.describer import GenerationSettings
    from describe_app.core.describe.local.vlm_describer import VlmDescriber
    from describe_app.core.describe.local.vlm_loader import load_vlm
    from describe_app.core.describe.prompts import Detail
    from describe_app.core.pictures.images import Picture
    from describe_app.devtools import random_models

    folder = random_models.build("smolvlm2", Path(sys.argv[1]))
    loaded = load_vlm(folder, name="tiny-smolvlm2")
    settings = GenerationSettings(max_new_tokens_brief=8, max_new_tokens_question=6)
    describer = VlmDescriber(loaded, settings)
    image = Image.new("RGB", (640, 480), (40, 90, 160))
    image.paste((230, 200, 20), (100, 120, 400, 300))
    conversation = Conversation(Picture(image, "street", image.size))
    first = conversation.describe_request(Detail.BRIEF)
    pieces = []
    stats = describer.describe(first, pieces.append, threading.Event())
    conversation.record(first, "".join(pieces))
    follow_up = conversation.question_request("What colour is the box")
    answer = []
    again = describer.describe(follow_up, answer.append, threading.Event())
    config = loaded.model.config
    inputs = describer.prepare_inputs(first)
    print(json.dumps({
        "family": loaded.family.key,
        "dtype": loaded.dtype,
        "pieces": pieces,
        "tokens": stats.new_tokens,
        "token_seconds": stats.token_seconds,
        "answer": answer,
        "answer_tokens": again.new_tokens,
        "picture_cached": again.picture_cached,
        "image_tokens": int((inputs["input_ids"] == config.image_token_id).sum()),
        "image_seq_len": loaded.processor.image_seq_len,
        "video_processor": loaded.processor.video_processor is not None,
        "torchvision": "torchvision" in sys.modules,
    }))
    """
)


@pytest.fixture(scope="module")
def child_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("smolvlm2")
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.slow
def test_smolvlm2_describes_a_picture_and_streams_the_answer(
    child_report: dict[str, object],
) -> None:
    assert child_report["family"] == "smolvlm2"
    assert child_report["dtype"] == "int8+float32"  # as the app runs it on a CPU
    pieces = child_report["pieces"]
    assert isinstance(pieces, list)
    assert child_report["tokens"] == 8  # random weights never stop early
    assert "".join(pieces).strip()
    seconds = child_report["token_seconds"]
    assert isinstance(seconds, list)
    assert seconds[0] < seconds[-1]  # each token handed out as written, not all at the end


@pytest.mark.slow
def test_smolvlm2_answers_a_follow_up_about_the_same_picture(
    child_report: dict[str, object],
) -> None:
    answer = child_report["answer"]
    assert isinstance(answer, list)
    assert "".join(answer).strip()
    assert child_report["answer_tokens"] == 6
    assert child_report["picture_cached"]  # no second pass of the vision encoder


@pytest.mark.slow
def test_smolvlm2_sees_one_view_and_never_imports_torchvision(
    child_report: dict[str, object],
) -> None:
    assert child_report["torchvision"] is False
    assert child_report["video_processor"] is False
    # one square view, no tiles: exactly one view's image tokens
    assert child_report["image_tokens"] == child_report["image_seq_len"]


def test_smolvlm2_is_offered_and_not_refused() -> None:
    family = family_for([ARCHITECTURE])
    assert family is FAMILIES["smolvlm2"]
    assert family.picture_only_processor
    assert why_not_runnable([ARCHITECTURE]) is None
    smolvlm2 = [spec for spec in LADDER if spec.architecture == ARCHITECTURE]
    assert {spec.name for spec in smolvlm2} == {
        "SmolVLM2-256M-Video-Instruct",
        "SmolVLM2-500M-Video-Instruct",
        "SmolVLM2-2.2B-Instruct",
    }
    assert all(spec.runnable and spec.family == "smolvlm2" for spec in smolvlm2)


@pytest.mark.slow
def test_image_tokens_per_view_come_from_the_stored_processor_config(tmp_path: Path) -> None:
    """The Hub's ``processor_config.json`` says how many image tokens a view takes."""
    from describe_app.core.describe.local.family_processors import load_picture_only
    from describe_app.devtools import random_models

    folder = random_models.build("smolvlm2", tmp_path)
    stored = json.loads((folder / "processor_config.json").read_text(encoding="utf-8"))
    processor = load_picture_only(folder, "smolvlm2")
    assert processor.image_seq_len == stored["image_seq_len"] == 4  # 64 px, 16 px patches, 2x2
    prompt = processor.apply_chat_template(
        [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Hi"}]}],
        add_generation_prompt=True,
    )
    assert prompt == "<|im_start|>User:<image>Hi<end_of_utterance>\nAssistant:"
