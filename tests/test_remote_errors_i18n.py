"""What goes wrong with a server is said in the user's language (here French)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from describe_app.core.describe.describer import DescribeRequest, GenerationStats, TextSink
from describe_app.core.describe.fallback import FallbackDescriber
from describe_app.core.describe.prompts import PromptSpec
from describe_app.core.describe.remote.remote_describer import (
    ConnectionCheck,
    RemoteDescriber,
    RemoteOptions,
)
from describe_app.core.describe.remote.remote_errors import (
    ServerAuthError,
    ServerSetupError,
    ServerUnreachableError,
)
from describe_app.core.describe.remote.server_address import check_privacy, normalize_base_url
from describe_app.core.describe.remote.server_exchange import ErrorContext, http_error
from describe_app.core.describe.remote.server_profiles import ServerProfiles
from describe_app.core.i18n import set_language
from describe_app.core.pictures.images import Picture
from tests.server_fixtures import free_port


@pytest.fixture
def french() -> Iterator[None]:
    assert set_language("fr") == "fr"
    yield
    set_language("en")


def nobody_listens() -> RemoteDescriber:
    port = free_port()  # bound and released: nothing listens there now
    return RemoteDescriber(
        f"http://127.0.0.1:{port}", options=RemoteOptions(timeout=5.0, connect_timeout=2.0)
    )


def test_an_unreachable_server_is_said_in_french(french: None) -> None:
    with nobody_listens() as remote:
        host = remote.base_url.split("//")[1].split("/")[0]
        with pytest.raises(ServerUnreachableError) as info:
            remote.check_connection()
    assert str(info.value) == (
        f"Describe n’a pas pu se connecter au serveur {host} : la connexion a été refusée ; "
        "le serveur est-il démarré ?"
    )


def test_and_in_english_again_afterwards() -> None:
    with nobody_listens() as remote, pytest.raises(ServerUnreachableError) as info:
        remote.check_connection()
    assert "the connection was refused; is the server running?" in str(info.value)


class _LocalModel:
    model_name = "local"

    def describe(
        self, request: DescribeRequest, on_text: TextSink, cancel: threading.Event
    ) -> GenerationStats:
        on_text("Une tasse.")
        return GenerationStats(1, 0.0, 0.0, 0.0, cancelled=False)


def test_the_fallback_notice_is_french(french: None) -> None:
    notices: list[str] = []
    image = Image.new("RGB", (64, 48))
    request = DescribeRequest(Picture(image, "gris.png", image.size), PromptSpec())
    with nobody_listens() as remote:
        fallback = FallbackDescriber(remote, _LocalModel, on_fallback=notices.append)
        said: list[str] = []
        fallback.describe(request, said.append, threading.Event())
    assert said == ["Une tasse."]
    assert len(notices) == 1
    assert notices[0].startswith("Describe n’a pas pu se connecter au serveur")
    assert notices[0].endswith(" Le modèle de cet ordinateur décrit l’image à la place.")


def test_an_unknown_name_and_bad_addresses_are_french(french: None) -> None:
    def no_such_name(*_args: object) -> list[tuple[object, ...]]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(ServerUnreachableError) as info:
        check_privacy("http://gpu-box.invalid:8000/v1", resolver=no_such_name)
    assert (
        str(info.value) == "Describe n’a pas trouvé le serveur gpu-box.invalid ; vérifiez son nom."
    )
    with pytest.raises(ServerSetupError, match=r"^L’adresse du serveur est vide\.$"):
        normalize_base_url(" ")
    with pytest.raises(ServerSetupError, match="« ftp://x » doit commencer par http://"):
        normalize_base_url("ftp://x")


def test_http_errors_keep_the_servers_words(french: None) -> None:
    context = ErrorContext("gpu:8000", "qwen", 30.0, 2.0)
    error = http_error(401, b'{"error": {"message": "Incorrect API key provided."}}', context)
    assert isinstance(error, ServerAuthError)
    assert str(error) == (
        "Le serveur gpu:8000 a refusé la requête (erreur 401) : Incorrect API key provided. "
        "Vérifiez la clé d’API."
    )
    assert str(http_error(404, b"", context)) == (
        "Le serveur gpu:8000 a répondu par l’erreur 404 : introuvable. "
        "Vérifiez l’adresse et le nom du modèle."
    )


def test_the_connection_check_and_profiles_speak_french(french: None, tmp_path: Path) -> None:
    many = ConnectionCheck("gpu:8000", tuple(f"m{i}" for i in range(7)), 0.2, wanted_model="qwen")
    assert many.sentence == (
        "Le serveur gpu:8000 a répondu en 0.20 s et propose 7 modèles : m0, m1, m2, m3 et "
        "3 autres, mais pas qwen."
    )
    one = ConnectionCheck("gpu:8000", ("m0",), 1.0)
    assert one.sentence == "Le serveur gpu:8000 a répondu en 1.00 s et propose 1 modèle : m0."
    with pytest.raises(ServerSetupError, match=r"^Aucun serveur ne s’appelle « lab » ;"):
        ServerProfiles(tmp_path / "servers.json").get("lab")
