# Redis holds job records, reports, leases and caches (DESIGN.md section 5): an external URL, or a
# Memorystore instance reached through Direct VPC egress (services.tf).
resource "google_redis_instance" "store" {
  count = var.memorystore ? 1 : 0

  name               = "${var.name}-store"
  region             = var.region
  tier               = "BASIC"
  memory_size_gb     = var.memorystore_size_gb
  redis_version      = "REDIS_7_2"
  authorized_network = "projects/${var.project_id}/global/networks/${var.network}"
  auth_enabled       = true

  # Never evict: every key has its own TTL, and an evicted lease or job record would lose work silently.
  # A full instance answers writes with an error (submit -> 503), which is loud and recoverable.
  redis_configs = {
    "maxmemory-policy" = "noeviction"
  }

  depends_on = [google_project_service.apis]
}

locals {
  redis_url = var.memorystore ? "redis://:${google_redis_instance.store[0].auth_string}@${google_redis_instance.store[0].host}:${google_redis_instance.store[0].port}/0" : var.redis_url
}
