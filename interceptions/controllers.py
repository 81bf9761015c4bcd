"""HTTP surface of interceptions."""

from typing import Any

routes: list[Any] = []
