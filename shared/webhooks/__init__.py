"""Signed callbacks: when a job with `callback_url` ends, its JobView is POSTed, signed per Standard Webhooks."""

from shared.webhooks.sender import WebhookResult, send_job_webhook

__all__ = ["WebhookResult", "send_job_webhook"]
