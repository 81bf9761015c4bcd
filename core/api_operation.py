"""The OpenAPI operation every route documents: query parameters are never null.

Litestar documents an optional query parameter (`kind: Kind | None = None`) as
"a kind or null", but a query string has no null: the parameter is there or
not. Generated clients turn "or null" into several types per parameter
(`ReportSummaryCompareType1 | …Type2Type1`); without it they get one.
"""

from dataclasses import dataclass, fields, replace

from litestar.openapi.spec import OpenAPIType, Operation, Parameter, Schema


def without_null(schema: Schema) -> Schema:
    """The schema of a query parameter, less its null alternative."""
    if isinstance(schema.type, list) and OpenAPIType.NULL in schema.type:
        kinds = [kind for kind in schema.type if kind != OpenAPIType.NULL]
        schema = replace(schema, type=kinds[0] if len(kinds) == 1 else kinds)
    if schema.enum and None in schema.enum:
        schema = replace(schema, enum=[value for value in schema.enum if value is not None])
    if schema.one_of:
        kept = [
            option
            for option in schema.one_of
            if not (isinstance(option, Schema) and option.type == OpenAPIType.NULL)
        ]
        if len(kept) == 1 and isinstance(kept[0], Schema):
            # The one alternative left carries its type; the parameter keeps its own limits.
            merged = {
                field.name: getattr(kept[0], field.name)
                for field in fields(Schema)
                if getattr(kept[0], field.name) is not None and getattr(schema, field.name) is None
            }
            schema = replace(schema, one_of=None, **merged)
        else:
            schema = replace(schema, one_of=kept)
    return schema


@dataclass
class ApiOperation(Operation):
    def __post_init__(self) -> None:
        for parameter in self.parameters or []:
            if (
                isinstance(parameter, Parameter)
                and parameter.param_in == "query"
                and isinstance(parameter.schema, Schema)
            ):
                parameter.schema = without_null(parameter.schema)
