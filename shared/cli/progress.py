"""A live progress line on stderr while an analysis runs (silent when stderr is not a terminal)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from shared.engine import Stage

_STAGE_TEXT: dict[Stage, str] = {
    "validating": "checking the URL",
    "capturing": "rendering desktop and mobile in Chromium",
    "auditing": "running the CRO rules",
    "judging": "asking Claude",
    "reporting": "assembling the report",
    "done": "done",
}


class StageProgress:
    def __init__(self, console: Console, url: str, *, llm: bool) -> None:
        self._texts = {**_STAGE_TEXT, "judging": _STAGE_TEXT["judging"] if llm else "rules only: Claude not asked"}
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        # The URL is the user's (and may hold "[...]"): descriptions are rendered as markup, so it is escaped.
        self._task = self._progress.add_task(escape(url), total=100)
        self._console = console

    def __enter__(self) -> StageProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._progress.stop()

    async def update(self, stage: Stage, percent: int) -> None:
        self._progress.update(self._task, completed=percent, description=self._texts[stage])
        if not self._console.is_terminal:
            self._console.print(f"[{percent:>3}%] {self._texts[stage]}")
