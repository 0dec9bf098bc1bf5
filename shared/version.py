"""The analyser's version, part of every report and of the cache fingerprint."""

from importlib.metadata import PackageNotFoundError, version

try:
    ANALYZER_VERSION = version("cro-analyzer")
except PackageNotFoundError:  # running from a source tree that was never installed
    ANALYZER_VERSION = "0+unknown"
