"""HTTP surface of events: campaigns, events, occurrences, attendance, calendar import."""

from typing import Any

from events.import_controllers import routes as import_routes

routes: list[Any] = [*import_routes]
