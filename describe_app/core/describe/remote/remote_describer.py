"""The remote describer: the picture goes to an OpenAI-compatible inference server.

vLLM, llama.cpp's server, Ollama and ``transformers serve`` all speak the chat-completions
API. We send the same prompts and follow-up history as the local model gets
(:mod:`.openai_messages`), the picture as a base64 JPEG data URL (at most 1024 px), and
read the answer as server-sent events, handing each piece of text to
``on_text`` as it arrives, so the sentence splitter and speech work as with the local model.

How a request runs: the HTTP exchange happens on a short-lived daemon thread
(:mod:`.server_exchange`) that parses the stream and passes text through a queue; the
caller's thread (the model worker) waits on that queue and on the cancel flag. Cancelling
therefore returns at once, and the connection is shut down at the socket so that the
server stops generating too. Every failure is a one-sentence
:class:`~.remote_errors.ServerError`.

Privacy: :func:`~.server_address.check_privacy` runs before anything is sent; https
certificates are verified; proxies from the environment are not used.
"""

from __future__ import annotations

import json
import logging
import queue
import re
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from describe_app import __version__
from describe_app.core.describe.answer_limits import AnswerGuard
from describe_app.core.describe.describer import (
    DescribeRequest,
    GenerationSettings,
    GenerationStats,
    TextSink,
)
from describe_app.core.describe.prompts import build_messages
from describe_app.core.describe.remote.connection_check import ConnectionCheck, short_model_name
from describe_app.core.describe.remote.logprob_request import LogprobRequest
from describe_app.core.describe.remote.openai_messages import (
    DEFAULT_MAX_SIDE,
    picture_data_url,
    to_openai_messages,
)
from describe_app.core.describe.remote.remote_errors import (
    ServerError,
    ServerSetupError,
    ServerStreamError,
)
from describe_app.core.describe.remote.server_address import (
    Resolver,
    check_privacy,
    display_host,
    normalize_base_url,
    sending_notice,
    split_credentials,
    with_password,
)
from describe_app.core.describe.remote.server_exchange import (
    MAX_ERROR_BODY,
    ErrorContext,
    Exchange,
    http_error,
    redirect_error,
    timeout_error,
    transport_error,
)
from describe_app.core.errors import Cancelled
from describe_app.core.i18n import _

if TYPE_CHECKING:
    import httpx2

    from describe_app.core.describe.remote.api_keys import KeyStore
    from describe_app.core.describe.remote.server_profiles import ServerProfile

log = logging.getLogger(__name__)

#: How often the waiting thread looks at the cancel flag (seconds).
CANCEL_POLL_SECONDS = 0.02
#: "Test connection" waits at most this long for the list of models (seconds).
CHECK_TIMEOUT = 15.0


@dataclass(frozen=True)
class RemoteOptions:
    timeout: float = 120.0  # the longest wait for the next piece of the answer
    connect_timeout: float = 5.0
    max_side: int = DEFAULT_MAX_SIDE
    #: Ask for one view of the picture, not tiles (transformers serve's processor option);
    #: other servers ignore it.
    single_view: bool = True
    limits: GenerationSettings = field(default_factory=GenerationSettings)
    #: More request fields, for a server's own options (merged last).
    extra_body: Mapping[str, Any] = field(default_factory=dict)


class RemoteDescriber:
    """Describes pictures with a model on an inference server. One worker calls it at a time."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str = "",
        api_key: str | None = None,
        options: RemoteOptions | None = None,
        allow_insecure: bool = False,
        name: str | None = None,
        resolver: Resolver = socket.getaddrinfo,
    ) -> None:
        # A user name and password in the address travel as a Basic Authorization header,
        # never in the URL, which the HTTP client logs and quotes in its errors.
        self._base_url, self._credentials = split_credentials(normalize_base_url(base_url))
        self._model = model.strip()
        self._api_key = usable_api_key(api_key)
        self._options = options or RemoteOptions()
        self._allow_insecure = allow_insecure
        self._host = display_host(self._base_url)
        self._name = name or self._host
        self._resolver = resolver
        self._served_model = ""
        self._privacy_checked = False
        self._logprobs = LogprobRequest()  # how sure the model was, where the server says
        self._client: httpx2.Client | None = None
        self._client_lock = threading.Lock()

    # --- what the callers see ----------------------------------------------------------------

    @property
    def model_name(self) -> str:
        model = self._model or self._served_model
        return f"{short_model_name(model)} on {self._host}" if model else f"server {self._host}"

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def privacy_notice(self) -> str:
        """Said once before the first picture leaves this computer."""
        return sending_notice(self._name, self._host)

    def check_privacy(self) -> None:
        """Raise InsecureServerError if pictures would go unencrypted beyond the private
        network (checked once; :meth:`describe` checks too). Lets a caller refuse before it
        says "Sending pictures to ...", not after."""
        self._check_privacy()

    def close(self) -> None:
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def __enter__(self) -> RemoteDescriber:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- describing ---------------------------------------------------------------------------

    def build_body(self, request: DescribeRequest) -> dict[str, Any]:
        """The chat-completions request for ``request`` (the picture encoded here)."""
        url = picture_data_url(request.picture.image, max_side=self._options.max_side)
        body: dict[str, Any] = {
            "messages": to_openai_messages(build_messages(request.prompt), url),
            "stream": True,
            "max_tokens": self._max_tokens(request),
            "temperature": 0.0,
        }
        if self._model:
            body["model"] = self._model
        if self._options.single_view:
            body["chat_template_kwargs"] = {
                "processor_kwargs": {"images_kwargs": {"do_image_splitting": False}}
            }
        body.update(self._logprobs.fields())
        body.update(self._options.extra_body)
        return body

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        try:
            return self._describe(request, on_text, cancel)
        except ServerError as exc:
            if not self._logprobs.refused(exc):  # else: a model that refuses logprobs
                raise
        return self._describe(request, on_text, cancel)

    def _describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        start = time.perf_counter()
        if cancel.is_set():
            raise Cancelled
        self._check_privacy()
        payload = json.dumps(self.build_body(request), ensure_ascii=False).encode("utf-8")
        preprocess = time.perf_counter() - start
        exchange = Exchange(
            self._http(),
            f"{self._base_url}/chat/completions",
            payload,
            self._headers(stream=True),
            self._error_context(),
        )
        first_token: float | None = None
        token_seconds: list[float] = []
        reported_tokens: int | None = None
        guard = AnswerGuard(self._options.limits, self._max_tokens(request), start)
        # A backstop: the client's own time limits end the exchange first.
        patience = self._options.connect_timeout + self._options.timeout + 5.0
        exchange.start()
        try:
            last = time.perf_counter()
            while not guard.must_stop():
                if cancel.is_set():
                    raise Cancelled
                try:
                    item = exchange.items.get(timeout=CANCEL_POLL_SECONDS)
                except queue.Empty:
                    if time.perf_counter() - last > patience:
                        raise timeout_error(self._host, self._options.timeout) from None
                    continue
                last = time.perf_counter()
                if isinstance(item, ServerError):
                    raise item
                if item is None:
                    break
                if item.model and not self._served_model:
                    self._served_model = item.model
                if item.completion_tokens is not None:
                    reported_tokens = item.completion_tokens
                if item.text:
                    if cancel.is_set():
                        raise Cancelled
                    now = time.perf_counter() - start
                    if first_token is None:
                        first_token = now
                    token_seconds.append(now)
                    guard.add_tokens()
                    if text := guard.admit(item.text):
                        if request.on_confidence is not None and item.logprobs:
                            request.on_confidence(item.logprobs)
                        on_text(text)
            if guard.stopped is not None and first_token is None:
                raise timeout_error(self._host, guard.seconds)  # nothing said: a failure
        finally:
            exchange.abort()
            exchange.join(1.0)
        total = time.perf_counter() - start
        log.debug("%d pieces from %s in %.2f s", len(token_seconds), self._host, total)
        return GenerationStats(
            new_tokens=reported_tokens if reported_tokens is not None else len(token_seconds),
            preprocess_seconds=preprocess,
            first_token_seconds=first_token,
            total_seconds=total,
            cancelled=False,
            token_seconds=tuple(token_seconds),
            stopped=guard.stopped,
        )

    # --- test connection ------------------------------------------------------------------------

    def check_connection(self) -> ConnectionCheck:
        """Ask the server for its models; raises a ServerError saying what went wrong."""
        import httpx2

        self._check_privacy()
        start = time.perf_counter()
        o = self._options
        seconds_allowed = min(o.timeout, CHECK_TIMEOUT)
        context = ErrorContext(self._host, self._model, seconds_allowed, o.connect_timeout)
        limit = httpx2.Timeout(seconds_allowed, connect=o.connect_timeout)
        try:
            response = self._http().get(
                f"{self._base_url}/models", headers=self._headers(), timeout=limit
            )
        except Exception as exc:
            raise transport_error(exc, context) from exc
        seconds = time.perf_counter() - start
        if response.status_code >= 400:
            raise http_error(response.status_code, response.content[:MAX_ERROR_BODY], context)
        if 300 <= response.status_code < 400:
            raise redirect_error(response.headers.get("location", ""), context)
        try:
            models = _model_ids(response.json())
        except (ValueError, KeyError, TypeError, httpx2.DecodingError) as exc:
            raise ServerStreamError(
                _(
                    "The server at {host} answered, but not with a list of models; "
                    "is this an OpenAI-compatible server?"
                ).format(host=self._host)
            ) from exc
        return ConnectionCheck(self._host, models, seconds, self._model)

    # --- helpers ------------------------------------------------------------------------------

    def _max_tokens(self, request: DescribeRequest) -> int:
        if request.max_new_tokens:
            return request.max_new_tokens
        limits = self._options.limits
        if request.prompt.question:
            return limits.max_new_tokens_question
        from describe_app.core.describe.prompts import Detail

        if request.prompt.detail is Detail.HIGH:
            return limits.max_new_tokens_high
        return limits.max_new_tokens_brief

    def _check_privacy(self) -> None:
        if not self._privacy_checked:
            check_privacy(
                self._base_url, allow_insecure=self._allow_insecure, resolver=self._resolver
            )
            self._privacy_checked = True

    def _headers(self, *, stream: bool = False) -> dict[str, str]:
        headers = {"User-Agent": f"Describe/{__version__}"}
        if stream:
            headers["Accept"] = "text/event-stream"
            headers["Content-Type"] = "application/json"
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _http(self) -> httpx2.Client:
        with self._client_lock:
            if self._client is None:
                import httpx2

                o = self._options
                auth = None if self._credentials is None else httpx2.BasicAuth(*self._credentials)
                self._client = httpx2.Client(
                    timeout=httpx2.Timeout(o.timeout, connect=o.connect_timeout),
                    # A fresh connection per request: cancelling closes exactly that one.
                    limits=httpx2.Limits(max_keepalive_connections=0),
                    trust_env=False,  # no proxy from the environment sees the pictures
                    follow_redirects=False,
                    auth=auth,
                )
            return self._client

    def _error_context(self) -> ErrorContext:
        o = self._options
        return ErrorContext(self._host, self._model, o.timeout, o.connect_timeout)


#: What an API key may hold: printable ASCII, no spaces (an HTTP header carries it).
_KEY_CHARS = re.compile(r"[\x21-\x7e]+")


def usable_api_key(key: str | None) -> str | None:
    """``key`` without the spaces and line break around it (a key pasted or read from a
    file often has them), or None. Raises ServerSetupError for a key no HTTP header can
    carry: otherwise the HTTP client's error quotes the whole header, key and all, to the
    terminal and the log. The sentence never repeats the key."""
    key = (key or "").strip()
    if not key:
        return None
    if not _KEY_CHARS.fullmatch(key):
        raise ServerSetupError(
            _(
                "The API key has spaces, line breaks or letters outside ASCII, which an API "
                "key cannot have; check it."
            )
        )
    return key


def _model_ids(data: Any) -> tuple[str, ...]:
    """The model names in a ``/models`` answer (``{"data": [{"id": ...}, ...]}``, or a bare
    list). An entry without a name (``null``, a number) is skipped; raises ValueError for
    any other shape: a string is not a list of one-letter models."""
    entries = data["data"] if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError("the models are not a list")
    names = (entry.get("id") if isinstance(entry, dict) else entry for entry in entries)
    models = tuple(name for name in names if isinstance(name, str) and name.strip())
    if entries and not models:
        raise ValueError("no model has a name")
    return models


def remote_describer_for(
    profile: ServerProfile,
    *,
    key_store: KeyStore | None = None,
    api_key: str | None = None,
    allow_insecure: bool = False,
    limits: GenerationSettings | None = None,
    password_store: KeyStore | None = None,
) -> RemoteDescriber:
    """The describer for a server profile; its API key and the password of its address
    come from the keyring."""
    from describe_app.core.describe.remote.api_keys import ServerPasswords, SystemKeyring

    url = profile.url
    if profile.password:
        # Never sent without it: a locked keyring or a missing entry is said in a sentence.
        password = _kept_secret(
            password_store or ServerPasswords(),
            profile.name,
            _(
                "The password for {name} is not in the system keyring; add the server "
                "again with the password in its address."
            ),
        )
        url = with_password(profile.url, password)
    if profile.api_key and api_key is None:
        api_key = _kept_secret(
            key_store or SystemKeyring(),
            profile.name,
            _(
                "The API key for {name} is not in the system keyring; add the server "
                "again with --key."
            ),
        )
    limits = limits or GenerationSettings()
    options = RemoteOptions(float(profile.timeout), max_side=profile.max_side, limits=limits)
    return RemoteDescriber(
        url,
        model=profile.model,
        api_key=api_key,
        options=options,
        allow_insecure=profile.allow_insecure or allow_insecure,
        name=profile.name,
    )


def _kept_secret(store: KeyStore, name: str, missing: str) -> str:
    """The secret kept for profile ``name``; ServerSetupError with ``missing`` (a sentence
    with ``{name}``) when there is none (the keyring's own failures are sentences too)."""
    secret = store.get(name)
    if not secret:
        raise ServerSetupError(missing.format(name=name))
    return secret
