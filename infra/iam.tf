# Two identities: the services run as `runtime`; Cloud Tasks signs its OIDC tokens as `tasks`, the only
# identity allowed to invoke analyze.

resource "google_service_account" "runtime" {
  account_id   = "${var.name}-runtime"
  display_name = "CRO Analyzer services (submit, analyze, result)"
}

resource "google_service_account" "tasks" {
  account_id   = "${var.name}-tasks"
  display_name = "CRO Analyzer Cloud Tasks invoker"
}

resource "google_cloud_run_v2_service_iam_member" "analyze_tasks_invoker" {
  location = google_cloud_run_v2_service.app["analyze"].location
  name     = google_cloud_run_v2_service.app["analyze"].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.tasks.email}"
}

# submit and result are public on purpose: n8n and curl call them; API_KEYS protects them.
resource "google_cloud_run_v2_service_iam_member" "submit_public" {
  location = google_cloud_run_v2_service.app["submit"].location
  name     = google_cloud_run_v2_service.app["submit"].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloud_run_v2_service_iam_member" "result_public" {
  location = google_cloud_run_v2_service.app["result"].location
  name     = google_cloud_run_v2_service.app["result"].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# submit enqueues; creating a task that carries an OIDC token of `tasks` requires acting as it.
resource "google_cloud_tasks_queue_iam_member" "runtime_enqueuer" {
  location = google_cloud_tasks_queue.analyze.location
  name     = google_cloud_tasks_queue.analyze.name
  role     = "roles/cloudtasks.enqueuer"
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_service_account_iam_member" "runtime_acts_as_tasks" {
  service_account_id = google_service_account.tasks.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_secret_manager_secret_iam_member" "runtime_reads_secrets" {
  for_each = google_secret_manager_secret.app

  secret_id = each.value.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}
