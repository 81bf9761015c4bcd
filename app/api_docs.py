"""The interactive API documentation at /schema, from the vendored Swagger UI.

Litestar's own Swagger page loads its files from a CDN and starts with an
inline script; on a bank's offline network the page stays blank, and the
Content-Security-Policy refuses inline script. This page loads Swagger UI from
`/static/vendor/swagger-ui/` and starts it from a file, reading the schema
from `/schema/openapi.json`, so it runs under the same policy as every page.
"""

from html import escape
from typing import Any

from litestar import Request, Router
from litestar.openapi.plugins import SwaggerRenderPlugin

from app.vendor import vendor_url

START_SCRIPT = "/static/api-docs.js"


class OfflineSwaggerRenderPlugin(SwaggerRenderPlugin):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            js_url=vendor_url("swagger-ui", "swagger-ui-bundle.js"),
            css_url=vendor_url("swagger-ui", "swagger-ui.css"),
            standalone_preset_js_url=vendor_url("swagger-ui", "swagger-ui-standalone-preset.js"),
            favicon="",
            style="",
            **kwargs,
        )

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        schema_path = request.app.openapi_config.path if request.app.openapi_config else None
        title = escape(str(openapi_schema["info"]["title"]))
        page = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="{self.css_url}">
</head>
<body>
  <div id="swagger-container" data-spec-url="{escape(schema_path or "/schema")}/openapi.json"></div>
  <script src="{self.js_url}"></script>
  <script src="{self.standalone_preset_js_url}"></script>
  <script src="{START_SCRIPT}"></script>
</body>
</html>
"""
        return page.encode()

    def receive_router(self, router: Router) -> None:
        """No OAuth2 redirect page: sign-in is a bearer token, and that page is inline script."""
