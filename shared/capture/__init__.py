"""Chromium capture: one browser per process, budgeted page loads, facts, metrics and screenshots."""
