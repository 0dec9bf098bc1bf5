"""Claude's review of a page, grounded in the measured facts; see ARCHITECTURE.md section 8."""

from shared.llm.judge import judge
from shared.llm.verdict import LlmVerdict

__all__ = ["LlmVerdict", "judge"]
