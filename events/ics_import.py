"""Calendar import: an .ics file → draft events, deduplicated by UID, all or none.

Reading (`events.ics_parse`) finds every event the file holds and every one it
cannot read; storing (`events.ics_store`) checks the rest by the API's rules
and writes them in one transaction. Fetching from an address is
`events.ics_fetch`.
"""

import anyio

from accounts.caller import Caller
from events.ics_parse import parse_calendar
from events.ics_store import CalendarImportRejectedError, store_events
from events.schemas import CalendarImportResult


async def import_calendar(
    caller: Caller, branch_id: int, data: bytes, *, dry_run: bool = False
) -> CalendarImportResult:
    """Every event of the file, or none with the problem of each one that failed.

    With `dry_run`, nothing is kept: the answer says what the import would do.
    """
    # Reading a large file is CPU work: it runs beside the event loop, not on it.
    calendar = await anyio.to_thread.run_sync(parse_calendar, data)
    return await store_events(caller, branch_id, calendar, dry_run=dry_run)


__all__ = ["CalendarImportRejectedError", "import_calendar"]
