import pytest
from pydantic import ValidationError

from notes_api.settings import Settings


def test_defaults_apply_when_the_environment_is_empty(monkeypatch):
    for name in ("NOTES_APP_NAME", "NOTES_MAX_NOTES", "NOTES_DOCS_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    assert Settings() == Settings(app_name="notes", max_notes=1000, docs_enabled=False)


def test_reads_prefixed_variables_and_converts_types(monkeypatch):
    monkeypatch.setenv("NOTES_MAX_NOTES", "25")
    monkeypatch.setenv("NOTES_DOCS_ENABLED", "true")
    monkeypatch.setenv("MAX_NOTES", "7")  # no prefix: not ours
    settings = Settings()
    assert settings.max_notes == 25
    assert settings.docs_enabled is True


@pytest.mark.parametrize("value", ["0", "100001", "lots"])
def test_a_bad_value_fails_at_start_up_naming_the_field(monkeypatch, value):
    monkeypatch.setenv("NOTES_MAX_NOTES", value)
    with pytest.raises(ValidationError, match="max_notes"):
        Settings()


def test_settings_are_frozen():
    with pytest.raises(ValidationError):
        Settings().max_notes = 5
