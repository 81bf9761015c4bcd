"""Path parameters shared by every domain's controllers."""

from typing import Annotated

from litestar.params import PathParameter

MAX_ID = 2**31 - 1

# Ids are 32-bit serials: a larger number names no record, and passing it on would
# overflow the database driver (a 5xx) instead of answering a clear 400.
RecordId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description=f"A record id (1–{MAX_ID})")]
