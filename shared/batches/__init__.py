"""Batches: many pages analysed as ordinary jobs and summed up as a site (model, sitemap reading, page
selection, progress, summary, store, view); the use cases are in shared.sites."""
