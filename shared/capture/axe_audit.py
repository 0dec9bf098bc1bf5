"""Accessibility checks by axe-core (the copy `axe-playwright-python` ships), limited to what the rules use.

Only the rules below run (a full axe run costs seconds on a large page), with `iframes: false` so axe
does not wait for frames we did not inject it into, and within a budget.
"""

from __future__ import annotations

from axe_playwright_python.base import AXE_SCRIPT

from shared.capture.scripts import PageScripts, script
from shared.models.facts import AxeViolation

AXE_RULES: tuple[str, ...] = (
    "color-contrast",
    "label",
    "select-name",
    "button-name",
    "input-button-name",
    "link-name",
    "image-alt",
    "input-image-alt",
    "role-img-alt",
    "meta-viewport",
    "target-size",
    "html-has-lang",
    "document-title",
)
MAX_ELEMENT_IDS = 20


async def inject_axe(scripts: PageScripts, budget_s: float) -> None:
    """Loads axe-core into the page (parsing 0.5 MB of script: done while the network settles, when the
    page is idle anyway). Defines `window.axe` and nothing else; raises TimeoutError after `budget_s`."""
    await scripts.evaluate(AXE_SCRIPT, budget_s=budget_s, stop_page=False)


async def run_axe(scripts: PageScripts, budget_s: float) -> list[AxeViolation]:
    """The violations found (axe injected before); raises TimeoutError when axe did not finish in time."""
    rows = await scripts.evaluate(
        script("axe_run"), {"rules": list(AXE_RULES), "maxIds": MAX_ELEMENT_IDS}, budget_s=budget_s, stop_page=False
    )
    return [AxeViolation.model_validate(row) for row in rows]
