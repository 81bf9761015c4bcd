"""What a feed URL asks for: the events it narrows to, and whether it carries reminders."""

import re
from dataclasses import dataclass
from typing import get_args

from core.errors import Unprocessable
from events.schemas import Audience, Kind

KINDS = frozenset(get_args(Kind))
AUDIENCES = frozenset(get_args(Audience))
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")


@dataclass(frozen=True)
class FeedFilters:
    branch: str | None = None
    campaign: int | None = None
    kind: str | None = None
    language: str | None = None
    audience: str | None = None
    # VALARM reminders before each event (alarms=1); off unless asked for.
    alarms: bool = False

    def validate(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise Unprocessable("kind must be one of {choices}.", choices=", ".join(sorted(KINDS)))
        if self.audience is not None and self.audience not in AUDIENCES:
            raise Unprocessable(
                "audience must be one of {choices}.", choices=", ".join(sorted(AUDIENCES))
            )
        if self.language is not None and not _LANGUAGE.fullmatch(self.language):
            raise Unprocessable("language must be a language tag such as zh or lis.")

    def query_items(self) -> list[tuple[str, str]]:
        """The filters as URL query pairs, in a fixed order."""
        pairs = [
            ("branch", self.branch),
            ("campaign", None if self.campaign is None else str(self.campaign)),
            ("kind", self.kind),
            ("language", self.language),
            ("audience", self.audience),
            ("alarms", "1" if self.alarms else None),
        ]
        return [(k, v) for k, v in pairs if v is not None]
