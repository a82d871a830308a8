import pytest
from pydantic import ValidationError

from notes_api.schemas import NoteIn


def test_strips_the_title():
    assert NoteIn(title="  buy milk ").title == "buy milk"


@pytest.mark.parametrize(
    "data",
    [
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 201},
        {"title": "ok", "body": "x" * 10_001},
        {"title": "ok", "owner": "mallory"},
        {"body": "no title"},
    ],
)
def test_refuses_bad_input(data):
    with pytest.raises(ValidationError):
        NoteIn.model_validate(data)


def test_accepts_the_limits_exactly():
    note = NoteIn(title="x" * 200, body="y" * 10_000)
    assert len(note.title) == 200
