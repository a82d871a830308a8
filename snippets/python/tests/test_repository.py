import threading
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


def test_two_threads_adding_at_once_both_keep_their_note():
    # Plain def routes run in a thread pool: while one add is inside the
    # clock, another thread adds a note. Neither may overwrite the other.
    repo: InMemoryNoteRepository
    calls = []

    def now() -> datetime:
        calls.append(1)
        if len(calls) == 1:
            other = threading.Thread(target=repo.add, args=("b", ""))
            other.start()
            other.join(timeout=5)
        return T

    repo = InMemoryNoteRepository(max_notes=5, now=now)
    repo.add("a", "")
    assert sorted(n.title for n in repo.list(limit=5)) == ["a", "b"]
    assert sorted(n.id for n in repo.list(limit=5)) == [1, 2]
