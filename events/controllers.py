"""HTTP surface of events."""

from typing import Any

routes: list[Any] = []
