# Three Cloud Run services from the one image; FUNCTION_TARGET picks the role (docker/entrypoint.sh). They
# share everything but what `local.services` says per role, so one resource builds all three.
#
# Sizing: submit and result are light async HTTP (many requests per instance); result prints report.pdf
# with Chromium on demand, hence its 1 GiB. analyze runs one Chromium per instance: 2 vCPU and 2 GiB hold
# MAX_CONCURRENT_PAGES pages, that is MAX_CONCURRENT_PAGES / 2 analyses (desktop + mobile each), which is
# its request concurrency; it is billed per request, the whole analysis running inside the Cloud Tasks
# request, and runs on the second generation for Chromium's full Linux syscall compatibility.

locals {
  public_secrets  = ["redis-url", "api-keys", "share-link-secret", "metrics-token"]
  analyze_secrets = ["redis-url", "anthropic-api-key", "webhook-secret", "crux-api-key", "share-link-secret", "metrics-token"]

  services = {
    submit = {
      name                  = "${var.name}-submit"
      ingress               = "INGRESS_TRAFFIC_ALL"
      custom_audiences      = []
      timeout               = "30s"
      concurrency           = 80
      execution_environment = null
      max_instances         = var.public_max_instances
      cpu                   = "1"
      memory                = "512Mi"
      startup_cpu_boost     = false
      env                   = {}
      secrets               = setsubtract(toset(local.public_secrets), local.unset_secrets)
    }
    result = {
      name                  = "${var.name}-result"
      ingress               = "INGRESS_TRAFFIC_ALL"
      custom_audiences      = []
      timeout               = "60s"
      concurrency           = 80
      execution_environment = null
      max_instances         = var.public_max_instances
      cpu                   = "1"
      memory                = "1Gi"
      startup_cpu_boost     = false
      env                   = {}
      secrets               = setsubtract(toset(local.public_secrets), local.unset_secrets)
    }
    # Only Cloud Tasks calls analyze (internal traffic from the same project), and only with a token of
    # the tasks service account, whose audience the service also accepts as a custom audience.
    analyze = {
      name                  = local.analyze_service_name
      ingress               = "INGRESS_TRAFFIC_INTERNAL_ONLY"
      custom_audiences      = [local.analyze_task_url]
      timeout               = "${var.analyze_request_timeout_s}s"
      concurrency           = local.analyze_concurrency
      execution_environment = "EXECUTION_ENVIRONMENT_GEN2"
      max_instances         = var.analyze_max_instances
      cpu                   = "2"
      memory                = "2Gi"
      startup_cpu_boost     = true
      env                   = { MAX_CONCURRENT_PAGES = tostring(var.max_concurrent_pages) }
      secrets               = setsubtract(toset(local.analyze_secrets), local.unset_secrets)
    }
  }
}

resource "google_cloud_run_v2_service" "app" {
  for_each = local.services

  name                = each.value.name
  location            = var.region
  ingress             = each.value.ingress
  custom_audiences    = each.value.custom_audiences
  deletion_protection = false

  template {
    service_account                  = google_service_account.runtime.email
    timeout                          = each.value.timeout
    max_instance_request_concurrency = each.value.concurrency
    execution_environment            = each.value.execution_environment

    scaling {
      min_instance_count = 0
      max_instance_count = each.value.max_instances
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
          cpu    = each.value.cpu
          memory = each.value.memory
        }
        cpu_idle          = true
        startup_cpu_boost = each.value.startup_cpu_boost
      }

      env {
        name  = "FUNCTION_TARGET"
        value = each.key
      }

      dynamic "env" {
        for_each = merge(local.common_env, each.value.env)
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = each.value.secrets
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

# Deployments made before the three services became one resource keep their services.
moved {
  from = google_cloud_run_v2_service.submit
  to   = google_cloud_run_v2_service.app["submit"]
}

moved {
  from = google_cloud_run_v2_service.result
  to   = google_cloud_run_v2_service.app["result"]
}

moved {
  from = google_cloud_run_v2_service.analyze
  to   = google_cloud_run_v2_service.app["analyze"]
}

# The task URL was computed, not read from the service (locals in main.tf): say so if Cloud Run disagrees.
check "analyze_url_is_deterministic" {
  assert {
    condition     = contains(google_cloud_run_v2_service.app["analyze"].urls, local.analyze_service_url)
    error_message = "analyze does not serve ${local.analyze_service_url}; set ANALYZE_URL and TASK_OIDC_AUDIENCE from its real URL."
  }
}

check "result_url_is_deterministic" {
  assert {
    condition     = var.public_base_url != "" || contains(google_cloud_run_v2_service.app["result"].urls, local.result_service_url)
    error_message = "result does not serve ${local.result_service_url}; set public_base_url to its real URL."
  }
}
