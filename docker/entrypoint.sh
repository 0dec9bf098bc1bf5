#!/bin/sh
# Starts one role of CRO Analyzer and becomes it (exec): the platform's SIGTERM then reaches the server or
# the worker itself, which shuts down gracefully, and no shell lingers as a parent.
#
#   entrypoint.sh [ROLE] [ARGS...]
#
# ROLE is gateway | submit | analyze | result | worker; without one, $FUNCTION_TARGET picks it (Cloud Run
# sets it per service), else gateway. ARGS go to the started process. A first argument that is not a
# role runs as a command, so `docker run IMAGE cro-analyzer analyze https://example.com` works too.
# HOST (default 0.0.0.0) and PORT (default 8080; Cloud Run and Render set it) say where HTTP roles listen.
set -eu

app_dir=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
host=${HOST:-0.0.0.0}
port=${PORT:-8080}
roles="gateway submit analyze result worker"

if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then
    role=$1
    shift
else
    role=${FUNCTION_TARGET:-gateway}
    case " $roles " in
        *" $role "*) ;;
        *) echo "entrypoint: FUNCTION_TARGET=$role is not one of: $roles" >&2; exit 64 ;;
    esac
fi

# The health check reads this to know which role the container runs: the worker serves no HTTP, and a
# role given as an argument is invisible to a `docker exec`-ed probe. `exec` keeps this PID.
record_role() {
    printf '%s %s\n' "$1" "$$" 2>/dev/null >"${CRO_ROLE_FILE:-/tmp/cro-analyzer.role}" || true
}

case $role in
    gateway)
        record_role gateway
        exec cro-analyzer serve --host "$host" --port "$port" "$@"
        ;;
    submit | analyze | result)
        record_role "$role"
        exec functions-framework --target "$role" --source "$app_dir/functions/$role/main.py" --asgi \
            --host "$host" --port "$port" "$@"
        ;;
    worker)
        record_role worker
        exec cro-analyzer worker "$@"
        ;;
    *)
        record_role command
        exec "$role" "$@"
        ;;
esac
