"""Path and query parameters shared by every domain's controllers."""

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

MAX_ID = 2**31 - 1

# Ids are 32-bit serials: a larger number names no record, and passing it on would
# overflow the database driver (a 5xx) instead of answering a clear 400.
RecordId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description=f"A record id (1–{MAX_ID})")]

# The filters the lists, reports, exports and feeds share, declared once.
From = Annotated[
    str | None,
    QueryParameter(
        name="from", max_length=40, description="Window start: a date or ISO time (China time)"
    ),
]
To = Annotated[
    str | None,
    QueryParameter(
        name="to", max_length=40, description="Window end, exclusive: a date or ISO time"
    ),
]
BranchCode = Annotated[
    str | None, QueryParameter(max_length=32, description="Branch code; includes sub-branches")
]
CampaignId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="Campaign id")]
EventId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="Event id")]
