"""The `changes` of a history item, typed for the OpenAPI schema: field → [before, after].

A field's value is what the API shows for it: a scalar, a list (languages,
exception dates) or a small object (the venue, headcount by audience); null
when the field had no value before or has none after.
"""

from typing import Annotated

from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import KwargDefinition

_SCALARS = [
    Schema(type=OpenAPIType.STRING),
    Schema(type=OpenAPIType.NUMBER),
    Schema(type=OpenAPIType.BOOLEAN),
    Schema(type=OpenAPIType.NULL),
]
FIELD_VALUE = Schema(
    any_of=[
        *_SCALARS,
        Schema(type=OpenAPIType.ARRAY, items=Schema(any_of=_SCALARS)),
        Schema(type=OpenAPIType.OBJECT, additional_properties=Schema(any_of=_SCALARS)),
    ]
)
BEFORE_AND_AFTER = Schema(
    type=OpenAPIType.ARRAY,
    items=FIELD_VALUE,
    min_items=2,
    max_items=2,
    description="[before, after]",
)

Changes = Annotated[
    dict[str, list[object]],
    KwargDefinition(
        description="Each changed field → [before, after], as the API shows the field",
        schema_extra={"additional_properties": BEFORE_AND_AFTER},
    ),
]
