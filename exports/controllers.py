"""HTTP surface of exports."""

from typing import Any

routes: list[Any] = []
