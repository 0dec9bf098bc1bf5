"""Site analyses: the batch use cases over the job service (`shared.batches` holds what the service itself
needs when a page job ends, so the service never imports this package)."""
