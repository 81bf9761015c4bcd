"""axe-core accessibility checks for page tests: `await serious_violations(page)`.

axe-core comes from the locked npm package (`node_modules/axe-core`). Playwright's
`add_script_tag(path=…)` inserts an inline <script>, which our
Content-Security-Policy rightly refuses; `page.evaluate` runs the same file
through the DevTools protocol, which the policy does not govern, so the page
under test keeps its real policy.
"""

from functools import cache
from pathlib import Path
from typing import Any

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

_RUN = """async (options) => {
  const result = await window.axe.run(document, options);
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""


@cache
def _source() -> str:
    if not AXE_SCRIPT.is_file():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run `make node_modules/.installed`")
    return AXE_SCRIPT.read_text(encoding="utf-8")


async def violations(page: Any, *, disable: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every axe-core violation on the page as it is now (its default rules)."""
    if not await page.evaluate("() => Boolean(window.axe)"):
        await page.evaluate(_source())
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    found: list[dict[str, Any]] = await page.evaluate(_RUN, options)
    return found


async def serious_violations(page: Any, *, disable: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The serious and critical violations only: what a page test must keep at none."""
    return [v for v in await violations(page, disable=disable) if v["impact"] in SERIOUS]


def describe(found: list[dict[str, Any]]) -> str:
    """A readable assertion message: rule, impact, what it asks, and where."""
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)


async def assert_accessible(page: Any, *, disable: tuple[str, ...] = ()) -> None:
    """Fails with the list of serious or critical violations, if there are any."""
    found = await serious_violations(page, disable=disable)
    assert not found, f"{page.url}\n{describe(found)}"
