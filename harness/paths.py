"""Where the repository's pages are: the corpus of real templates and the fixture pages the tests wrote."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TESTS_DIR = REPO_ROOT / "tests"
CORPUS_DIR = TESTS_DIR / "corpus"
FIXTURE_PAGES_DIR = TESTS_DIR / "pages"
