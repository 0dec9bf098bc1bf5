data "google_project" "this" {
  project_id = var.project_id
}

locals {
  apis = concat(
    ["run.googleapis.com", "cloudtasks.googleapis.com", "artifactregistry.googleapis.com", "secretmanager.googleapis.com", "iam.googleapis.com"],
    var.memorystore ? ["redis.googleapis.com", "compute.googleapis.com"] : [],
  )

  image = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}/cro-analyzer:${var.image_tag}"

  # Cloud Run's deterministic URL (https://SERVICE-PROJECT_NUMBER.REGION.run.app) is known before the
  # service exists, so submit and analyze itself can be told the task URL without a dependency cycle.
  # The check block in services.tf confirms the deployed service really answers on it.
  analyze_service_name = "${var.name}-analyze"
  analyze_service_url  = "https://${local.analyze_service_name}-${data.google_project.this.number}.${var.region}.run.app"
  analyze_task_url     = "${local.analyze_service_url}/v1/tasks/analyze"
  # Links in answers and webhooks point at the result service (submit serves no GET), unless a custom
  # domain in front of both is given.
  result_service_url = "https://${var.name}-result-${data.google_project.this.number}.${var.region}.run.app"
  public_base_url    = var.public_base_url != "" ? var.public_base_url : local.result_service_url

  # One analysis opens one page per device (desktop + mobile): two pages each.
  analyze_concurrency = max(1, floor(var.max_concurrent_pages / 2))

  # Every service reads the same Settings, validated at start; QUEUE_BACKEND=cloudtasks needs the queue and
  # the task URL everywhere, and the budget must be the same where jobs are queued and where they run.
  common_env = {
    QUEUE_BACKEND               = "cloudtasks"
    CLOUD_TASKS_PROJECT         = var.project_id
    CLOUD_TASKS_LOCATION        = var.region
    CLOUD_TASKS_QUEUE           = google_cloud_tasks_queue.analyze.name
    CLOUD_TASKS_SERVICE_ACCOUNT = google_service_account.tasks.email
    ANALYZE_URL                 = local.analyze_task_url
    TASK_OIDC_AUDIENCE          = local.analyze_task_url
    PUBLIC_BASE_URL             = local.public_base_url
    ANALYSIS_TIMEOUT_S          = tostring(var.analysis_timeout_s)
    LEASE_S                     = tostring(var.lease_s)
    DISPATCH_DEADLINE_S         = tostring(var.dispatch_deadline_s)
    MAX_ATTEMPTS                = tostring(var.max_attempts)
    RETRY_BACKOFF_S             = tostring(var.retry_min_backoff_s)
    RETRY_BACKOFF_MAX_S         = tostring(var.retry_max_backoff_s)
    LOG_LEVEL                   = var.log_level
  }
}

resource "google_project_service" "apis" {
  for_each = toset(local.apis)

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = "${var.name}-analyzer"
  format        = "DOCKER"
  description   = "The one cro-analyzer image every service runs."

  cleanup_policies {
    id     = "delete-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "604800s"
    }
  }

  depends_on = [google_project_service.apis]
}
