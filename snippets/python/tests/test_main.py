import pytest
from fastapi.testclient import TestClient

from notes_api.main import create_app
from notes_api.settings import Settings


def test_lifespan_creates_the_repository_and_removes_it_on_shutdown():
    app = create_app(Settings())
    assert not hasattr(app.state, "notes")  # not before start-up
    with TestClient(app) as client:
        assert client.post("/notes", json={"title": "a"}).status_code == 201
    assert not hasattr(app.state, "notes")  # shutdown ran


def test_each_app_has_its_own_state():
    with TestClient(create_app(Settings())) as one:
        one.post("/notes", json={"title": "a"})
        with TestClient(create_app(Settings())) as two:
            assert two.get("/notes").json() == []


def test_without_lifespan_the_repository_is_missing():
    # TestClient used without "with" does not run start-up.
    client = TestClient(create_app(Settings()), raise_server_exceptions=True)
    with pytest.raises(AttributeError):
        client.get("/notes")


@pytest.mark.parametrize(("enabled", "status"), [(True, 200), (False, 404)])
def test_docs_follow_the_setting(enabled, status):
    with TestClient(create_app(Settings(docs_enabled=enabled))) as client:
        assert client.get("/openapi.json").status_code == status
        assert client.get("/docs").status_code == status


def test_router_is_mounted_under_its_prefix():
    schema = create_app(Settings(docs_enabled=True)).openapi()
    assert set(schema["paths"]) == {"/notes", "/notes/{note_id}"}
