"""The installed package (what the container image runs) holds every module and asset of the source tree."""

from __future__ import annotations

from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent


def test_every_python_directory_under_shared_is_a_package_setuptools_finds() -> None:
    found = set(find_packages(where=str(ROOT), include=["shared*"]))
    with_modules = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "shared").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert with_modules <= found, f"not packaged (add __init__.py): {sorted(with_modules - found)}"


def test_package_data_globs_cover_every_asset() -> None:
    """pyproject's package-data globs ship the in-page scripts and report templates."""
    assets = [p for p in (ROOT / "shared").rglob("*") if p.is_file() and p.suffix in {".js", ".j2", ".css", ".html"}]
    assert assets, "the capture scripts and report templates should exist"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    missing = sorted({p.suffix for p in assets if f'"**/*{p.suffix}"' not in pyproject})
    assert not missing, f"package-data lacks globs for {missing}"
