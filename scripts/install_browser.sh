#!/bin/sh
# Finds or installs a Chromium for Playwright: CHROMIUM_PATH, else Playwright's own download, else a
# system Chromium (Debian's headless shell, installed with apt-get when we are root and none is there).
# shared/capture/browser.py looks in the same places, in the same order.
set -eu
VENV=${VENV:-.venv}

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then
    echo "browser: CHROMIUM_PATH=$CHROMIUM_PATH"; exit 0
fi
if "$VENV/bin/python" -m playwright install chromium >/dev/null 2>&1; then
    echo "browser: Playwright's Chromium"; exit 0
fi
echo "browser: Playwright's download is unreachable; using a system Chromium"
for candidate in /usr/lib/chromium/chromium-headless-shell /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    if [ -x "$candidate" ]; then echo "browser: $candidate"; exit 0; fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null
    echo "browser: installed /usr/lib/chromium/chromium-headless-shell"; exit 0
fi
echo "no Chromium found: install one (Debian: apt-get install chromium) or set CHROMIUM_PATH" >&2
exit 1
