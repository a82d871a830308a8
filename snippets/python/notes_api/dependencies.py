"""Dependencies the routes declare; tests swap them via dependency_overrides."""
from typing import Annotated

from fastapi import Depends, Request

from .repository import NoteRepository
from .settings import Settings


# region dependencies
def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_repository(request: Request) -> NoteRepository:
    # Created once by the app's lifespan, shared by every request.
    return request.app.state.notes


SettingsDep = Annotated[Settings, Depends(get_settings)]
RepositoryDep = Annotated[NoteRepository, Depends(get_repository)]
# endregion dependencies
