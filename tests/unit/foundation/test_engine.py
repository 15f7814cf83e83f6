import pytest

from tools.db import make_engine
from tools.errors import StorageError


def test_unreachable_postgresql_is_one_clear_error() -> None:
    url = "postgresql+psycopg://nobody:pw@127.0.0.1:1/none?connect_timeout=2"
    with pytest.raises(StorageError) as caught:
        make_engine(url)
    message = str(caught.value)
    assert "WEIAI_DATABASE_URL" in message
    assert "pw" not in message
    assert "\n" not in message


def test_malformed_url_is_a_clear_error() -> None:
    with pytest.raises(StorageError, match="WEIAI_DATABASE_URL"):
        make_engine("not a url")
