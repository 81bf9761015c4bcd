from typing import Annotated

import msgspec
from litestar.params import Parameter

Limit = Annotated[int, Parameter(ge=1, le=500, description="Page size (1–500)")]
Offset = Annotated[int, Parameter(ge=0, le=10_000_000, description="Rows to skip")]


class PageInfo(msgspec.Struct):
    total: int
    limit: int
    offset: int
