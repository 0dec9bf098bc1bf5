"""What Claude must answer: the input of the one tool it is forced to call, as pydantic models.

The tool's `input_schema` is generated from `Judgement`, and the tool input Claude sends back is validated
against the same model, so the schema the model sees and the check we apply cannot drift apart. The
bounds here (lengths, counts) are part of that contract: an answer outside them is invalid, not trimmed.
Scores are absent on purpose: the model never sets one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import GenerateJsonSchema

from shared.models.facts import Device
from shared.models.report import Category, Effort, Severity

TOOL_NAME = "submit_cro_review"
TOOL_DESCRIPTION = (
    "Submit the conversion review of the page: findings grounded in element ids or screenshot regions, "
    "an executive summary, ordered actions and an expected conversion-uplift range. Call exactly once."
)
MAX_FINDINGS = 10


class AnswerModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImageRegion(AnswerModel):
    """A rectangle in the pixels of one image as sent (its number and size are stated in the request)."""

    image: int = Field(ge=1, description="Number of the image, as labelled in the request (1 = first).")
    x: float = Field(ge=0, description="Left edge in that image's pixels.")
    y: float = Field(ge=0, description="Top edge in that image's pixels.")
    w: float = Field(gt=0)
    h: float = Field(gt=0)


class ModelFinding(AnswerModel):
    topic: str = Field(
        pattern=r"^[a-z][a-z0-9_]{1,39}$",
        description="Short snake_case topic; the report shows it as rule 'llm.<topic>', e.g. 'value_prop_vague'.",
    )
    category: Category
    severity: Severity
    confidence: float = Field(ge=0, le=1, description="How sure you are that this costs conversions.")
    effort: Effort = Field(description="What fixing it usually takes.")
    device: Device = Field(description="The device the evidence is on; element ids and the image must be of it.")
    title: str = Field(min_length=3, max_length=120)
    detail: str = Field(min_length=3, max_length=700, description="What is wrong and why it costs conversions.")
    recommendation: str = Field(min_length=3, max_length=500)
    elements: list[str] = Field(
        default_factory=list, max_length=8, description="Element ids from the facts of this device, exactly as listed."
    )
    region: ImageRegion | None = Field(None, description="Where on a screenshot of this device, when ids do not fit.")
    same_as: str | None = Field(
        None, description="Id of the rule finding this repeats, if any; it is then merged into that finding."
    )


class UpliftEstimate(AnswerModel):
    low_pct: float = Field(ge=0, le=100, description="Relative conversion-rate uplift, low end, percent.")
    high_pct: float = Field(ge=0, le=100, description="High end; not below low_pct.")
    confidence: Literal["low", "medium", "high"]
    rationale: str = Field(min_length=3, max_length=600)

    @model_validator(mode="after")
    def _ordered(self) -> UpliftEstimate:
        if self.high_pct < self.low_pct:
            raise ValueError("high_pct is below low_pct")
        return self


class Judgement(AnswerModel):
    findings: list[ModelFinding] = Field(max_length=MAX_FINDINGS)
    summary: str = Field(min_length=10, max_length=1500, description="Executive summary for a decision maker.")
    actions: list[Annotated[str, Field(min_length=3, max_length=300)]] = Field(
        min_length=1, max_length=6, description="What to do, most valuable first."
    )
    uplift: UpliftEstimate


class _UntitledFields(GenerateJsonSchema):
    """Field titles only repeat the property names; dropping them saves input tokens on every request."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def tool_definition() -> dict[str, Any]:
    """The one tool of the request; `tool_choice` names it, so Claude can only answer through it."""
    schema = Judgement.model_json_schema(schema_generator=_UntitledFields)
    return {"name": TOOL_NAME, "description": TOOL_DESCRIPTION, "input_schema": schema}
