"""Path and query parameters shared by every domain's controllers."""

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from core.window import FROM_DESCRIPTION, TO_DESCRIPTION

MAX_ID = 2**31 - 1

# Ids are 32-bit serials: a larger number names no record, and passing it on would
# overflow the database driver (a 5xx) instead of answering a clear 400.
RecordId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description=f"A record id (1–{MAX_ID})")]

# The filters the lists, reports, exports and feeds share, declared once.
# What they mean is core/window.py's rule, the same on every route.
From = Annotated[
    str | None, QueryParameter(name="from", max_length=40, description=FROM_DESCRIPTION)
]
To = Annotated[str | None, QueryParameter(name="to", max_length=40, description=TO_DESCRIPTION)]
# The occurrences list expands repeating events, so its window is required.
RequiredFrom = Annotated[
    str, QueryParameter(name="from", max_length=40, description=FROM_DESCRIPTION)
]
RequiredTo = Annotated[str, QueryParameter(name="to", max_length=40, description=TO_DESCRIPTION)]
BranchCode = Annotated[
    str | None, QueryParameter(max_length=32, description="Branch code; includes sub-branches")
]
CampaignId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="Campaign id")]
EventId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="Event id")]
