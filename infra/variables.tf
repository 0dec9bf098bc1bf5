# Defaults that mirror shared/config.py (Settings) are asserted equal by tests/test_deploy_terraform.py,
# so a change on either side fails loudly instead of drifting.

variable "project_id" {
  type        = string
  description = "Google Cloud project that hosts everything."
}

variable "region" {
  type        = string
  default     = "europe-west1"
  description = "Region of the services, the queue, the registry and Memorystore."
}

variable "name" {
  type        = string
  default     = "cro"
  description = "Prefix of every resource name (services are <name>-submit, <name>-analyze, <name>-result)."
}

variable "image_tag" {
  type        = string
  description = "Tag of the cro-analyzer image in the Artifact Registry repository (e.g. the git commit)."

  validation {
    condition     = var.image_tag != "latest" && length(var.image_tag) > 0
    error_message = "Deploy an immutable tag (the git commit), not latest: a revision must say what it runs."
  }
}

# --- secrets: stored in Secret Manager; the values also land in the Terraform state, keep it private ---

variable "anthropic_api_key" {
  type        = string
  sensitive   = true
  description = "Claude API key (ANTHROPIC_API_KEY) for the analyze service."
}

variable "api_keys" {
  type        = string
  sensitive   = true
  description = "Comma-separated API keys (API_KEYS) that protect the public submit and result services."

  validation {
    condition     = length(trimspace(var.api_keys)) > 0
    error_message = "submit and result are publicly reachable: they need at least one API key."
  }
}

variable "webhook_secret" {
  type        = string
  sensitive   = true
  description = "Standard Webhooks signing secret (WEBHOOK_SECRET) for callbacks, whsec_<base64> or raw."
}

variable "crux_api_key" {
  type        = string
  sensitive   = true
  default     = ""
  description = "Chrome UX Report API key (CRUX_API_KEY) for field data in the analyze service; empty = no field data."
}

variable "share_link_secret" {
  type        = string
  sensitive   = true
  default     = ""
  description = "Key of share links (SHARE_LINK_SECRET): reports opened without an API key; empty = no share links."
}

variable "metrics_token" {
  type        = string
  sensitive   = true
  default     = ""
  description = "Bearer token every service's /metrics requires (METRICS_TOKEN); empty = /metrics open."
}

# --- Redis: an external URL, or Memorystore created here ---

variable "redis_url" {
  type        = string
  sensitive   = true
  default     = null
  description = "External Redis URL (REDIS_URL). Leave null and set memorystore = true to create one."
}

variable "memorystore" {
  type        = bool
  default     = false
  description = "Create a Memorystore for Redis instance and reach it through Direct VPC egress."

  validation {
    condition     = var.memorystore != (var.redis_url != null)
    error_message = "Set exactly one of redis_url and memorystore = true."
  }
}

variable "memorystore_size_gb" {
  type        = number
  default     = 1
  description = "Memorystore capacity. Reports and screenshots expire after RESULT_TTL_S (72 h)."
}

variable "network" {
  type        = string
  default     = "default"
  description = "VPC network of Memorystore and of the services' Direct VPC egress."
}

variable "subnetwork" {
  type        = string
  default     = "default"
  description = "Subnetwork in var.region the services' Direct VPC egress uses."
}

# --- the analysis budget (Settings: analysis_timeout_s < lease_s < dispatch_deadline_s <= Cloud Run timeout) ---

variable "analysis_timeout_s" {
  type        = number
  default     = 180
  description = "ANALYSIS_TIMEOUT_S: hard limit of one analysis."
}

variable "lease_s" {
  type        = number
  default     = 240
  description = "LEASE_S: how long one attempt owns a job; must exceed analysis_timeout_s."

  validation {
    condition     = var.lease_s > var.analysis_timeout_s
    error_message = "lease_s must exceed analysis_timeout_s, or a running attempt could lose its lease."
  }
}

variable "dispatch_deadline_s" {
  type        = number
  default     = 600
  description = "DISPATCH_DEADLINE_S: how long Cloud Tasks waits for the analyze response (15..1800 s); must exceed lease_s."

  validation {
    condition     = var.dispatch_deadline_s > var.lease_s && var.dispatch_deadline_s <= 1800
    error_message = "dispatch_deadline_s must exceed lease_s (else Cloud Tasks delivers a job again while its attempt still holds the lease, spending an attempt for nothing) and stay <= 1800."
  }
}

variable "analyze_request_timeout_s" {
  type        = number
  default     = 600
  description = "Cloud Run request timeout of analyze; at least the dispatch deadline so Cloud Tasks, not Cloud Run, ends a slow delivery."

  validation {
    condition     = var.analyze_request_timeout_s >= var.dispatch_deadline_s && var.analyze_request_timeout_s <= 3600
    error_message = "analyze_request_timeout_s must be >= dispatch_deadline_s and <= 3600."
  }
}

# --- retries and rate (Cloud Tasks queue; Settings: max_attempts, retry_backoff_s, retry_backoff_max_s) ---

variable "max_attempts" {
  type        = number
  default     = 3
  description = "MAX_ATTEMPTS and the queue's max attempts (first delivery included): the last one marks the job failed."
}

variable "retry_min_backoff_s" {
  type        = number
  default     = 2
  description = "RETRY_BACKOFF_S and the queue's min backoff."
}

variable "retry_max_backoff_s" {
  type        = number
  default     = 60
  description = "RETRY_BACKOFF_MAX_S and the queue's max backoff."
}

variable "queue_max_dispatches_per_second" {
  type        = number
  default     = 2
  description = "Analyses started per second at most; bounds the load sent to analysed sites and to Claude."
}

# --- capacity ---

variable "max_concurrent_pages" {
  type        = number
  default     = 4
  description = "MAX_CONCURRENT_PAGES: pages open at once in one analyze instance's Chromium."
}

variable "analyze_max_instances" {
  type        = number
  default     = 10
  description = "Most analyze instances; with the per-instance concurrency it sets the queue's max concurrent dispatches."
}

variable "public_max_instances" {
  type        = number
  default     = 5
  description = "Most instances of submit and of result each."
}

variable "log_level" {
  type        = string
  default     = "INFO"
  description = "LOG_LEVEL of every service."
}

variable "public_base_url" {
  description = "Base of the links in answers and webhooks (e.g. a custom domain routing to submit and result); empty = the result service's URL."
  type        = string
  default     = ""
}
