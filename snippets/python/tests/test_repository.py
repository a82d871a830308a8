from datetime import UTC, datetime

import pytest

from notes_api.repository import InMemoryNoteRepository, RepositoryFull

T = datetime(2026, 12, 1, tzinfo=UTC)


def test_adds_gets_and_lists_in_order():
    repo = InMemoryNoteRepository(max_notes=5, now=lambda: T)
    first = repo.add("a", "")
    repo.add("b", "body")
    assert first.id == 1 and first.created_at == T
    assert repo.get(2).title == "b"
    assert repo.get(3) is None
    assert [n.title for n in repo.list(limit=1)] == ["a"]


def test_refuses_a_note_past_the_cap():
    repo = InMemoryNoteRepository(max_notes=1)
    repo.add("a", "")
    with pytest.raises(RepositoryFull, match="1 notes"):
        repo.add("b", "")


def test_refuses_a_cap_below_one():
    with pytest.raises(ValueError, match="at least 1"):
        InMemoryNoteRepository(max_notes=0)
