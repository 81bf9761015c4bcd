"""The 演示数据 banner: every page says so while demo data is in the database.

The answer is kept for a few seconds in a store rather than asked on every page:
the demo is loaded and removed from the command line, in another process, so
whatever this process cached must expire by itself.
"""

from litestar import Request

from app.demo.presence import demo_data_present

BANNER_STORE = "demo_banner"
RECHECK_SECONDS = 5


async def note_demo_data(request: Request) -> None:
    """Before a page: tell its template (`request.state.demo_data`) whether to show the banner."""
    store = request.app.stores.get(BANNER_STORE)
    known = await store.get("present")
    if known is None:
        known = b"1" if await demo_data_present() else b"0"
        await store.set("present", known, expires_in=RECHECK_SECONDS)
    request.state.demo_data = known == b"1"
