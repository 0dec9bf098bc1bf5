"""The analyser's version and its rules' version, both part of every report and of the cache fingerprint."""

from importlib.metadata import PackageNotFoundError, version

try:
    ANALYZER_VERSION = version("cro-analyzer")
except PackageNotFoundError:  # running from a source tree that was never installed
    ANALYZER_VERSION = "0+unknown"

# Bump whenever a rule, threshold, wording, category, severity or formula changes (tests/test_rules_catalogue.py
# fails until the new catalogue's fingerprint is recorded for it). Here, not in shared.rules, so the cache
# fingerprint can name it without loading the catalogue.
RULES_VERSION = "1.2.0"
