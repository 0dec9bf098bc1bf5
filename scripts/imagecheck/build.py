"""The image built with buildah on a stand-in for the Python base, made with debootstrap and kept in
podman's store under a name that changes with its recipe."""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
import time
from pathlib import Path

from imagecheck.tools import PODMAN_TIMEOUT_S, ULIMITS, ImageCheckError, Podman, run, say

STANDIN_REPOSITORY = "localhost/cro-analyzer-py-standin"
STANDIN_SUITE = "bookworm"
STANDIN_PACKAGES = ("python3", "python3-venv", "python-is-python3", "ca-certificates")
DEBIAN_MIRROR = "http://deb.debian.org/debian"
# The sources of Debian's bookworm images (python:*-slim-bookworm has them): updates and security too.
STANDIN_SOURCES = """\
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""
# Read by pip and apt inside the build where the host has them (a TLS-inspecting proxy's CA, say).
BUILD_MOUNTS = (("/etc/ssl/certs", "/etc/ssl/certs"), ("/etc/pip.conf", "/etc/pip.conf"))
DEBOOTSTRAP_TIMEOUT_S = 900.0
BUILD_TIMEOUT_S = 1800.0
BUILD_LABEL = "cro-analyzer.image-check.build"  # on every layer this script builds, and nothing else


def standin_reference() -> str:
    recipe = json.dumps([STANDIN_SUITE, STANDIN_PACKAGES, DEBIAN_MIRROR, STANDIN_SOURCES])
    return f"{STANDIN_REPOSITORY}:{STANDIN_SUITE}-{hashlib.sha256(recipe.encode()).hexdigest()[:12]}"


def ensure_standin(podman: Podman, *, rebuild: bool) -> tuple[str, str]:
    """The stand-in base's reference, and how it was had ("cached" or the time it took to make)."""
    reference = standin_reference()
    if podman.image_exists(reference) and not rebuild:
        return reference, "cached in podman's store"
    started = time.monotonic()
    say(f"making the stand-in base {reference} (debootstrap {STANDIN_SUITE}, {' '.join(STANDIN_PACKAGES)})")
    with tempfile.TemporaryDirectory(prefix="cro-standin-", dir="/var/tmp") as scratch:
        rootfs = Path(scratch) / "rootfs"
        run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(STANDIN_PACKAGES)}",
                STANDIN_SUITE,
                str(rootfs),
                DEBIAN_MIRROR,
            ],
            timeout=DEBOOTSTRAP_TIMEOUT_S,
        )
        (rootfs / "etc" / "apt" / "sources.list").unlink(missing_ok=True)
        (rootfs / "etc" / "apt" / "sources.list.d" / "debian.sources").write_text(STANDIN_SOURCES, encoding="utf-8")
        for leftover in ("var/lib/apt/lists", "var/cache/apt/archives"):
            for path in (rootfs / leftover).glob("*"):
                if path.is_file():
                    path.unlink()
        with subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE) as tar:
            imported = subprocess.run(
                ["podman", "import", "--change", "ENV LANG=C.UTF-8", "--change", 'CMD ["python3"]', "-", reference],
                stdin=tar.stdout,
                capture_output=True,
                timeout=PODMAN_TIMEOUT_S,
                env=podman.env,
                check=False,
            )
        if imported.returncode != 0 or tar.returncode != 0:
            raise ImageCheckError(f"podman import failed:\n{imported.stderr.decode(errors='replace')}")
    for stale in podman("images", "--format", "{{.Repository}}:{{.Tag}}", STANDIN_REPOSITORY).split():
        if stale != reference:
            podman.quietly("rmi", stale)
    return reference, f"made in {time.monotonic() - started:.0f} s"


def build_image(podman: Podman, base: str, image: str, context: Path, log_path: Path, *, no_cache: bool) -> float:
    """Builds `image` from the Dockerfile in `context` on `base`; the seconds it took.

    The builder stage is tagged too (`image`-builder, from the layers just built), so that its layers are
    not dangling; the dangling images this script's earlier builds left (by their label) are then
    removed, which keeps the layer cache to one build's worth however often the code changes.
    """
    mounts = [f"{host}:{inside}:ro" for host, inside in BUILD_MOUNTS if Path(host).exists()]

    def bud(*options: str) -> list[str]:
        return [
            *("buildah", "bud", "--format", "docker", "--layers", "--runtime", "runc"),
            *(option for limit in ULIMITS for option in ("--ulimit", limit)),
            *("--label", f"{BUILD_LABEL}=1", "--build-arg", f"PYTHON_IMAGE={base}"),
            *(option for mount in mounts for option in ("--volume", mount)),
            *options,
            *("--file", str(context / "Dockerfile"), str(context)),
        ]

    say(f"building {image} (log: {log_path})")
    started = time.monotonic()
    with log_path.open("wb") as log:
        for command in (
            bud(*(["--no-cache"] if no_cache else []), "--tag", image),
            bud("--target", "builder", "--tag", f"{image}-builder"),
        ):
            result = subprocess.run(
                command, stdout=log, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT_S, env=podman.env, check=False
            )
            if result.returncode != 0:
                tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
                raise ImageCheckError("the build failed:\n" + "\n".join(tail))
    seconds = time.monotonic() - started
    podman("image", "prune", "--force", "--filter", f"label={BUILD_LABEL}")
    return seconds
