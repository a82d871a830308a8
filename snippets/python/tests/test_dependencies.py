from datetime import UTC, datetime

from fastapi.testclient import TestClient

from notes_api.dependencies import get_repository
from notes_api.main import create_app
from notes_api.repository import Note, RepositoryFull
from notes_api.settings import Settings


class FullRepository:
    """A fake that is always full, to reach the 409 branch without 1000 posts."""

    def add(self, title: str, body: str) -> Note:
        raise RepositoryFull("the store holds 0 notes already")

    def get(self, note_id: int) -> Note | None:
        return Note(note_id, "fake", "", datetime(2026, 1, 1, tzinfo=UTC))

    def list(self, limit: int) -> list[Note]:
        return []


def test_an_override_replaces_the_repository_for_every_route():
    app = create_app(Settings())
    app.dependency_overrides[get_repository] = FullRepository
    with TestClient(app) as client:
        assert client.post("/notes", json={"title": "a"}).status_code == 409
        assert client.get("/notes/42").json()["title"] == "fake"
    app.dependency_overrides.clear()
    with TestClient(app) as client:
        assert client.get("/notes/42").status_code == 404


def test_settings_dependency_serves_the_settings_given_to_the_factory():
    with TestClient(create_app(Settings(app_name="n2"))) as client:
        assert client.get("/healthz").json() == {"status": "ok", "app": "n2"}
