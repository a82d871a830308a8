from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from notes_api.main import create_app
from notes_api.settings import Settings

FIXED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings() -> Settings:
    return Settings(max_notes=3)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    # "with" runs the lifespan: start-up before the block, shutdown after.
    with TestClient(create_app(settings, now=lambda: FIXED)) as client:
        yield client
