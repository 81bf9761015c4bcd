"""Assembles the Litestar app: routes, auth, errors, OpenAPI, stores."""

from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.memory import MemoryStore
from litestar.template.config import TemplateConfig

import accounts.controllers
import events.controllers
import exports.controllers
import interceptions.controllers
from app.admin import admin
from app.auth import TokenAuthMiddleware
from app.database import close_database, open_database
from app.errors import exception_handlers
from app.health import health
from app.pages.controllers import PublicPages, StaffPages
from app.pages.events_path import event_page_or_file
from app.request_checks import CheckedRequest, check_request
from app.settings import Settings

APP_DIR = Path(__file__).parent


def create_app(settings: Settings | None = None, **overrides: Any) -> Litestar:
    settings = settings or Settings.from_env()
    route_handlers: list[Any] = [
        health,
        *accounts.controllers.routes,
        *events.controllers.routes,
        *interceptions.controllers.routes,
        *exports.controllers.routes,
        PublicPages,
        StaffPages,
        event_page_or_file,
        admin,
        create_static_files_router(path="/static", directories=[APP_DIR / "static"]),
    ]
    options: dict[str, Any] = {
        "route_handlers": route_handlers,
        "on_startup": [open_database],
        "on_shutdown": [close_database],
        "middleware": [DefineMiddleware(TokenAuthMiddleware, exclude=["^/schema"])],
        "exception_handlers": exception_handlers,
        "request_class": CheckedRequest,
        "before_request": check_request,
        "stores": {"login_failures": MemoryStore(), "feeds": MemoryStore()},
        "request_max_body_size": settings.max_body_bytes,
        "openapi_config": OpenAPIConfig(
            title="Fangzha 防诈",
            version="0.1.0",
            description="Anti-fraud education events, attendance and interceptions.",
            path="/schema",
            use_handler_docstrings=True,
            render_plugins=[SwaggerRenderPlugin(), JsonRenderPlugin()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer"),
                }
            ),
            security=[{}, {"bearer": []}],
        ),
        "template_config": TemplateConfig(
            directory=APP_DIR / "templates", engine=JinjaTemplateEngine
        ),
        "state": {"settings": settings},
        "debug": settings.debug,
    }
    options.update(overrides)
    return Litestar(**options)
