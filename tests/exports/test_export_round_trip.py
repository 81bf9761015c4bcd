"""An interceptions CSV export imports back unchanged, within limits both sides share."""

import csv
import io
from typing import Any

import httpx

CSV = {"Content-Type": "text/csv"}
# Text a spreadsheet would run as a formula, text that only looks guarded, and blanks.
AWKWARD_REFS = ["=cmd|' /C calc'!A0", "'quoted", "''=twice", "+86 call", " spaced ", "plain-1"]


async def _log(client: httpx.AsyncClient, world: Any, ref: str, **body: Any) -> dict:
    payload = {
        "client_ref": ref,
        "occurred_at": "2025-06-01T14:30:00+08:00",
        "channel": "counter",
        "fraud_type": "fake_investment",
        "amount_saved": "100.00",
        "description": "=1+1 老人转账被劝阻",
        "attribution_note": "-sign",
        "police_case_no": "@case",
        **body,
    }
    response = await client.post("/api/interceptions", json=payload, headers=world.auth("staff_lk"))
    assert response.status_code == 201, response.text
    return response.json()


async def _all(client: httpx.AsyncClient, world: Any) -> list[dict]:
    response = await client.get(
        "/api/interceptions", params={"limit": 100}, headers=world.auth("admin")
    )
    return sorted(response.json()["items"], key=lambda item: item["id"])


async def test_an_unchanged_export_imports_back_creating_nothing(client, world):
    for ref in AWKWARD_REFS:
        await _log(client, world, ref)
    before = await _all(client, world)
    staff = world.auth("staff_lk")
    exported = await client.get("/api/exports/interceptions.csv", headers=staff)
    assert exported.status_code == 200
    refs = [r["客户端编号"] for r in csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff")))]
    assert "'=cmd|' /C calc'!A0" in refs  # guarded in the file
    response = await client.post(
        "/api/imports/interceptions", content=exported.content, headers={**staff, **CSV}
    )
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 0
    assert sorted(s["client_ref"] for s in response.json()["skipped"]) == sorted(AWKWARD_REFS)
    assert await _all(client, world) == before
    # The same file once more, as a multipart upload: still nothing new.
    again = await client.post(
        "/api/imports/interceptions",
        files={"file": ("拦截记录.csv", exported.content, "text/csv")},
        headers=staff,
    )
    assert again.json()["imported"] == 0
    assert await _all(client, world) == before


async def test_the_guard_is_undone_only_where_it_was_added(client, world):
    """Re-keyed rows come in with exactly the text that was stored, apostrophes and all."""
    for ref in AWKWARD_REFS:
        await _log(client, world, ref, description=ref)
    staff = world.auth("staff_lk")
    text = (await client.get("/api/exports/interceptions.csv", headers=staff)).text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    header, body = rows[0], rows[1:]
    key = header.index("客户端编号")
    for row in body:
        # A new key in front of the guarded text: the guard then sits inside, kept as typed.
        row[key] = "copy" + row[key]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([header, *body])
    response = await client.post(
        "/api/imports/interceptions",
        content=("\ufeff" + out.getvalue()).encode(),
        headers={**staff, **CSV},
    )
    assert response.status_code == 201, response.text
    copies = {
        i["client_ref"]: i for i in await _all(client, world) if i["client_ref"].startswith("copy")
    }
    for original in AWKWARD_REFS:
        guarded = ("'" + original) if original[0] in "=+'" and original != "'quoted" else original
        copy = copies["copy" + guarded]
        # Only the key is read exactly; other cells lose surrounding blanks.
        assert copy["description"] == original.strip()
        assert copy["attribution_note"] == "-sign"
        assert copy["police_case_no"] == "@case"


async def test_a_client_ref_twice_in_a_file_or_already_stored(client, world):
    staff = {**world.auth("staff_lk"), **CSV}
    stored = await _log(client, world, "kept-1")
    header = "client_ref,occurred_at,channel,fraud_type,amount_saved\r\n"
    twice = (
        header
        + "new-1,2025-06-02 10:00,counter,other,5\r\nnew-1,2025-06-02 10:00,counter,other,5\r\n"
    )
    response = await client.post(
        "/api/imports/interceptions", content=twice.encode(), headers=staff
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["row"] == 3
    assert "row 2" in response.json()["errors"][0]["reason"]
    # A stored key is a replay of the first record, whatever the rest of the row says.
    replay = (
        header
        + "kept-1,2025-06-09 10:00,counter,other,999\r\nnew-2,2025-06-02 10:00,atm,other,7\r\n"
    )
    response = await client.post(
        "/api/imports/interceptions", content=replay.encode(), headers=staff
    )
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 1
    assert response.json()["skipped"] == [{"row": 2, "client_ref": "kept-1", "id": stored["id"]}]
    items = {i["client_ref"]: i for i in await _all(client, world)}
    assert set(items) == {"kept-1", "new-2"}
    assert items["kept-1"]["amount_saved"] == "100.00"
    assert items["new-2"]["channel"] == "atm"


async def test_export_and_import_refuse_the_same_sizes(client, world, monkeypatch):
    from interceptions import csv_limits

    for n in range(3):
        await _log(client, world, f"limit-{n}")
    staff = world.auth("staff_lk")
    fitting = await client.get("/api/exports/interceptions.csv", headers=staff)
    monkeypatch.setattr(csv_limits, "MAX_ROWS", 2)
    refused = await client.get("/api/exports/interceptions.csv", headers=staff)
    assert refused.status_code == 422
    assert "imported back" in refused.json()["detail"]
    # The workbook is for reading, not for import: it has no limit.
    assert (await client.get("/api/exports/interceptions.xlsx", headers=staff)).status_code == 200
    narrowed = await client.get(
        "/api/exports/interceptions.csv", params={"to": "2025-05-31"}, headers=staff
    )
    assert narrowed.status_code == 200
    # The import draws the line at the same number of rows.
    response = await client.post(
        "/api/imports/interceptions", content=fitting.content, headers={**staff, **CSV}
    )
    assert response.status_code == 422
    assert "more than 2 rows" in response.json()["detail"]
    monkeypatch.setattr(csv_limits, "MAX_ROWS", 3)
    assert (await client.get("/api/exports/interceptions.csv", headers=staff)).status_code == 200
    response = await client.post(
        "/api/imports/interceptions", content=fitting.content, headers={**staff, **CSV}
    )
    assert response.status_code == 201
    # Bytes too: typed text counts at three bytes a character.
    monkeypatch.setattr(csv_limits, "MAX_BYTES", 3 * csv_limits.ROW_OVERHEAD_BYTES)
    assert (await client.get("/api/exports/interceptions.csv", headers=staff)).status_code == 422
