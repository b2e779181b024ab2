"""Server addresses: what the user typed, made into a base URL, and whether it is private.

Pictures are personal. Over plain ``http`` anyone on the way can read them, so plain http is
allowed only to this computer (loopback), to the private network (10/8, 172.16/12,
192.168/16, fc00::/7, link-local) and to 100.64/10 (carrier-grade NAT, used by WireGuard
meshes such as Tailscale, which encrypt themselves). Anything else needs ``https`` (verified
against the system's certificates) or the user's explicit confirmation.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from describe_app.core.describe.remote.remote_errors import (
    InsecureServerError,
    ServerSetupError,
    ServerUnreachableError,
)
from describe_app.core.i18n import _

log = logging.getLogger(__name__)

#: Where plain http may go. Listed rather than taken from ``ip.is_private``, which also
#: counts documentation and benchmarking ranges that are routed like public ones.
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "100.64.0.0/10",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)

#: A host name or address as it may stand in a server's address ("not a url" may not).
_HOST = re.compile(r"[\w.-]+|[0-9a-fA-F:.]+(?:%[\w.-]+)?")

#: ``socket.getaddrinfo``-shaped: (host, port, ...) -> [(family, type, proto, name, addr)]
Resolver = Callable[..., Sequence[tuple[Any, ...]]]


def normalize_base_url(text: str) -> str:
    """``gpu-box:8000`` -> ``http://gpu-box:8000/v1``; a full chat-completions URL is trimmed
    to its base. Raises ServerSetupError for something that is not an http(s) address."""
    raw = text.strip()
    if not raw:
        raise ServerSetupError(_("The server address is empty."))
    if "://" not in raw:
        raw = "http://" + raw
    # The address is repeated in these messages without its user name and password.
    shown = redact_address(text.strip())
    try:
        parts = urlsplit(raw)  # raises ValueError for a broken IPv6 literal ("http://[::1")
    except ValueError:
        raise ServerSetupError(
            _("The server address '{address}' has no valid host name.").format(address=shown)
        ) from None
    if parts.scheme not in ("http", "https"):
        raise ServerSetupError(
            _("The server address '{address}' must start with http:// or https://.").format(
                address=shown
            )
        )
    try:
        host, _port = parts.hostname, parts.port  # the port raises ValueError if bad
    except ValueError:
        host = None
    # a name (letters of any script, digits, "-", "_", "."), or an IPv6 literal with its zone
    if not host or not _HOST.fullmatch(host):
        raise ServerSetupError(
            _("The server address '{address}' has no valid host name.").format(address=shown)
        )
    path = parts.path.rstrip("/")
    for suffix in ("/chat/completions", "/models"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    if not path:
        path = "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


#: The user name and password of an address (``http://user:secret@host``), up to the "@"
#: that ends them: whatever comes after the scheme and before the first "/", "?" or "#".
_USERINFO = re.compile(r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^/?#@\s]*@")


def redact_address(address: str) -> str:
    """``address`` without its user name and password, for messages, lists and logs:
    ``http://user:secret@host/v1`` -> ``http://***@host/v1``. A password typed into an
    address must never be printed, spoken or written to a log."""
    return _USERINFO.sub(lambda m: (m.group(1) or "") + "***@", address, count=1)


def split_credentials(base_url: str) -> tuple[str, tuple[str, str] | None]:
    """``base_url`` without its user name and password, and those two (None when absent).

    The HTTP client sends them as a Basic ``Authorization`` header instead of keeping them
    in the URL, so they never appear in its log lines ("HTTP Request: POST http://...") or
    in the text of its exceptions."""
    parts = urlsplit(base_url)
    if "@" not in parts.netloc:
        return base_url, None
    userinfo, _at, hostport = parts.netloc.rpartition("@")
    user, _colon, password = userinfo.partition(":")
    bare = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    return bare, (unquote(user), unquote(password))


def split_password(base_url: str) -> tuple[str, str | None]:
    """``base_url`` with its user name but without its password, and the password (None
    when it has none): ``http://me:secret@host/v1`` -> ``http://me@host/v1``, ``secret``.
    What a server profile keeps in ``servers.json``; the password goes to the keyring."""
    parts = urlsplit(base_url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    if not at or not colon:
        return base_url, None
    netloc = f"{user}@{hostport}" if user else hostport
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return bare, (unquote(password) or None)


def with_password(base_url: str, password: str) -> str:
    """``base_url`` (with or without a user name) with ``password`` put back after the user
    name: the inverse of :func:`split_password`, for the exchange with the server only."""
    parts = urlsplit(base_url)
    userinfo, _at, hostport = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    netloc = f"{user}:{quote(password, safe='')}@{hostport}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def display_host(base_url: str) -> str:
    """The host (and port) the user knows the server by: ``gpu-box:8000``."""
    return urlsplit(base_url).netloc.rpartition("@")[2]


def sending_notice(name: str, host: str) -> str:
    """The sentence said once before the first picture leaves this computer."""
    if name == host:
        return _("Sending pictures to {host}.").format(host=host)
    return _("Sending pictures to {name} ({host}).").format(name=name, host=host)


def is_private_address(address: str) -> bool:
    """True for loopback, private, link-local and CGNAT (100.64/10) addresses."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in _PRIVATE_NETWORKS)


def check_privacy(
    base_url: str, *, allow_insecure: bool = False, resolver: Resolver = socket.getaddrinfo
) -> None:
    """Raise InsecureServerError if pictures would travel unencrypted beyond the private
    network. https is always fine (the certificate is checked when connecting)."""
    parts = urlsplit(base_url)
    if parts.scheme == "https" or allow_insecure:
        return
    host = parts.hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return
    if is_private_address(host):
        return
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        addresses = [host]  # a public address literal
    except ValueError:
        addresses = _resolve(host, parts.port or 80, resolver)
    public = [a for a in addresses if not is_private_address(a)]
    if public:
        log.info("refusing plain http to %s (%s)", host, ", ".join(public))
        raise InsecureServerError(
            _(
                "Describe will not send pictures unencrypted to {host}, which is outside your "
                "private network; use an https address, or confirm with --allow-insecure."
            ).format(host=host)
        )


def _resolve(host: str, port: int, resolver: Resolver) -> list[str]:
    try:
        infos = resolver(host, port, 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        log.info("cannot resolve %s: %r", host, exc)
        raise ServerUnreachableError(
            _("Describe could not find the server {host}; check its name.").format(host=host)
        ) from exc
    return [str(info[4][0]) for info in infos]
