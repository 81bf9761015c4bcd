"""The dashboard: a year's (and a campaign's) figures as numbers, charts and tables."""

import asyncio
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from accounts.guards import caller_of
from accounts.scoping import visible_branch_ids
from app.i18n import negotiate
from app.pages import formatting, labels
from app.pages.rendering import page
from app.pages.sign_in import sign_in_redirect
from core.clock import utcnow
from core.home_zone import HOME_ZONE
from events.campaigns import list_campaigns
from exports.reports import ReportScope, Summary, event_impact, summary
from interceptions.csv_columns import AGE_BAND_LABELS, FRAUD_TYPE_LABELS

# Head office reports by the Beijing calendar year.
REPORT_ZONE = HOME_ZONE
TOP_EVENTS = 10
TOP_SORT = "-amount_saved"
EXPORTS = ("events", "attendance", "interceptions")


def _number(amount: str) -> float | int:
    """A decimal string as the chart library wants it; the tables keep the exact text."""
    value = Decimal(amount)
    return int(value) if value == value.to_integral_value() else float(value)


def chart(categories: list[str], series: list[dict[str, Any]], kind: str = "bar") -> str:
    """What the page's script draws: categories, and named series of numbers (JSON)."""
    return msgspec.json.encode({"kind": kind, "categories": categories, "series": series}).decode()


def _charts(figures: Summary, year: int, locale: str) -> dict[str, str]:
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    by_month = {row.month: row for row in figures.by_month}
    people = {row.month: row for row in figures.attendance_by_month}

    def monthly(key: str, rows: dict[str, Any], money: bool = False) -> list[float | int]:
        values: list[float | int] = []
        for month in months:
            row = rows.get(month)
            value: Any = getattr(row, key) if row else 0
            values.append(_number(value) if money and row else int(value))
        return values

    def grouped(rows: list[Any], names: list[str]) -> str:
        return chart(
            names,
            [
                {"name": "amount_saved", "values": [_number(r.amount_saved) for r in rows]},
                {"name": "verified", "values": [r.verified for r in rows]},
            ],
            kind="hbar",
        )

    return {
        "month": chart(
            months,
            [
                {"name": "amount_saved", "values": monthly("amount_saved", by_month, True)},
                {"name": "verified", "values": monthly("verified", by_month)},
            ],
        ),
        "fraud_type": grouped(
            figures.by_fraud_type,
            [labels.label(FRAUD_TYPE_LABELS, r.fraud_type, locale) for r in figures.by_fraud_type],
        ),
        "branch": grouped(figures.by_branch, [r.name for r in figures.by_branch]),
        "age_band": grouped(
            figures.by_age_band,
            [labels.label(AGE_BAND_LABELS, r.victim_age_band, locale) for r in figures.by_age_band],
        ),
        "outreach": chart(
            months,
            [
                {"name": "attendees", "values": monthly("attendees", people)},
                {"name": "app_installs", "values": monthly("app_installs", people)},
            ],
            kind="line",
        ),
    }


class DashboardPage(Controller):
    include_in_schema = False

    @get("/dashboard", operation_id="dashboardPage")
    async def dashboard(
        self,
        request: Request,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
        campaign: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None,
    ) -> Template | Redirect:
        """A year's figures for the caller's branch subtree, optionally for one campaign."""
        caller = caller_of(request)
        if caller is None:
            return sign_in_redirect(request)
        locale = negotiate(request)
        year = year or utcnow().astimezone(REPORT_ZONE).year
        scope = ReportScope(
            branch_ids=await visible_branch_ids(caller),
            campaign_id=campaign,
            start=datetime(year, 1, 1, tzinfo=REPORT_ZONE),
            end=datetime(year + 1, 1, 1, tzinfo=REPORT_ZONE),
        )
        # Each is one snapshot, as before; side by side they take the longer one's time
        # instead of both (on SQLite each reads on a connection and thread of its own).
        figures, (top, _) = await asyncio.gather(
            summary(scope), event_impact(scope, TOP_SORT, TOP_EVENTS, 0)
        )
        campaigns, _ = await list_campaigns(caller, 200, 0)
        window: dict[str, str] = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
        chosen = {**window, **({"campaign": str(campaign)} if campaign else {})}
        filters: dict[str, dict[str, str]] = {
            "events": chosen,
            "attendance": chosen,
            # The interceptions export has no campaign filter: the year is what applies.
            "interceptions": window,
        }
        exports = {
            name: {
                ext: f"/api/exports/{name}.{ext}?{urlencode(filters[name])}"
                for ext in ("csv", "xlsx")
            }
            for name in EXPORTS
        }
        # The top events' list in full, in the table's order.
        impact = urlencode({**chosen, "sort": TOP_SORT})
        top_export = {ext: f"/api/exports/impact.{ext}?{impact}" for ext in ("csv", "xlsx")}
        return page(
            request,
            "dashboard.html",
            year=year,
            campaign=campaign,
            campaigns=campaigns,
            figures=figures,
            outreach=figures.attendance_by_month,
            top=top,
            charts=_charts(figures, year, locale),
            exports=exports,
            top_export=top_export,
            yuan=lambda amount: formatting.yuan(amount, locale),
            kind_label=lambda code: labels.label(labels.KINDS, code, locale),
            month_label=lambda row: row.month,
            fraud_row_label=lambda row: labels.label(FRAUD_TYPE_LABELS, row.fraud_type, locale),
            age_row_label=lambda row: labels.label(AGE_BAND_LABELS, row.victim_age_band, locale),
            branch_label=lambda row: row.name,
        )
