"""The /notes routes: HTTP in and out, no storage details."""
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from ..dependencies import RepositoryDep
from ..repository import RepositoryFull
from ..schemas import NoteIn, NoteOut

router = APIRouter(prefix="/notes", tags=["notes"])


# region routes
@router.post("", status_code=status.HTTP_201_CREATED)
def create_note(note: NoteIn, notes: RepositoryDep) -> NoteOut:
    try:
        created = notes.add(note.title, note.body)
    except RepositoryFull as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    return NoteOut.model_validate(created)


@router.get("")
def list_notes(
    notes: RepositoryDep, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[NoteOut]:
    return [NoteOut.model_validate(n) for n in notes.list(limit)]


@router.get("/{note_id}")
def get_note(
    note_id: Annotated[int, Path(ge=1)], notes: RepositoryDep
) -> NoteOut:
    found = notes.get(note_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "note not found")
    return NoteOut.model_validate(found)
# endregion routes
