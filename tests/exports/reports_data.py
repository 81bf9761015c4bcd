"""Interceptions for report tests, inserted in bulk the way a long history would be."""

import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

FRAUD_TYPES = ("order_brushing", "fake_investment", "fake_loan", "romance_scam", "other")
CHANNELS = ("counter", "phone_callback", "atm", "home_visit")
AGE_BANDS = ("under_18", "18_34", "35_59", "60_plus", "unknown")
STATUSES = ("logged", "verified", "rejected")
_REFS = itertools.count(1)

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = datetime(2024, 1, 1, tzinfo=SHANGHAI)
DAYS = 900

# Instants over about two and a half years from FIRST, on a China-time month's first
# instant half the time: the edges where tallies and rows meet.
instants = st.builds(
    lambda day, minute, edge: (
        (FIRST + timedelta(days=day)).replace(day=1)
        if edge
        else FIRST + timedelta(days=day, minutes=minute)
    ),
    st.integers(0, DAYS),
    st.integers(0, 24 * 60 - 1),
    st.booleans(),
)


@dataclass
class Row:
    """One interception as the test knows it: the brute force sums these."""

    occurred_at: datetime
    branch: int
    status: str
    fraud_type: str
    channel: str
    victim_age_band: str
    fen: int
    event: int | None = None
    id: int = 0


_COLUMNS = (
    "client_ref",
    "occurred_at",
    "branch",
    "logged_by",
    "channel",
    "fraud_type",
    "amount_saved_fen",
    "victim_age_band",
    "status",
    "event",
    "created_at",
    "updated_at",
)


async def insert_rows(rows: list[Row], logged_by: int, chunk: int = 5000) -> None:
    """INSERT … SELECT from arrays (PostgreSQL) or a JSON list (SQLite), `chunk` rows a
    statement; the tally triggers run as they would for any write."""
    from piccolo.engine.postgres import PostgresEngine

    from interceptions.tables import Interception

    postgres = isinstance(Interception._meta.db, PostgresEngine)
    for offset in range(0, len(rows), chunk):
        part = rows[offset : offset + chunk]
        refs = {f"bulk-{next(_REFS)}": row for row in part}
        fields = [
            list(refs),
            [r.occurred_at for r in part],
            [r.branch for r in part],
            [r.channel for r in part],
            [r.fraud_type for r in part],
            [r.fen for r in part],
            [r.victim_age_band for r in part],
            [r.status for r in part],
            [r.event for r in part],
        ]
        if postgres:
            source = (
                "unnest({}::text[], {}::timestamptz[], {}::int[], {}::text[], {}::text[], "
                "{}::bigint[], {}::text[], {}::text[], {}::int[]) "
                "AS t(ref, at, branch, channel, fraud, fen, age, status, event)"
            )
            args: list[Any] = fields
            select = "ref, at, branch, {}, channel, fraud, fen, age, status, event, at, at"
        else:
            source = "json_each({})"
            args = [
                json.dumps(
                    [
                        [str(v.astimezone(UTC)) if isinstance(v, datetime) else v for v in values]
                        for values in zip(*fields, strict=True)
                    ]
                )
            ]
            select = ", ".join(
                [
                    "json_extract(value, '$[0]')",
                    "json_extract(value, '$[1]')",
                    "json_extract(value, '$[2]')",
                    "{}",
                ]
                + [f"json_extract(value, '$[{i}]')" for i in range(3, 9)]
                + ["json_extract(value, '$[1]')", "json_extract(value, '$[1]')"]
            )
        inserted = await Interception.raw(
            f"INSERT INTO interception ({', '.join(_COLUMNS)}) "  # noqa: S608
            f"SELECT {select} FROM {source} RETURNING id, client_ref",
            logged_by,
            *args,
        )
        for stored in inserted:
            refs[stored["client_ref"]].id = stored["id"]
