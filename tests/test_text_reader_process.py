"""OCR in a child process: the same reading as in this process, and a child that dies is
one sentence, then started again."""

from __future__ import annotations

import os
import signal

import pytest
from PIL import Image

from describe_app.core.errors import OcrError
from describe_app.core.i18n import _, set_language
from describe_app.core.reading.ocr_reader import OcrReader
from describe_app.core.reading.page_reader import DOCUMENT_OCR_SETTINGS
from describe_app.core.reading.text_reader_process import ChildTextReader
from tests.document_scenes import page_lines, printed_page


@pytest.mark.slow
@pytest.mark.allow_warning_logs  # the child's death is logged as an error
def test_the_child_reads_as_this_process_does_and_comes_back_after_dying() -> None:
    page = printed_page(page_lines(1, count=4))
    here = OcrReader(DOCUMENT_OCR_SETTINGS).read(page)
    reader = ChildTextReader(DOCUMENT_OCR_SETTINGS)
    try:
        reader.load()
        there = reader.read(page)
        assert there.lines == here.lines
        assert there.lines[0] == "Page 1 notice"
        assert [len(line) for line in there.line_boxes] == [len(line) for line in here.line_boxes]

        pool = reader._pool
        assert pool is not None
        for process in list(pool._processes.values()):  # the out-of-memory killer, say
            os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(OcrError, match=r"^Text could not be read: the text reader stopped\.$"):
            reader.read(page)
        assert reader.read(page).lines == here.lines  # a new child
    finally:
        reader.close()


@pytest.mark.slow
def test_the_childs_sentences_are_in_the_windows_language() -> None:
    set_language("fr")
    reader = ChildTextReader(DOCUMENT_OCR_SETTINGS)
    try:
        expected = _("The picture is empty, so there is no text to read.")
        with pytest.raises(OcrError) as caught:
            reader.read(Image.new("RGB", (0, 0)))
    finally:
        reader.close()
        set_language("en")
    assert expected != "The picture is empty, so there is no text to read."
    assert str(caught.value) == expected


def test_a_read_that_close_cancels_before_it_begins_is_an_ocr_error_not_a_crash() -> None:
    """close() shuts the child's pool down with its waiting reads cancelled: the read's
    future raised CancelledError, which reached the worker as an unexpected failure
    ("request 33 failed", logged as an error, in the window monkey)."""
    from concurrent.futures import Future

    reader = ChildTextReader()

    class ClosedMeanwhile:
        def submit(self, *_args: object) -> Future[None]:
            reader._pool = None  # close() took the pool
            cancelled: Future[None] = Future()
            cancelled.cancel()
            return cancelled

    reader._pool = ClosedMeanwhile()  # type: ignore[assignment]
    with pytest.raises(OcrError):
        reader.read(Image.new("RGB", (8, 8)))
