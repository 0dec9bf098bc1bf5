# Three Cloud Run services from the one image; FUNCTION_TARGET picks the role (docker/entrypoint.sh).
#
# Sizing: submit and result are light async HTTP (many requests per instance). analyze runs one Chromium
# per instance: 2 vCPU and 2 GiB hold MAX_CONCURRENT_PAGES pages, that is MAX_CONCURRENT_PAGES / 2
# analyses (desktop + mobile each), which is its request concurrency.

locals {
  public_secrets  = ["redis-url", "api-keys", "share-link-secret", "metrics-token"]
  analyze_secrets = ["redis-url", "anthropic-api-key", "webhook-secret", "crux-api-key", "share-link-secret", "metrics-token"]
}

resource "google_cloud_run_v2_service" "submit" {
  name                = "${var.name}-submit"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = false

  template {
    service_account                  = google_service_account.runtime.email
    timeout                          = "30s"
    max_instance_request_concurrency = 80

    scaling {
      min_instance_count = 0
      max_instance_count = var.public_max_instances
    }

    dynamic "vpc_access" {
      for_each = var.memorystore ? [var.network] : []
      content {
        egress = "PRIVATE_RANGES_ONLY"
        network_interfaces {
          network    = var.network
          subnetwork = var.subnetwork
        }
      }
    }

    containers {
      image = local.image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        cpu_idle = true
      }

      env {
        name  = "FUNCTION_TARGET"
        value = "submit"
      }

      dynamic "env" {
        for_each = local.common_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = setsubtract(toset(local.public_secrets), local.unset_secrets)
        content {
          name = local.secret_env[env.value]
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.app[env.value].secret_id
              version = "latest"
            }
          }
        }
      }

      startup_probe {
        http_get {
          path = "/healthz"
        }
      }

      liveness_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds = 30
      }
    }
  }

  depends_on = [google_secret_manager_secret_version.app, google_secret_manager_secret_iam_member.runtime_reads_secrets]
}

resource "google_cloud_run_v2_service" "result" {
  name                = "${var.name}-result"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = false

  template {
    service_account                  = google_service_account.runtime.email
    timeout                          = "60s"
    max_instance_request_concurrency = 80

    scaling {
      min_instance_count = 0
      max_instance_count = var.public_max_instances
    }

    dynamic "vpc_access" {
      for_each = var.memorystore ? [var.network] : []
      content {
        egress = "PRIVATE_RANGES_ONLY"
        network_interfaces {
          network    = var.network
          subnetwork = var.subnetwork
        }
      }
    }

    containers {
      image = local.image

      ports {
        container_port = 8080
      }

      # 1 GiB: report.pdf is printed by Chromium on demand.
      resources {
        limits = {
          cpu    = "1"
          memory = "1Gi"
        }
        cpu_idle = true
      }

      env {
        name  = "FUNCTION_TARGET"
        value = "result"
      }

      dynamic "env" {
        for_each = local.common_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = setsubtract(toset(local.public_secrets), local.unset_secrets)
        content {
          name = local.secret_env[env.value]
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.app[env.value].secret_id
              version = "latest"
            }
          }
        }
      }

      startup_probe {
        http_get {
          path = "/healthz"
        }
      }

      liveness_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds = 30
      }
    }
  }

  depends_on = [google_secret_manager_secret_version.app, google_secret_manager_secret_iam_member.runtime_reads_secrets]
}

resource "google_cloud_run_v2_service" "analyze" {
  name                = local.analyze_service_name
  location            = var.region
  deletion_protection = false
  # Only Cloud Tasks calls it (internal traffic from the same project); and only with a token of the
  # tasks service account, whose audience the service also accepts as a custom audience.
  ingress          = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  custom_audiences = [local.analyze_task_url]

  template {
    service_account                  = google_service_account.runtime.email
    timeout                          = "${var.analyze_request_timeout_s}s"
    max_instance_request_concurrency = local.analyze_concurrency
    # Second generation: full Linux syscall compatibility for Chromium.
    execution_environment = "EXECUTION_ENVIRONMENT_GEN2"

    scaling {
      min_instance_count = 0
      max_instance_count = var.analyze_max_instances
    }

    dynamic "vpc_access" {
      for_each = var.memorystore ? [var.network] : []
      content {
        # Only private ranges go through the VPC: the analysed pages are on the internet, and netguard
        # refuses private addresses to the browser anyway.
        egress = "PRIVATE_RANGES_ONLY"
        network_interfaces {
          network    = var.network
          subnetwork = var.subnetwork
        }
      }
    }

    containers {
      image = local.image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = "2"
          memory = "2Gi"
        }
        # Billed per request: the whole analysis runs inside the Cloud Tasks request.
        cpu_idle          = true
        startup_cpu_boost = true
      }

      env {
        name  = "FUNCTION_TARGET"
        value = "analyze"
      }

      env {
        name  = "MAX_CONCURRENT_PAGES"
        value = tostring(var.max_concurrent_pages)
      }

      dynamic "env" {
        for_each = local.common_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = setsubtract(toset(local.analyze_secrets), local.unset_secrets)
        content {
          name = local.secret_env[env.value]
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.app[env.value].secret_id
              version = "latest"
            }
          }
        }
      }

      startup_probe {
        http_get {
          path = "/healthz"
        }
      }

      liveness_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds = 30
      }
    }
  }

  depends_on = [google_secret_manager_secret_version.app, google_secret_manager_secret_iam_member.runtime_reads_secrets]
}

# The task URL was computed, not read from the service (locals in main.tf): say so if Cloud Run disagrees.
check "analyze_url_is_deterministic" {
  assert {
    condition     = contains(google_cloud_run_v2_service.analyze.urls, local.analyze_service_url)
    error_message = "analyze does not serve ${local.analyze_service_url}; set ANALYZE_URL and TASK_OIDC_AUDIENCE from its real URL."
  }
}

check "result_url_is_deterministic" {
  assert {
    condition     = var.public_base_url != "" || contains(google_cloud_run_v2_service.result.urls, local.result_service_url)
    error_message = "result does not serve ${local.result_service_url}; set public_base_url to its real URL."
  }
}
