"""msgspec's and Litestar's validation texts as catalog messages.

The English template of each pattern is msgspec's own wording, so English
answers read as before; the catalog words them for a coordinator (最多 4000
个字符) and a field is named by its label, not its code.
"""

import re
from collections.abc import Iterable
from typing import Any

from core.errors import Field, Message, Term

# Each English template, with its placeholders as the named groups a text is read by.
_TEMPLATES = (
    "Expected `str` of length <= {limit}",
    "Expected `str` of length >= {limit}",
    "Expected `array` of length <= {limit}",
    "Expected `array` of length >= {limit}",
    "Expected `object` of length <= {limit}",
    "Expected `object` of length >= {limit}",
    "Expected `{type}` >= {limit}",
    "Expected `{type}` <= {limit}",
    "Expected `{type}` > {limit}",
    "Expected `{type}` < {limit}",
    "Expected `str` matching regex {pattern}",
    "Expected `{expected}`, got `{got}`",
    "Expected `{expected}`",
    "Object missing required field `{name}`",
    "Object contains unknown field `{unknown}`",
    "Invalid enum value {value}",
    "Invalid RFC3339 encoded datetime",
    "Invalid RFC3339 encoded date",
    "Invalid RFC3339 encoded time",
    "Invalid decimal string",
    "Invalid UUID",
    "Missing required query parameter '{parameter}' for path {path}",
    "Missing required header '{parameter}' for path {path}",
    "Missing required cookie '{parameter}' for path {path}",
    "Missing required path parameter '{parameter}' for path {path}",
)


class TypeName(Term):
    """msgspec's name of a JSON type (`str`, `int`, `array`)."""

    __slots__ = ()
    context = "type"


# Placeholders that name a field or a type: translated with the message.
_FIELDS = {"name"}
_TYPES = {"type", "expected", "got"}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        f"(?P<{part}>.+?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(regex + r"\Z", re.DOTALL)


_KNOWN = [(_pattern(template), template) for template in _TEMPLATES]


def problem_message(text: str) -> Message:
    """One validation text as a message of the catalog (as itself when none fits)."""
    for pattern, template in _KNOWN:
        found = pattern.match(text)
        if found is None:
            continue
        params: dict[str, object] = {}
        for name, value in found.groupdict().items():
            if name in _FIELDS:
                params[name] = Field(value)
            elif name in _TYPES:
                params[name] = TypeName(value)
            else:
                params[name] = value
        return Message(template, **params)
    return Message("{text}", text=text)


def problems(extra: Iterable[Any]) -> list[Message]:
    """Each `{"message", "key"}` item of a ValidationException, with its field."""
    found: list[Message] = []
    for item in extra:
        if not isinstance(item, dict):
            continue
        text = str(item.get("message", "")).strip()
        if not text:
            continue
        key = item.get("key")
        if key:
            found.append(
                Message("{field}: {problem}", field=Field(key), problem=problem_message(text))
            )
        else:
            found.append(problem_message(text))
    return found
