terraform {
  # 1.9: cross-variable validation, used to keep the timeouts of the analysis budget consistent.
  required_version = ">= 1.9"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 7.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
