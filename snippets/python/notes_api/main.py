"""The app factory: settings in, a configured FastAPI app out."""
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from starlette.middleware.body_limit import RequestBodyLimitMiddleware

from .dependencies import SettingsDep
from .repository import InMemoryNoteRepository
from .routers import notes
from .settings import Settings


# region create-app
def create_app(
    settings: Settings | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> FastAPI:
    settings = settings or Settings()  # reads NOTES_* from the environment

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Start-up: open pools and clients here (a dict stands in).
        app.state.notes = InMemoryNoteRepository(settings.max_notes, now)
        yield
        # Shutdown: close them here.
        del app.state.notes

    app = FastAPI(
        title=settings.app_name,
        lifespan=lifespan,
        docs_url="/docs" if settings.docs_enabled else None,
        openapi_url="/openapi.json" if settings.docs_enabled else None,
    )
    # FastAPI sets no cap on a request body by default.
    app.add_middleware(
        RequestBodyLimitMiddleware, max_body_size=settings.max_body_bytes
    )
    app.state.settings = settings
    app.include_router(notes.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz(settings: SettingsDep) -> dict[str, str]:
        return {"status": "ok", "app": settings.app_name}

    return app
# endregion create-app
