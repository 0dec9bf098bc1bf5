#!/bin/sh
# Finds or installs what the test suite runs besides the Python packages and Chromium (install_browser.sh):
# redis-server, which the tests start from PATH (tests/support/redis.py). Installed with apt-get when we
# are root and it is missing; otherwise the message names the package.
set -eu

if command -v redis-server >/dev/null 2>&1; then
    exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "test tools: installing redis-server"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    echo "test tools: installed $(command -v redis-server)"; exit 0
fi
echo "make test needs redis-server on PATH: install the redis-server package (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)" >&2
exit 1
