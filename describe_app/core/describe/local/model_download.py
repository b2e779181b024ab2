"""Downloading a model: one job that the window, the command line and the model process
all use.

:class:`ModelDownload` fetches a registry model into the cache (see
:mod:`~describe_app.core.describe.local.hub_files` for the layout):

* it first checks the free disk space against what is still to come, plus a margin, and
  refuses in one sentence when it is short;
* it reports its progress (bytes, the share done, the time left) to a sink, on its thread;
* :meth:`ModelDownload.cancel` (from any thread) is answered at once (within
  :data:`CANCEL_CHECK_S`), whatever the network does: the work runs on a thread of its own
  ("model-download-files"), and :meth:`ModelDownload.run` stops waiting for it. A stalled
  connection is cut and a checksum being computed stops; a name lookup or a connection
  that has not answered yet cannot be interrupted, so that thread may outlive the cancel
  until it ends, but touches no file after it. What came down stays as ``.incomplete``
  blobs, which nothing loads, and the next start continues from there;
* each file is checked against the hub's checksum (sha256 for the weights, git's blob id
  for the small files); a damaged file is deleted and refused in one sentence;
* only when every file is there and checked does the model appear in the cache.

Every failure is a :class:`~describe_app.core.errors.ModelNotAvailableError` whose text
is the sentence to show and speak; a cancelled download raises
:class:`~describe_app.core.errors.Cancelled`.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from describe_app.core.describe.local import hub_files
from describe_app.core.describe.local.download_progress import (
    MB,
    DownloadProgress,
    DownloadSink,
    SpeedMeter,
)
from describe_app.core.describe.local.hub_files import HubFile
from describe_app.core.describe.local.hub_token import hub_token
from describe_app.core.describe.local.model_registry import ModelSpec, check_model_folder
from describe_app.core.errors import Cancelled, ModelNotAvailableError
from describe_app.core.i18n import _

log = logging.getLogger(__name__)

REPORT_EVERY_S = 0.2  # progress reports at most this often (and at the start and end)
CANCEL_CHECK_S = 0.05  # how often a waiting run() looks whether it was cancelled
WORK_THREAD = "model-download-files"


class GatedModelError(ModelNotAvailableError):
    """The hub refused a gated model: no token was given (``token_refused`` False), or the
    one given was refused (wrong, or its account has not accepted the model's terms)."""

    def __init__(self, message: str, *, token_refused: bool) -> None:
        super().__init__(message)
        self.token_refused = token_refused


def margin_bytes(needed: int) -> int:
    """Room kept free beyond the download itself: a tenth of it, at least 100 MB."""
    return max(100 * MB, needed // 10)


class ModelDownload:
    """Download ``spec`` into the cache; :meth:`run` on one thread, :meth:`cancel` from any.

    ``on_start`` is told once the hub has answered and the space is checked, just before
    the files come down, so that "downloading" is never said when there is no connection.
    ``command``: the command that tries again, named when the hub cannot be reached (the
    command line); without it the user is told to try again (the window's dialog).
    """

    def __init__(
        self,
        spec: ModelSpec,
        on_progress: DownloadSink | None = None,
        *,
        on_start: Callable[[ModelSpec], None] | None = None,
        command: str | None = None,
    ) -> None:
        self.spec = spec
        self._command = command
        self._on_progress = on_progress
        self._on_start = on_start
        self._cancelled = hub_files.CancelFlag()
        self._done = 0
        self._total = 0
        self._last_report = 0.0
        self._speed = SpeedMeter()
        self._token: str | None = None

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> Path:
        """Download what is missing, check it, and return the model's folder. Raises
        :class:`Cancelled` within :data:`CANCEL_CHECK_S` of :meth:`cancel`, even while the
        network is silent (the work goes on on a thread of its own, which stops soon after)."""
        outcome: list[Path | BaseException] = []
        worker = threading.Thread(target=self._work, args=(outcome,), name=WORK_THREAD, daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(CANCEL_CHECK_S)  # a timed wait: Ctrl+C's handler runs in between
            if self.cancelled and worker.is_alive():
                raise Cancelled()
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result

    def _work(self, outcome: list[Path | BaseException]) -> None:
        try:
            outcome.append(self._download())
        except BaseException as exc:
            outcome.append(exc)
            if self.cancelled and not isinstance(exc, Cancelled):
                log.debug("the cancelled download of %s ended with %r", self.spec.name, exc)

    def _download(self) -> Path:
        spec = self.spec
        log.info("downloading %s (%s@%s)", spec.name, spec.repo_id, spec.revision)
        self._token = hub_token(ask_keyring=spec.gated)
        commit, files = self._ask_hub()
        self._total = sum(f.size for f in files)
        self._done = sum(hub_files.bytes_on_disk(spec, f) for f in files)
        check_free_space(spec, self._total - self._done)
        try:  # a cache that cannot be written (read-only, not ours) is said before "downloading"
            (hub_files.repo_folder(spec) / "blobs").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _save_failure(spec, exc) from exc
        if self.cancelled:  # while the hub was asked: "downloading" is not said
            raise Cancelled()
        if self._on_start is not None:
            self._on_start(spec)
        self._speed = SpeedMeter()
        self._report(force=True)
        for file in files:
            self._fetch(commit, file)
        self._report(force=True)
        try:
            return hub_files.publish(spec, commit, files, lambda f: check_model_folder(f, spec))
        except OSError as exc:
            raise _save_failure(spec, exc) from exc

    def _ask_hub(self) -> tuple[str, list[HubFile]]:
        from huggingface_hub import constants

        if constants.HF_HUB_OFFLINE:
            then = (
                _("Turn it off and run: {command}").format(command=self._command)
                if self._command
                else _("Turn it off to download it.")
            )
            offline = _("{name} is not on this computer, and offline mode (HF_HUB_OFFLINE) is on.")
            raise ModelNotAvailableError(f"{offline.format(name=self.spec.name)} {then}")
        try:
            return hub_files.list_files(self.spec, self._token)
        except (ValueError, KeyError, TypeError) as exc:
            # Something answered, but not as the hub does: a network's sign-in page (a hotel
            # or train Wi-Fi answers every address with HTML), a proxy, a wrong HF_ENDPOINT.
            # Said in one sentence instead of a crash report; the log keeps the details.
            log.info("the hub's answer for %s was unreadable", self.spec.name, exc_info=True)
            raise _unreadable_answer(self.spec, self._command) from exc
        except _network_errors() as exc:
            if self._token is None and _is_gated(exc):
                stored = hub_token()  # a model the ladder thought public asks for a token
                if stored is not None:
                    self._token = stored
                    return self._ask_hub()
            raise self._failure(exc, asking=True) from exc

    def _fetch(self, commit: str, file: HubFile) -> None:
        spec = self.spec
        blob = hub_files.blob_path(spec, file)
        if blob.is_file() and blob.stat().st_size == file.size:
            return  # finished and checked by an earlier run (or another tool)
        if self.cancelled:
            raise Cancelled()
        try:
            partial = hub_files.fetch_file(
                spec, commit, file, self._received, self._cancelled, self._token
            )
        except _network_errors() as exc:
            if self.cancelled:  # the connection ended as the user stopped it
                raise Cancelled() from exc
            if isinstance(exc, OSError) and exc.errno in _DISK_ERRORS:
                raise _save_failure(spec, exc) from exc
            raise self._failure(exc) from exc
        if not hub_files.checksum_matches(partial, file, self._cancelled):
            partial.unlink(missing_ok=True)
            self._done -= file.size
            log.info("%s of %s failed its checksum; deleted", file.path, spec.name)
            raise ModelNotAvailableError(
                _(
                    "The file {file} of {name} came down damaged (it does not match the "
                    "hub's checksum), so it was deleted; try the download again."
                ).format(file=file.path, name=spec.name)
            )
        if self.cancelled:  # the next try may be checking the same part by now
            raise Cancelled()
        os.replace(partial, blob)

    def _failure(self, exc: BaseException, *, asking: bool = False) -> ModelNotAvailableError:
        """``asking``: while the hub was asked which files there are (before any came)."""
        if _is_gated(exc):
            return _gated(self.spec, token_sent=self._token is not None, command=self._command)
        return _hub_failure(self.spec, exc, self._command, asking=asking)

    def _received(self, count: int) -> None:
        self._done += count
        if count > 0:
            self._speed.received(count)
        self._report()

    def _report(self, *, force: bool = False) -> None:
        if self._on_progress is None or self.cancelled:  # stopped: nothing more is said
            return
        now = time.monotonic()
        if not force and now - self._last_report < REPORT_EVERY_S and self._done < self._total:
            return
        self._last_report = now
        left = self._speed.seconds_left(self._total - self._done)
        self._on_progress(DownloadProgress(self._done, self._total, left))


def check_free_space(spec: ModelSpec, needed: int) -> None:
    """Refuse, in one sentence, when the cache's disk has less free space than ``needed``
    bytes plus a margin."""
    folder = hub_files.repo_folder(spec)
    existing = next((p for p in (folder, *folder.parents) if p.exists()), folder.anchor)
    free = shutil.disk_usage(existing).free
    wanted = needed + margin_bytes(needed)
    if free < wanted:
        raise ModelNotAvailableError(
            _(
                "There is not enough free disk space for {name}: it needs {need} MB and "
                "{folder} has {free} MB free."
            ).format(name=spec.name, need=-(-wanted // MB), folder=existing, free=free // MB)
        )


_DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS)


def _network_errors() -> tuple[type[Exception], ...]:
    """What reaching the hub or reading from it may raise (files on disk: OSError)."""
    import httpx2

    return (OSError, httpx2.HTTPError, httpx2.StreamError)


def _hub_failure(
    spec: ModelSpec, exc: BaseException, command: str | None, *, asking: bool = False
) -> ModelNotAvailableError:
    """The sentence for a failure to reach the hub (``asking``: while it was asked which
    files there are) or to get a file from it."""
    from huggingface_hub.errors import (
        RemoteEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    log.info("download of %s failed: %r", spec.name, exc)
    if isinstance(exc, RepositoryNotFoundError | RevisionNotFoundError | RemoteEntryNotFoundError):
        return ModelNotAvailableError(
            _("{name} ({repo}, revision {revision}) was not found on the model hub.").format(
                name=spec.name, repo=spec.repo_id, revision=spec.revision
            )
        )
    status = _http_status(exc)
    if status == 404:  # a plain 404 (no error code): the hub has no such repository or file
        return ModelNotAvailableError(
            _("{name} ({repo}, revision {revision}) was not found on the model hub.").format(
                name=spec.name, repo=spec.repo_id, revision=spec.revision
            )
        )
    if status is not None:
        # The hub was reached and answered with an error (500, 503...): telling the user to
        # connect to the internet would send them after the wrong fault.
        failed = _(
            "{name} could not be downloaded: the model hub answered with an error ({status})."
        )
        return ModelNotAvailableError(
            f"{failed.format(name=spec.name, status=status)} {_try_later(command)}"
        )
    if asking and _broke_off(exc):
        # the hub took the question and sent no answer: not "stopped in the middle" of
        # anything the user saw start
        failed = _("{name} could not be downloaded: the model hub did not answer.")
        return ModelNotAvailableError(f"{failed.format(name=spec.name)} {_try_later(command)}")
    if _broke_off(exc):
        # the hub was reached and sent some of the file: the internet works, the line broke
        failed = _(
            "{name} could not be downloaded: the connection to the model hub stopped in the middle."
        )
        return ModelNotAvailableError(f"{failed.format(name=spec.name)} {_try_later(command)}")
    then = (
        _("Connect to the internet and run: {command}").format(command=command)
        if command
        else _("Connect to the internet and try again; the download continues where it stopped.")
    )
    failed = _("{name} could not be downloaded: no connection to the model hub.")
    return ModelNotAvailableError(f"{failed.format(name=spec.name)} {then}")


def _broke_off(exc: BaseException) -> bool:
    """A connection that was made and then stalled or was cut (not one never made)."""
    import httpx2

    broke = (httpx2.ReadTimeout, httpx2.ReadError, httpx2.RemoteProtocolError, httpx2.StreamError)
    seen: BaseException | None = exc
    while seen is not None:  # the hub library wraps the transport's error
        if isinstance(seen, broke):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _http_status(exc: BaseException) -> int | None:
    """The HTTP status the hub answered with, or None when no answer came."""
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError

    response = exc.response if isinstance(exc, HfHubHTTPError | httpx2.HTTPStatusError) else None
    return response.status_code if response is not None else None


def _try_later(command: str | None) -> str:
    if command:
        return _("Try again later with: {command}").format(command=command)
    return _("Try again later; the download continues where it stopped.")


def _unreadable_answer(spec: ModelSpec, command: str | None) -> ModelNotAvailableError:
    failed = _(
        "{name} could not be downloaded: the answer did not come from the model hub (a "
        "network that asks you to sign in first, such as a hotel's Wi-Fi, can do this)."
    )
    return ModelNotAvailableError(f"{failed.format(name=spec.name)} {_try_later(command)}")


def _is_gated(exc: BaseException) -> bool:
    """A gated model refused: the hub says so, or answers 401/403 (a token it refuses)."""
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError

    if isinstance(exc, GatedRepoError):
        return True
    response = exc.response if isinstance(exc, HfHubHTTPError) else None
    return response is not None and response.status_code in (401, 403)


def _gated(spec: ModelSpec, *, token_sent: bool, command: str | None) -> GatedModelError:
    """The sentence for a gated model the hub refused, and what to do."""
    log.info("%s is gated; a token was %s", spec.name, "sent" if token_sent else "not sent")
    if token_sent:
        said = _(
            "The hub refused the access token for {name}: check the token, and that its "
            "account has accepted the model's terms on the hub."
        )
    else:
        said = _(
            "{name} can only be downloaded with a hub account that has accepted its terms, "
            "and that account's access token."
        )
    text = said.format(name=spec.name)
    if command:
        then = _(
            "Accept its terms on the hub, give the token with: describe-app models token, "
            "then run: {command}"
        ).format(command=command)
        text = f"{text} {then}"
    return GatedModelError(text, token_refused=token_sent)


def _save_failure(spec: ModelSpec, exc: OSError) -> ModelNotAvailableError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ModelNotAvailableError(
            _(
                "The disk is full, so {name} could not be saved; free some space and try "
                "again, the download continues where it stopped."
            ).format(name=spec.name)
        )
    return ModelNotAvailableError(
        _("{name} could not be saved in {folder}: {reason}.").format(
            name=spec.name,
            folder=hub_files.repo_folder(spec),
            reason=exc.strerror or type(exc).__name__,
        )
    )
