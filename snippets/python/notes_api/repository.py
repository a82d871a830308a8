"""The storage port the routes depend on, and its in-memory implementation."""
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


@dataclass(frozen=True)
class Note:
    id: int
    title: str
    body: str
    created_at: datetime


class RepositoryFull(Exception):
    """The store holds max_notes notes already."""


class NoteRepository(Protocol):
    def add(self, title: str, body: str) -> Note: ...
    def get(self, note_id: int) -> Note | None: ...
    def list(self, limit: int) -> list[Note]: ...


class InMemoryNoteRepository:
    """A dict with a cap; a PostgreSQL version would have the same methods."""

    def __init__(
        self,
        max_notes: int,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if max_notes < 1:
            raise ValueError(f"max_notes must be at least 1, got {max_notes}")
        self._notes: dict[int, Note] = {}
        self._max = max_notes
        self._now = now
        # Plain def routes run in a thread pool: check, number and store
        # under one lock so two requests never take the same id.
        self._lock = threading.Lock()

    def add(self, title: str, body: str) -> Note:
        created_at = self._now()
        with self._lock:
            if len(self._notes) >= self._max:
                raise RepositoryFull(
                    f"the store holds {self._max} notes already"
                )
            note = Note(len(self._notes) + 1, title, body, created_at)
            self._notes[note.id] = note
        return note

    def get(self, note_id: int) -> Note | None:
        return self._notes.get(note_id)

    def list(self, limit: int) -> list[Note]:
        return list(self._notes.values())[:limit]
