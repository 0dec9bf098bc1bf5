# Secret Manager holds every secret; the services read them as environment variables at start.
locals {
  secret_env = {
    "anthropic-api-key" = "ANTHROPIC_API_KEY"
    "api-keys"          = "API_KEYS"
    "webhook-secret"    = "WEBHOOK_SECRET"
    "redis-url"         = "REDIS_URL"
    "crux-api-key"      = "CRUX_API_KEY"
    "share-link-secret" = "SHARE_LINK_SECRET"
    "metrics-token"     = "METRICS_TOKEN"
  }
  secret_values = {
    "anthropic-api-key" = var.anthropic_api_key
    "api-keys"          = var.api_keys
    "webhook-secret"    = var.webhook_secret
    "redis-url"         = local.redis_url
    "crux-api-key"      = var.crux_api_key
    "share-link-secret" = var.share_link_secret
    "metrics-token"     = var.metrics_token
  }
  # Secret Manager refuses an empty secret: an optional one left empty gets no secret and no variable (the
  # setting stays unset, its feature off). Only whether it is set is revealed, never its value.
  unset_secrets = concat(
    nonsensitive(var.crux_api_key == "") ? ["crux-api-key"] : [],
    nonsensitive(var.share_link_secret == "") ? ["share-link-secret"] : [],
    nonsensitive(var.metrics_token == "") ? ["metrics-token"] : [],
  )
  stored_secret_env = { for key, name in local.secret_env : key => name if !contains(local.unset_secrets, key) }
}

resource "google_secret_manager_secret" "app" {
  for_each = local.stored_secret_env

  secret_id = "${var.name}-${each.key}"
  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "app" {
  for_each = local.stored_secret_env

  secret      = google_secret_manager_secret.app[each.key].id
  secret_data = local.secret_values[each.key]
}
