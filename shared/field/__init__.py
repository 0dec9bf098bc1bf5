"""Field data: what real Chrome users of a page experienced, from the Chrome UX Report API."""
