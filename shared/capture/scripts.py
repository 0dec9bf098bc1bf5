"""The in-page scripts of capture, and running them within a budget on a page that may not cooperate.

Each script lives in `js/` as a function expression (Playwright calls it with one argument). A page
whose JavaScript spins keeps its main thread busy, so our evaluation would wait forever: every run is
bounded, and on the first overrun the page's own JavaScript is stopped (see `containment`) and the
script is tried once more, which then runs on an idle main thread.
"""

from __future__ import annotations

import asyncio
from functools import cache
from importlib import resources
from typing import Any

from playwright.async_api import Page

from shared.capture.containment import PageContainment


@cache
def script(name: str) -> str:
    """The source of `js/<name>.js`, shipped as package data."""
    return (resources.files("shared.capture") / "js" / f"{name}.js").read_text(encoding="utf-8")


@cache
def composed(folder: str, parts: tuple[str, ...]) -> str:
    """One function expression of `options` from the statement files `js/<folder>/<part>.js`, in order.

    In-page code too large for one file is split by concern into parts that share one scope (the last part
    returns the result); composing them here keeps the page seeing a single evaluation, as before.
    """
    directory = resources.files("shared.capture") / "js" / folder
    body = "\n".join(f"// --- {part}.js\n" + (directory / f"{part}.js").read_text(encoding="utf-8") for part in parts)
    return f'(options) => {{\n"use strict";\n{body}\n}}'


class PageScripts:
    def __init__(self, page: Page, containment: PageContainment) -> None:
        self._page = page
        self._containment = containment

    async def run(self, name: str, arg: Any = None, *, budget_s: float, stop_page: bool = True) -> Any:
        """Evaluates `js/<name>.js` with `arg`; raises TimeoutError if it overran (with page JS stopped)."""
        return await self.evaluate(script(name), arg, budget_s=budget_s, stop_page=stop_page)

    async def evaluate(self, source: str, arg: Any = None, *, budget_s: float, stop_page: bool = True) -> Any:
        """`stop_page=False` for scripts that may be slow on their own (axe): an overrun is theirs, not the
        page's, and ends the attempt instead of stopping the page's JavaScript."""
        try:
            return await asyncio.wait_for(self._page.evaluate(source, arg), timeout=budget_s)
        except TimeoutError:
            if self._containment.frozen or not stop_page:
                raise
            await self._containment.freeze_scripts()
            return await asyncio.wait_for(self._page.evaluate(source, arg), timeout=budget_s)

    async def responsive(self, budget_s: float) -> bool:
        """True if the page runs a trivial script within `budget_s`; if not, its JavaScript is stopped."""
        try:
            await asyncio.wait_for(self._page.evaluate("0"), timeout=budget_s)
        except TimeoutError:
            await self._containment.freeze_scripts()
            return False
        return True
