"""Paging: the limit and offset every list takes, and the one page type every list answers."""

from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.params import KwargDefinition, Parameter

Limit = Annotated[int, Parameter(ge=1, le=500, description="Page size (1–500)")]
Offset = Annotated[int, Parameter(ge=0, le=10_000_000, description="Rows to skip")]

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T]):
    """One page of a list, as SPEC fixes it: `{items, total, limit, offset}`."""

    items: list[T]
    total: int  # rows matching the filters, on every page
    limit: int
    offset: int


def schema_name(name: str) -> KwargDefinition:
    """The name a page type has in the OpenAPI schema, such as `EventPage`.

    Litestar would name `Page[EventOut]` after its modules (`Page_events.schemas.EventOut_`);
    generated clients turn these names into class names.
    """
    return KwargDefinition(schema_component_key=name)
