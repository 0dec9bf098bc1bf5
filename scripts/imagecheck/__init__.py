"""The parts of `make image-check` (scripts/image_check.py)."""
