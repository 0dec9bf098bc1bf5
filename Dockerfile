# syntax=docker/dockerfile:1
# One image for every role of CRO Analyzer (DESIGN.md section 3): FUNCTION_TARGET, or the first argument,
# picks gateway | submit | analyze | result | worker (docker/entrypoint.sh). Cloud Run runs three services
# from it (infra/), Render a web service and a worker (render.yaml).
#
#   docker build -t cro-analyzer .
#   docker run --rm -p 8080:8080 cro-analyzer                        # gateway, embedded store
#   docker run --rm -e REDIS_URL=redis://... -e QUEUE_BACKEND=redis cro-analyzer worker
#
# The base image is pinned by version. Pin it by digest too (python:3.11.14-slim-bookworm@sha256:...) once
# a registry can be asked for it: the machine this file was written on could not reach Docker Hub.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# No compiler, in this stage either: every package of the lock ships a manylinux wheel for amd64 and for
# arm64 (docker/lock.py hashes both and fails on a package that has none), and --only-binary=:all: makes
# pip refuse to build one from source rather than reach for a toolchain that is not here.
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Dependencies first, from the lock (docker/lock.py), so code changes reuse this layer. Hashes make pip
# take exactly the locked files and --no-deps nothing else: a dependency the lock lacks (one behind a
# marker that only this interpreter meets) fails `pip check` instead of arriving unpinned.
COPY docker/requirements.lock docker/requirements.lock
RUN pip install --no-cache-dir --require-hashes --no-deps --only-binary=:all: --requirement docker/requirements.lock

# The build backend (setuptools, pinned in pyproject.toml) comes from the lock too: no build isolation,
# which would fetch it unhashed.
COPY pyproject.toml README.md ./
COPY shared ./shared
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
    && pip check

FROM ${PYTHON_IMAGE} AS runtime

# Debian's Chromium headless shell rather than Playwright's download: apt brings the exact system
# libraries it needs and its security updates, and it is the browser the test suite runs against
# (CHROMIUM_PATH below). The shell is the same engine without the browser UI: a full Chromium starts an
# extra ~60 MB renderer per context, which measured here took 4 analyses in flight from ~0.8 to ~1.1 GB.
# Fonts so screenshots (which Claude judges) show text and emoji rather than empty boxes; add
# fonts-noto-cjk (about 60 MB) for Chinese, Japanese and Korean pages.
# tini is PID 1: it forwards SIGTERM to the role and reaps the zombies Chromium's helper processes leave
# when the browser is killed; Cloud Run has no `docker run --init`.
# libatomic1: the Node.js driver inside the playwright wheel links libatomic.so.1, which nothing else
# here pulls in (a development machine has it through gcc).
# Versions are not pinned: bookworm's security updates must reach Chromium on every rebuild.
# apt-get clean: a base without Debian's docker-clean apt hook would keep the ~240 MB of .deb files.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        chromium-headless-shell fonts-dejavu-core fonts-liberation fonts-noto-color-emoji libatomic1 tini \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY functions ./functions
COPY docker/entrypoint.sh docker/healthcheck.py docker/browser_check.py ./docker/

# Chromium's sandbox needs unprivileged user namespaces, which Docker's default seccomp profile, Cloud
# Run and Render do not promise: with it on, the browser may not start at all ("No usable sandbox!").
# The container is the boundary instead: a non-root user, no capabilities, nothing else in the image.
# Where user namespaces are allowed, set CHROMIUM_SANDBOX=true (infra/README.md).
# /dev/shm is 64 MB under Docker and small on Cloud Run: the browser is launched with
# --disable-dev-shm-usage (shared/capture/browser.py) so it uses /tmp instead of crashing on big pages.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CHROMIUM_PATH=/usr/lib/chromium/chromium-headless-shell \
    CHROMIUM_SANDBOX=false \
    FUNCTION_TARGET=gateway \
    HOST=0.0.0.0 \
    PORT=8080

USER 10001:10001
EXPOSE 8080

# Chromium started once through Playwright, as the roles start it, by the user they run as: a library
# missing from this stage fails the build here, not every analysis in production.
RUN python /app/docker/browser_check.py

# Liveness only (docker/healthcheck.py): /healthz for HTTP roles, the process for the worker.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]

ENTRYPOINT ["/usr/bin/tini", "--", "/app/docker/entrypoint.sh"]
