"""A private PostgreSQL schema per fixture, so test suites never collide."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

PG_ENV = "WEIAI_TEST_POSTGRES_URL"


def postgres_url_or_skip() -> str:
    """The test server's URL, or skip the test saying how to enable it."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL test skipped: set {PG_ENV} (.ci/run sets it)")
    return url


@contextmanager
def private_schema_url(base: str) -> Iterator[str]:
    """Yield ``base`` with its search_path set to a fresh schema; drop it after."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
