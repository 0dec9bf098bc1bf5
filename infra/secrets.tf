# Secret Manager holds every secret; the services read them as environment variables at start.
locals {
  secret_env = {
    "anthropic-api-key" = "ANTHROPIC_API_KEY"
    "api-keys"          = "API_KEYS"
    "webhook-secret"    = "WEBHOOK_SECRET"
    "redis-url"         = "REDIS_URL"
  }
  secret_values = {
    "anthropic-api-key" = var.anthropic_api_key
    "api-keys"          = var.api_keys
    "webhook-secret"    = var.webhook_secret
    "redis-url"         = local.redis_url
  }
}

resource "google_secret_manager_secret" "app" {
  for_each = local.secret_env

  secret_id = "${var.name}-${each.key}"
  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "app" {
  for_each = local.secret_env

  secret      = google_secret_manager_secret.app[each.key].id
  secret_data = local.secret_values[each.key]
}
