"""The original service's routes, so n8n workflows built for it keep working unchanged.

The original (FastAPI + Celery) answered `POST /analyze/async` with a Celery task id and let callers poll
`/analyze/status/{task_id}` for Celery states (PENDING, PROGRESS, SUCCESS, FAILURE; REVOKED is a canceled
job) and read `/analyze/result/{task_id}`; its result listed `issues` (title, description, recommendation,
screenshot_base64) and, with `deep_info`, summary, scores and a conversion-uplift estimate. These routes
keep those field and state names and status codes, on top of the same jobs as `/v1/analyses`.
"""
