#!/bin/sh
# Finds or installs what the test suite runs besides the Python packages and Chromium (install_browser.sh):
# redis-server, which the tests start from PATH (harness/redis_server.py), installed with apt-get when we
# are root and it is missing (otherwise the message names the package); and n8n (install_n8n.sh, cached),
# which the real-n8n tests skip without: a machine that cannot install it can still run the rest.
set -eu

if [ "${SKIP_N8N:-0}" != 1 ]; then
    sh "$(dirname "$0")/install_n8n.sh" || echo "test tools: n8n could not be installed; tests/test_n8n_run.py will skip" >&2
fi
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
