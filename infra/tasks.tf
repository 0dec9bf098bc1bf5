# The queue between submit and analyze: at-least-once delivery, retried with backoff (DESIGN.md section 10).
# The dispatch deadline is per task: submit sets it from DISPATCH_DEADLINE_S when it creates the task.
resource "google_cloud_tasks_queue" "analyze" {
  name     = "${var.name}-analyze"
  location = var.region

  rate_limits {
    max_dispatches_per_second = var.queue_max_dispatches_per_second
    # Exactly what the analyze services can hold at once: beyond it Cloud Run would answer 429 and burn
    # attempts on deliveries that never ran.
    max_concurrent_dispatches = var.analyze_max_instances * local.analyze_concurrency
  }

  retry_config {
    max_attempts  = var.max_attempts
    min_backoff   = "${var.retry_min_backoff_s}s"
    max_backoff   = "${var.retry_max_backoff_s}s"
    max_doublings = 5
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }

  depends_on = [google_project_service.apis]
}
