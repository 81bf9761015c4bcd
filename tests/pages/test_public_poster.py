"""The branch poster: one A4 page whose QR code scans, in print and as a PDF."""

import asyncio
import gc
import io
import shutil
import subprocess
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from accounts.tables import Branch
from app.demo.load import LoadedDemo, load_demo
from app.pages.public_poster import POSTER_DAYS, POSTER_EVENTS
from tests.pages.axe import assert_accessible
from tests.pages.public_support import decode_qr, qr_target

LISU_LINE = "ꓡꓲ-ꓢꓴ ꓟ ꓠꓬ ꓗꓪ"  # supplied by the branch as free text


@pytest.fixture
async def demo() -> LoadedDemo:
    loaded = await load_demo(only_if_empty=False)
    assert loaded is not None
    await Branch.update({Branch.poster_note: LISU_LINE}).where(Branch.code == "NJ-LK")
    return loaded


def rendered(pdf: bytes) -> bytes:
    """The PDF's page as a PNG, drawn by Poppler as a print shop's machine would."""
    assert shutil.which("pdftoppm"), "pdftoppm is missing (apt-get install poppler-utils)"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "poster.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "150", "-png", "-singlefile", str(source), f"{folder}/page"],
            check=True,
        )
        return (Path(folder) / "page.png").read_bytes()


async def test_poster_pdf_is_one_a4_page_whose_code_scans(live_server, demo):
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        response = await http.get("/branches/NJ-LK/poster.pdf")
        events = await http.get("/api/events", params={"branch": "NJ-LK", "limit": 100})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # A4 is 210 × 297 mm: 595.3 × 841.9 points.
    assert abs(float(box.width) - 595.3) < 1
    assert abs(float(box.height) - 841.9) < 1
    text = reader.pages[0].extract_text()
    assert "六库支行" in text
    assert "96110" in text
    assert "95588" in text
    coming = [e for e in events.json()["items"] if e["status"] == "scheduled"]
    assert any(e["title"] in text for e in coming), "no coming event of the branch on the poster"
    png = await asyncio.to_thread(rendered, response.content)
    assert decode_qr(png) == f"{live_server}/subscribe?branch=NJ-LK"
    # The branch's Lisu line is drawn in the Lisu font the app serves, not in whatever
    # face the server happens to have (DejaVu Sans here; empty boxes on a bare server).
    assert any(name.endswith("+Noto-Sans-Lisu") for name in embedded_fonts(reader))
    assert LISU_LINE in text


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        names |= {str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()}
    return names


async def test_pdf_layout_leaves_no_font_folder_behind(client, world, monkeypatch, tmp_path):
    # WeasyPrint unpacks web fonts into a folder of the temporary directory; with the
    # garbage collector held, only an explicit clean-up removes it.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    await Branch.update({Branch.poster_note: LISU_LINE}).where(Branch.code == "NJ-LK")
    gc.disable()
    try:
        response = await client.get("/branches/NJ-LK/poster.pdf")
        left = sorted(path.name for path in tmp_path.iterdir())
    finally:
        gc.enable()
    assert response.status_code == 200
    assert any(
        n.endswith("+Noto-Sans-Lisu")
        for n in embedded_fonts(PdfReader(io.BytesIO(response.content)))
    )
    assert left == []


def test_pdf_layout_reads_only_the_apps_own_files():
    from app.pages.poster_files import AppFilesOnly

    fetcher = AppFilesOnly()
    font = fetcher.fetch("http://branch.example/static/vendor/noto-sans-lisu/lisu-400.woff2")
    assert font.read()[:4] == b"wOF2"
    for elsewhere in (
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://branch.example/static/vendor/noto-sans-lisu/../../../package.json",
    ):
        with pytest.raises(ValueError, match="not a file the app serves"):
            fetcher.fetch(elsewhere)


async def test_the_busiest_poster_still_fits_one_page(live_server, demo):
    # The whole network's poster has the most events: the rest are behind the QR code.
    now = datetime.now(UTC)
    end = now + timedelta(days=POSTER_DAYS)
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        window = {"from": f"{now:%Y-%m-%d}", "to": f"{end + timedelta(days=1):%Y-%m-%d}"}
        listed = await http.get("/api/occurrences", params={**window, "limit": 500})
        response = await http.get("/branches/NJ/poster.pdf")
    coming = {
        o["event_id"]
        for o in listed.json()["items"]
        if o["status"] == "scheduled" and now <= datetime.fromisoformat(o["starts_at"]) < end
    }
    # Whatever the hour the demo was loaded at, the poster has more than it can show.
    assert len(coming) > POSTER_EVENTS, f"the demo has {len(coming)} events in the poster's month"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert "扫码查看" in reader.pages[0].extract_text()


async def test_printed_poster_page_scans_and_shows_the_lisu_line(live_server, browser, demo):
    # An A4 sheet's width on a screen, as someone about to print it sees it.
    page = await browser.new_page(viewport={"width": 800, "height": 1130}, locale="zh-CN")
    await page.goto(f"{live_server}/branches/NJ-LK/poster")
    assert await qr_target(page) == f"{live_server}/subscribe?branch=NJ-LK"
    note = page.locator("[lang=lis]")
    assert await note.inner_text() == LISU_LINE
    # Drawn in the Lisu font the app serves, though DejaVu Sans here covers Lisu too.
    await page.evaluate("document.fonts.ready")
    loaded = await page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Noto Sans Lisu')"
        " && f.status === 'loaded').length"
    )
    assert loaded >= 1
    # Printing gives one A4 sheet.
    pdf = await page.pdf(format="A4", print_background=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


async def test_pdf_rendering_leaves_the_server_answering(client, world, monkeypatch):
    """The layout is held in its thread until /health has answered: on the event loop it
    would hold /health too, and the wait below would end in a timeout."""
    from app.pages import public_poster

    rendering, release = threading.Event(), threading.Event()
    real_pdf = public_poster._pdf

    def held_pdf(html: str, base_url: str) -> bytes:
        rendering.set()
        release.wait(timeout=120)
        return real_pdf(html, base_url)

    monkeypatch.setattr(public_poster, "_pdf", held_pdf)
    poster = asyncio.create_task(client.get("/branches/NJ-LK/poster.pdf"))
    try:
        while not rendering.is_set():
            assert not poster.done(), poster.result().text
            await asyncio.sleep(0.01)
        health = await asyncio.wait_for(client.get("/health"), timeout=60)
        assert health.status_code == 200
        assert not poster.done()
    finally:
        release.set()
    answer = await poster
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF")


async def test_unknown_branch_poster_is_a_page(live_server, demo):
    async with httpx.AsyncClient(base_url=live_server) as http:
        response = await http.get("/branches/NOPE/poster.pdf", headers={"Accept-Language": "zh"})
    assert response.status_code == 404
    assert "没有这个网点" in response.text


async def test_poster_page_passes_axe(live_server, browser, demo):
    page = await browser.new_page(viewport={"width": 800, "height": 1130}, locale="zh-CN")
    await page.goto(f"{live_server}/branches/NJ-LK/poster")
    await assert_accessible(page)
