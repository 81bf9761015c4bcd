"""Screenshots of pages, written to the git-ignored `screenshots/` folder at the repo root.

Reviewers look at them (the phone views especially); tests never compare pixels.
"""

import re
from pathlib import Path
from typing import Any

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


async def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Saves the page as `screenshots/<name>.png` and returns the path."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{safe}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    return path
