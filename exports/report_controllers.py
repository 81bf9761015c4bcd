"""Placeholder until its slice lands."""

from typing import Any

routes: list[Any] = []
