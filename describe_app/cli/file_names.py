"""File names given on the command line that name no file on this computer, though they
look like they might: a web address, ``-``, an empty name. Each is said in one sentence
that says what to do, instead of "There is no file called cat.jpg." A ``file://`` address
(copied from a file manager or a browser) is taken as the file it names."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from describe_app.core.errors import ImageError
from describe_app.core.i18n import _


def odd_file_name(name: str) -> ImageError | None:
    """The error for a name that is no file name: a web address (``https://.../cat.jpg``),
    ``-`` (standard input, which is not read) or an empty name (which was taken as the
    current folder). None for any other name, and for a file that really has such a name."""
    if name and Path(name).exists():
        return None
    if not name.strip():
        return ImageError(_("A file name is empty. Give the name of a picture file."))
    if name == "-":
        return ImageError(
            _("Describe does not read pictures from standard input (-). Give a file name.")
        )
    scheme = _scheme(name)
    if scheme and scheme != "file":
        return ImageError(
            _(
                "{address} is a web address. Describe opens files on this computer: "
                "save the picture first, then give its file name."
            ).format(address=name)
        )
    return None


def local_file_name(name: str) -> str:
    """The file a ``file://`` address names (``file:///home/me/My%20cat.jpg`` is
    ``/home/me/My cat.jpg``); any other name as it is."""
    if _scheme(name) != "file" or Path(name).exists():
        return name
    from urllib.request import url2pathname  # only here: http.client is slow to import

    parts = urlsplit(name)
    if parts.netloc not in ("", "localhost"):
        return name  # a file on another computer: "There is no file called ..."
    return url2pathname(parts.path) or name


def _scheme(name: str) -> str:
    """The scheme of an address (``https``, ``rtsp``, ``file``), lower case; "" for a name
    that is not one (``C:\\photo.jpg`` has none: a scheme has more than one letter)."""
    scheme, sep, _rest = name.partition("://")
    if not sep or len(scheme) < 2 or not scheme.isascii() or not scheme.isalpha():
        return ""
    return scheme.lower()
