"""What can go wrong with an inference server, each as one sentence for the user.

All are :class:`~describe_app.core.errors.DescribeError` subclasses (exit code 5 on the
command line). ``can_fall_back`` marks the failures where the local model may take over:
the server could not be reached or did not answer in time, before any text arrived.
The message loses any control characters and escape sequences the server's words held.
"""

from __future__ import annotations

from describe_app.core.errors import DescribeError
from describe_app.core.untrusted_text import clean_text


class ServerError(DescribeError):
    """A failure talking to an inference server."""

    exit_code = 5
    can_fall_back = False

    def __init__(self, message: str) -> None:
        # The sentence may quote the server (its error body, a model name): untrusted text.
        super().__init__(clean_text(message))


class ServerSetupError(ServerError):
    """The server address, profile or API key is not usable as given."""


class InsecureServerError(ServerSetupError):
    """Plain http to an address outside this computer and its private network."""


class KeyringUnavailableError(ServerSetupError):
    """No system keyring can hold the API key."""


class ServerUnreachableError(ServerError):
    """Nothing answered at the address (refused, unknown name, no route, connect timeout)."""

    can_fall_back = True


class ServerTimeoutError(ServerError):
    """The server took longer than the time limit to send the next part of the answer."""

    can_fall_back = True


class ServerHttpError(ServerError):
    """The server answered with an HTTP error status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class ServerAuthError(ServerHttpError):
    """401 or 403: the API key is missing or refused."""


class ImagesNotSupportedError(ServerError):
    """The model on the server does not take pictures."""


class ServerStreamError(ServerError):
    """The answer was not a chat-completions stream we can read."""


class ServerDisconnectedError(ServerError):
    """The connection broke before the answer was complete."""
