"""Two analyses side by side: score deltas, and findings new, resolved or persisting between them."""
