"""Reading HTML form fields into API values, with a message in the reader's language per field.

These are only the checks of reading a form (a number is a number, a date is a
date); the rules of the domain stay in the services, whose refusals the pages
show next to the field they concern.
"""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar.datastructures import FormMultiDict

from core.home_zone import HOME_ZONE_NAME
from events.recurrence import RecurrenceError, zone_of


class FormErrors(dict[str, str]):
    """Field name → message (already translated)."""


class Form:
    def __init__(self, data: FormMultiDict | dict[str, Any], gettext: Any) -> None:
        self.data = data
        self.errors = FormErrors()
        self._ = gettext

    def text(self, name: str, *, required: bool = False, message: str = "") -> str:
        value = str(self.data.get(name) or "").strip()
        if required and not value:
            self.errors[name] = message or self._("This field is required.")
        return value

    def many(self, name: str) -> list[str]:
        if isinstance(self.data, FormMultiDict):
            return [str(v) for v in self.data.getall(name, []) if str(v)]
        value = self.data.get(name)
        return [str(v) for v in value] if isinstance(value, list) else []

    def number(self, name: str, *, required: bool = False) -> int | None:
        value = self.text(name, required=required)
        if not value:
            return None
        if not value.isdigit() or len(value) > 9:
            self.errors[name] = self._("Enter a whole number, such as 20.")
            return None
        return int(value)

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self.text(name, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors[name] = self._("Enter a date, such as 2026-03-15.")
            return None

    def zone(self, name: str) -> str:
        value = self.text(name) or HOME_ZONE_NAME
        try:
            zone_of(value)
        except RecurrenceError:
            self.errors[name] = self._("Choose a time zone from the list.")
            return HOME_ZONE_NAME
        return value

    def local_time(self, name: str, zone: str, *, required: bool = False) -> datetime | None:
        """A datetime-local field read in the event's own zone."""
        value = self.text(name, required=required)
        if not value:
            return None
        try:
            naive = datetime.fromisoformat(value)
        except ValueError:
            self.errors[name] = self._("Enter a date and time, such as 2026-03-15 14:30.")
            return None
        if naive.tzinfo is not None:
            return naive
        return naive.replace(tzinfo=ZoneInfo(zone))

    def choice(self, name: str, allowed: dict[str, Any], default: str) -> str:
        value = self.text(name) or default
        if value not in allowed:
            self.errors[name] = self._("Choose one of the options.")
            return default
        return value


def local_input(iso: str, zone: str) -> str:
    """An API instant as the value of a datetime-local input in the event's zone."""
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def out_of_range(
    exc: Exception, gettext: Any, prefixes: dict[str, str] | None = None
) -> dict[str, str]:
    """A schema's refusal ("... - at `$.goals.events`") as a message next to its field."""
    text = str(exc)
    path = text.rsplit("at `$.", 1)[-1].rstrip("`") if "at `$." in text else ""
    field = path.split("[", 1)[0]
    for before, after in (prefixes or {}).items():
        if field.startswith(before):
            field = after + field[len(before) :]
    message = gettext("This value is too long, too large or not one of the options.")
    return {field.replace(".", "_") or "form": message}
