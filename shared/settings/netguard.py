"""The egress policy every connection for a tenant goes through: which private hosts are allowed (tests,
demos), and the bounds on DNS and connections."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.settings.types import CommaList


class NetguardSettings(BaseModel):
    allowed_private_hosts: CommaList = Field(
        default_factory=list,
        description="host:port pairs the browser and webhooks may reach although they are not public "
        "(tests, local demos). Comma-separated.",
    )
    dns_timeout_s: float = Field(
        5.0,
        gt=0,
        le=60,
        description="Budget for resolving one host name, a wait for a lookup slot included; a name with no "
        "answer by then fails as a transient error.",
    )
    egress_max_dns_lookups: int = Field(
        8,
        ge=1,
        le=256,
        description="DNS lookups one egress session (a browser context, a webhook) may have in flight; more "
        "wait for a slot within DNS_TIMEOUT_S.",
    )
    dns_lookups_per_key: int = Field(
        4,
        ge=1,
        le=256,
        description="DNS lookups the submits of one API key (url, callback_url) may have in flight; more wait "
        "for a slot within DNS_TIMEOUT_S, then answer 503.",
    )
    egress_handshake_timeout_s: float = Field(
        5.0, gt=0, le=60, description="A client of the egress proxy that sends no complete request by then is dropped."
    )
    egress_max_connections: int = Field(
        64, ge=1, le=1024, description="Connections one egress session (a browser context, a webhook) may hold open."
    )
    egress_max_refusals_logged: int = Field(
        1000, ge=10, le=100_000, description="Refusals one egress session remembers (the latest ones)."
    )
