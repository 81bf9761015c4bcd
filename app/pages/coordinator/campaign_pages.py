"""Campaigns: the list with a progress bar per goal, and the form to create or edit one."""

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from accounts.caller import Caller
from accounts.scoping import visible_branch_ids
from app.i18n import negotiate, translations
from app.pages.coordinator import choices
from app.pages.coordinator.common import branch_choices, coordinator, render, translated
from app.pages.coordinator.form_fields import Form, out_of_range
from core.errors import Forbidden, NotFound, Unprocessable
from core.params import RecordId
from events.campaigns import create_campaign, get_campaign, list_campaigns, update_campaign
from events.schemas import CampaignCreate, CampaignOut, CampaignUpdate
from exports import reports

GOALS = ("events", "attendees", "interceptions", "amount_saved")


async def progress_of(caller: Caller, campaign: CampaignOut) -> reports.Progress:
    """The numbers of GET /api/campaigns/{id}/progress, from the same function."""
    scope = reports.ReportScope(
        branch_ids=await visible_branch_ids(caller), campaign_id=campaign.id
    )
    return await reports.campaign_progress(scope, campaign.goals)


def _values(campaign: CampaignOut | None) -> dict[str, Any]:
    if campaign is None:
        return {"theme": "local"}
    goals = campaign.goals
    return {
        "name": campaign.name,
        "theme": campaign.theme,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "branch_id": str(campaign.branch_id),
        "description": campaign.description,
        "goal_events": goals.events if goals.events is not None else "",
        "goal_attendees": goals.attendees if goals.attendees is not None else "",
        "goal_interceptions": goals.interceptions if goals.interceptions is not None else "",
        "goal_amount_saved": goals.amount_saved or "",
    }


def _read(form: Form) -> dict[str, Any]:
    _ = form._
    fields: dict[str, Any] = {
        "name": form.text("name", required=True, message=_("Give the campaign a name.")),
        "theme": form.choice("theme", choices.THEMES, "local"),
        "starts_on": form.day("starts_on", required=True),
        "ends_on": form.day("ends_on", required=True),
        "branch_id": form.number("branch_id"),
        "description": form.text("description"),
        "goals": {
            "events": form.number("goal_events"),
            "attendees": form.number("goal_attendees"),
            "interceptions": form.number("goal_interceptions"),
            "amount_saved": form.text("goal_amount_saved").replace(",", "") or None,
        },
    }
    return fields


def _field_of(detail: str) -> str:
    """Which field a service's refusal is about, to show it there."""
    for key, field in (
        ("amount_saved", "goal_amount_saved"),
        ("ends_on", "ends_on"),
        ("Branch", "branch_id"),
        ("branch", "branch_id"),
    ):
        if key in detail:
            return field
    return "form"


class CampaignPages(Controller):
    path = "/coordinator/campaigns"
    include_in_schema = False

    @get("/", operation_id="campaignsPage")
    async def campaigns(self, request: Request) -> Template | Redirect:
        """Campaigns the coordinator can read, each goal with its progress bar."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        found, _ = await list_campaigns(caller, 200, 0)
        rows = [(c, await progress_of(caller, c)) for c in reversed(found)]
        return render(request, "coordinator/campaigns.html", rows=rows, goals=GOALS)

    @get("/new", operation_id="newCampaignPage")
    async def new(self, request: Request) -> Template | Redirect:
        """An empty campaign form."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        return await self._form(
            request, caller, None, {"branch_id": str(caller.branch_id), "theme": "local"}, {}
        )

    @get("/{campaign_id:int}", operation_id="editCampaignPage")
    async def edit(self, request: Request, campaign_id: RecordId) -> Template | Redirect:
        """A campaign's form, filled in."""
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        campaign = await get_campaign(caller, campaign_id)
        return await self._form(request, caller, campaign, _values(campaign), {})

    async def _form(
        self,
        request: Request,
        caller: Caller,
        campaign: CampaignOut | None,
        values: dict[str, Any],
        errors: dict[str, str],
    ) -> Template:
        return render(
            request,
            "coordinator/campaign_form.html",
            status_code=422 if errors else 200,
            campaign=campaign,
            values=values,
            errors=errors,
            branches=await branch_choices(caller),
        )

    @post("/", operation_id="createCampaignForm")
    async def create(self, request: Request) -> Template | Redirect:
        """Create a campaign from the form; errors go back next to their fields."""
        return await self._save(request, None)

    @post("/{campaign_id:int}", operation_id="updateCampaignForm")
    async def update(self, request: Request, campaign_id: RecordId) -> Template | Redirect:
        """Save a campaign's changes from the form."""
        return await self._save(request, campaign_id)

    async def _save(self, request: Request, campaign_id: int | None) -> Template | Redirect:
        caller = coordinator(request)
        if isinstance(caller, Redirect):
            return caller
        campaign = None if campaign_id is None else await get_campaign(caller, campaign_id)
        data = await request.form()
        form = Form(data, translations(negotiate(request)).gettext)
        fields = _read(form)
        values = {k: str(v) for k, v in data.items()}
        if form.errors:
            return await self._form(request, caller, campaign, values, form.errors)
        try:
            if campaign is None:
                if fields["branch_id"] is None:
                    fields.pop("branch_id")
                saved = await create_campaign(caller, msgspec.convert(fields, CampaignCreate))
            else:
                if fields["branch_id"] is None:
                    fields.pop("branch_id")
                saved = await update_campaign(
                    caller, campaign.id, msgspec.convert(fields, CampaignUpdate)
                )
        except (Unprocessable, Forbidden, NotFound) as exc:
            detail = str(exc.detail)
            errors = {_field_of(detail): translated(request, exc)}
            return await self._form(request, caller, campaign, values, errors)
        except msgspec.ValidationError as exc:
            errors = out_of_range(exc, form._, {"goals.": "goal_"})
            return await self._form(request, caller, campaign, values, errors)
        return Redirect(f"/coordinator/campaigns#campaign-{saved.id}", status_code=303)
