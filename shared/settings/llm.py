"""Claude's review: the key, the model, and the bounds of the request (time, tokens, images, text)."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class LlmSettings(BaseModel):
    anthropic_api_key: SecretStr | None = Field(None, description="Claude API key; unset = rules-only reports.")
    anthropic_model: str = Field("claude-sonnet-5-5", description="Claude model id (a current Sonnet).")
    anthropic_base_url: str | None = Field(None, description="Messages API base URL; unset = Anthropic's.")
    llm_timeout_s: float = Field(60.0, gt=0, le=600, description="Overall budget for Claude in one analysis.")
    llm_max_retries: int = Field(2, ge=0, le=10, description="SDK retries on 429/5xx/529.")
    llm_max_output_tokens: int = Field(3000, ge=256, le=32_000, description="Longest answer Claude may give.")
    llm_page_text_chars: int = Field(2500, ge=0, le=50_000, description="Page text budget sent to Claude.")
    llm_image_long_edge_px: int = Field(
        1568, ge=200, le=1568, description="Long edge of images sent (Anthropic's recommended maximum)."
    )
    llm_extra_slices: int = Field(2, ge=0, le=2, description="Page slices sent beyond the two fold screenshots.")
    llm_input_token_budget: int = Field(
        8000, ge=2000, le=200_000, description="Estimated input tokens per request; slices shrink or drop to fit."
    )
    llm_image_max_tokens: int = Field(
        1600, ge=200, le=6000, description="Per-image cap (w x h / 750); Anthropic downscales larger images anyway."
    )
    llm_slice_min_edge_px: int = Field(
        480, ge=100, le=1568, description="A slice that would be shrunk below this long edge is dropped instead."
    )
    llm_jpeg_quality: int = Field(80, ge=30, le=95, description="JPEG quality of the images sent to Claude.")
    llm_digest_max_elements: int = Field(
        30, ge=0, le=500, description="Elements listed per device in the facts digest (cited and above-fold first)."
    )
    llm_digest_max_findings: int = Field(
        40, ge=0, le=500, description="Rule findings listed to Claude (most severe first) so it does not repeat them."
    )

    @property
    def llm_configured(self) -> bool:
        return self.anthropic_api_key is not None and bool(self.anthropic_api_key.get_secret_value())
