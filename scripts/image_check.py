"""`make image-check`: builds the image and proves that it analyses pages, on a machine without Docker.

1. A stand-in for the Python base, since Docker Hub is out of reach: `debootstrap --variant=minbase
   bookworm` with python3, python3-venv, python-is-python3 and ca-certificates, with the apt sources of
   the python:*-bookworm images, imported into podman's store. It stays there, named after its recipe, and
   is made again when it is missing. The Dockerfile's own base stays the default for real builds.
2. `buildah bud --format docker` (the OCI format drops HEALTHCHECK) with the stand-in as PYTHON_IMAGE. The
   host's CA bundle and /etc/pip.conf are mounted for the build only, so pip inside it reaches PyPI the
   way pip does here; nothing of them is baked into the image.
3. podman runs the image (runc and cgroupfs, from this script's own containers.conf), on the host network
   beside a redis-server, the Cloud Tasks emulator and a loopback page server of its own:
   - the Render layout (gateway + worker) and the Cloud Run layout (submit + analyze + result, the
     emulator pushing to analyze) each analyse the page to `succeeded` and serve report.html and report.pdf;
   - every role starts through the entrypoint from FUNCTION_TARGET, as the platforms start it, runs as a
     non-root user, answers /healthz and /readyz, passes the image's HEALTHCHECK, and exits 0 within
     STOP_TIMEOUT_S of SIGTERM;
   - the analysing container's peak memory during the analysis is read from its memory cgroup.

It stops at the first thing that fails, with that container's log, and removes what it started on any
exit (Ctrl-C and SIGTERM included). Needs root (buildah, podman, debootstrap); installs those, runc and
redis-server with apt-get when they are missing.

    python scripts/image_check.py [--no-cache] [--rebuild-base]
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from imagecheck.build import build_image, ensure_standin
from imagecheck.host import HostServices
from imagecheck.roles import IMAGE, LABEL, Analysis, RoleResult, analyse, cloud_run_layout, render_layout
from imagecheck.tools import ImageCheckError, Podman, ensure_tools, say

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "out" / "image-check"  # the build's and the host services' logs, kept after a failure


def remove_leftovers(podman: Podman) -> None:
    """Containers an interrupted earlier run of this script left (found by its label, nothing else)."""
    for name in podman("ps", "--all", "--filter", f"label={LABEL}", "--format", "{{.Names}}").split():
        podman.quietly("rm", "--force", "--time", "0", name)


def image_size(podman: Podman) -> int:
    return int(podman("image", "inspect", "--format", "{{.Size}}", IMAGE).strip())


def check(args: argparse.Namespace, work: Path) -> list[str]:
    ensure_tools()
    podman = Podman(work)
    remove_leftovers(podman)
    base, base_how = ensure_standin(podman, rebuild=args.rebuild_base)
    say(f"stand-in base {base} ({base_how})")
    build_s = build_image(podman, base, IMAGE, ROOT, work / "build.log", no_cache=args.no_cache)
    size = image_size(podman)
    say(f"built {IMAGE} in {build_s:.0f} s, {size / 1e9:.2f} GB")
    healthcheck = podman("image", "inspect", "--format", "{{json .Config.Healthcheck.Test}}", IMAGE).strip()
    if "/app/docker/healthcheck.py" not in healthcheck:
        raise ImageCheckError(f"the image carries no HEALTHCHECK ({healthcheck}): build with --format docker")

    services = HostServices(work)
    run_id = secrets.token_hex(3)
    analyses: list[Analysis] = []
    roles: list[RoleResult] = []
    try:
        services.start()
        for layout, submitter, analyser in (
            (render_layout(podman, run_id, services), "gateway", "worker"),
            (cloud_run_layout(podman, run_id, services), "submit", "analyze"),
        ):
            say(f"{layout.name}: starting")
            with layout.running():
                analysis = analyse(layout.name, layout.role(submitter).url, services.page_url, layout.role(analyser))
                analyses.append(analysis)
                say(f"{layout.name}: succeeded in {analysis.seconds:.1f} s; stopping each role with SIGTERM")
            roles.extend(layout.results)
    finally:
        services.stop()
    return summary(build_s, size, base_how, analyses, roles)


def summary(build_s: float, size: int, base_how: str, analyses: list[Analysis], roles: list[RoleResult]) -> list[str]:
    lines = [
        f"image      {IMAGE}: built in {build_s:.0f} s with buildah (stand-in base {base_how}), {size / 1e9:.2f} GB",
    ]
    for analysis in analyses:
        lines.append(
            f"analysed   {analysis.layout}: the loopback page reached succeeded in {analysis.seconds:.1f} s; "
            f"report.html ({analysis.html_bytes / 1024:.0f} KiB) and report.pdf ({analysis.pdf_bytes / 1024:.0f} KiB) "
            "served"
        )
    for analysis in analyses:
        lines.append(f"memory     {analysis.analyser} container, one analysis: {analysis.memory}")
    for result in roles:
        browser = f", /readyz browser={result.ready.get('browser')}" if result.ready else ""
        lines.append(
            f"role       {result.role}: through the entrypoint from FUNCTION_TARGET, as {result.users} (not root), "
            f"HEALTHCHECK passed{browser}, SIGTERM -> exit {result.exit_code} in {result.stop_s:.1f} s"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-cache", action="store_true", help="build every layer again (a cold build)")
    parser.add_argument("--rebuild-base", action="store_true", help="make the stand-in base again")
    args = parser.parse_args(argv)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    started = time.monotonic()
    shutil.rmtree(LOG_DIR, ignore_errors=True)
    LOG_DIR.mkdir(parents=True)
    try:
        lines = check(args, LOG_DIR)
    except ImageCheckError as failure:
        say(f"FAILED: {failure}")
        return 1
    except KeyboardInterrupt:
        say("interrupted; what it started is removed")
        return 130
    say(f"proved, in {time.monotonic() - started:.0f} s:")
    for line in lines:
        print(f"  {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
