"""HTTP surface of exports: reports and campaign progress, calendar feeds."""

from typing import Any

from exports.export_controllers import routes as export_routes
from exports.feed_controllers import routes as feed_routes
from exports.report_controllers import routes as report_routes

routes: list[Any] = [*report_routes, *feed_routes, *export_routes]
