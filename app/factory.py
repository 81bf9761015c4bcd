"""Assembles the Litestar app: routes, auth, errors, OpenAPI, stores."""

from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Router
from litestar.exceptions import HTTPException
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.memory import MemoryStore
from litestar.template.config import TemplateConfig
from litestar.types import ASGIApp

import accounts.controllers
import events.controllers
import exports.controllers
import interceptions.controllers
from accounts.passwords import set_hashing_concurrency
from app.admin import admin
from app.api_docs import OfflineSwaggerRenderPlugin
from app.auth import TokenAuthMiddleware
from app.collector import freeze_startup_objects
from app.compression import compression_config
from app.database import close_database, open_database
from app.demo.banner import note_demo_data
from app.error_pages import find_caller_for_error_page, with_error_pages
from app.errors import exception_handlers
from app.health import health
from app.hosts import AllowedHosts, allowed_hosts_config
from app.json_log import drain_log_queues, json_logging
from app.log_redaction import keep_tokens_out_of_logs
from app.metrics import MetricsController, prometheus
from app.openapi_statuses import ErrorStatuses
from app.pages.admin_pages import AdminPages
from app.pages.coordinator.routes import coordinator_pages
from app.pages.dashboard import DashboardPage
from app.pages.events_path import event_page_or_file
from app.pages.public import PublicPages
from app.pages.public_poster import PosterPages
from app.pages.sign_in import SignInPages
from app.pages.staff.routes import staff_pages
from app.replica_reads import ReplicaReads
from app.request_checks import CheckedRequest, check_request
from app.request_log import RequestLog
from app.security_headers import security_headers
from app.settings import Settings
from app.vendor import vendor_file

APP_DIR = Path(__file__).parent


async def check_page_request(request: Request[Any, Any, Any]) -> None:
    """Before a page: the input checks every request gets, then the demo banner's state."""
    await check_request(request)
    await note_demo_data(request)


def create_app(settings: Settings | None = None, **overrides: Any) -> Litestar:
    settings = settings or Settings.from_env()
    set_hashing_concurrency(settings.password_hashing_threads)
    route_handlers: list[Any] = [
        health,
        MetricsController,
        *accounts.controllers.routes,
        *events.controllers.routes,
        *interceptions.controllers.routes,
        *exports.controllers.routes,
        # Every web page goes here: each shows the demo banner while demo data is present.
        Router(
            path="/",
            route_handlers=[
                PublicPages,
                PosterPages,
                SignInPages,
                event_page_or_file,
                *coordinator_pages,
                *staff_pages,
                DashboardPage,
                AdminPages,
            ],
            # A layer's before_request replaces the app's, so this one runs both.
            before_request=check_page_request,
        ),
        admin,
        create_static_files_router(path="/static", directories=[APP_DIR / "static"]),
        vendor_file,
    ]
    options: dict[str, Any] = {
        "route_handlers": route_handlers,
        "on_startup": [keep_tokens_out_of_logs, open_database, freeze_startup_objects],
        "on_shutdown": [close_database, drain_log_queues],
        "middleware": [
            # First, so that its timings include the host check and the sign-in.
            prometheus.middleware,
            DefineMiddleware(AllowedHosts, config=allowed_hosts_config(settings.allowed_hosts)),
            DefineMiddleware(TokenAuthMiddleware, exclude=["^/schema", "^/static/"]),
            # After sign-in, so sessions are always checked on the primary.
            ReplicaReads(),
        ],
        # Browsers opening a page get 401/403/404 as pages; everything else keeps JSON.
        "exception_handlers": {
            **exception_handlers,
            HTTPException: with_error_pages(exception_handlers[HTTPException]),
        },
        "after_exception": [find_caller_for_error_page],
        "before_send": [security_headers(settings.public_url)],
        "request_class": CheckedRequest,
        "before_request": check_request,
        "stores": {"feeds": MemoryStore()},
        "compression_config": compression_config(),
        "plugins": [ErrorStatuses()],
        "request_max_body_size": settings.max_body_bytes,
        "openapi_config": OpenAPIConfig(
            title="Fangzha 防诈",
            version="0.1.0",
            description="Anti-fraud education events, attendance and interceptions.",
            path="/schema",
            use_handler_docstrings=True,
            render_plugins=[OfflineSwaggerRenderPlugin(), JsonRenderPlugin()],
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
        "state": {"settings": settings, "public_url": settings.public_url},
        "debug": settings.debug,
    }
    if settings.request_log:
        options["logging_config"] = json_logging()
    options.update(overrides)
    return Litestar(**options)


def create_asgi_app(settings: Settings | None = None) -> ASGIApp:
    """The app as servers run it: inside the request log when that is on."""
    settings = settings or Settings.from_env()
    app = create_app(settings)
    return RequestLog(app) if settings.request_log else app
