output "submit_url" {
  description = "POST {submit_url}/v1/analyses (API key)."
  value       = google_cloud_run_v2_service.app["submit"].uri
}

output "result_url" {
  description = "GET {result_url}/v1/analyses/{id} (API key)."
  value       = google_cloud_run_v2_service.app["result"].uri
}

output "analyze_task_url" {
  description = "Where Cloud Tasks delivers jobs; private (tasks service account only)."
  value       = local.analyze_task_url
}

output "image" {
  description = "The image every service runs; push it here before applying."
  value       = local.image
}

output "image_repository" {
  description = "docker push target without tag."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}/cro-analyzer"
}

output "queue" {
  description = "Cloud Tasks queue id."
  value       = google_cloud_tasks_queue.analyze.id
}
