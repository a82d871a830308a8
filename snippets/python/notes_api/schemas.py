"""Request and response bodies (pydantic v2)."""
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]


class NoteIn(BaseModel):
    """What a client may send: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    body: Annotated[str, StringConstraints(max_length=10_000)] = ""


class NoteOut(BaseModel):
    """What the API answers: read from the repository's Note by attribute."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    created_at: datetime
