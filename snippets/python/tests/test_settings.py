import pytest
from pydantic import ValidationError

from notes_api.settings import Settings


def test_defaults_apply_when_the_environment_is_empty(monkeypatch):
    for field in Settings.model_fields:
        monkeypatch.delenv(f"NOTES_{field.upper()}", raising=False)
    assert Settings() == Settings(app_name="notes", max_notes=1000, docs_enabled=False)
    assert Settings().max_body_bytes == 128 * 1024


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


@pytest.mark.parametrize("value", ["10", "20000000", "1e6"])
def test_a_body_cap_out_of_bounds_fails_at_start_up(monkeypatch, value):
    monkeypatch.setenv("NOTES_MAX_BODY_BYTES", value)
    with pytest.raises(ValidationError, match="max_body_bytes"):
        Settings()
