#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests, on 127.0.0.1, its data folder under the working directory.
#
#   scripts/pg_test_server.sh run CMD [ARGS...]   start, run CMD with FUPIN_TEST_PG set, always stop
#   scripts/pg_test_server.sh start               start and print `export FUPIN_TEST_PG=...`
#   scripts/pg_test_server.sh stop                stop the server started by `start`
#
# PG_TEST_DIR overrides the data folder (default: test-output/pg). Debian's postgresql is installed
# with apt-get when missing and we are root. initdb and postgres refuse to run as root, so as root
# the server runs as the `postgres` user (created by the Debian package); when that user cannot
# reach the working directory (a private parent folder), the data folder goes to /tmp instead.
set -euo pipefail

DATA_ROOT="${PG_TEST_DIR:-$PWD/test-output/pg}"
LOCATION_FILE="$DATA_ROOT.location" # where `start` put the server (it may have moved to /tmp), for `stop`
PG_USER_NAME="fupin"
PG_PASSWORD="fupin-test"

say() { echo "pg_test_server: $*" >&2; }

find_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -z "$dir" || ! -x "$dir/initdb" ]] && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        say "installing Debian's postgresql (apt-get)"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
        dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    fi
    if [[ -z "$dir" || ! -x "$dir/initdb" ]]; then
        say "PostgreSQL is not installed. Install Debian's package first (as root): apt-get install postgresql"
        exit 1
    fi
    echo "$dir"
}

# initdb and postgres refuse to run as root.
as_server_user() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

prepare_data_root() {
    rm -rf "$DATA_ROOT"
    mkdir -p "$DATA_ROOT"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$DATA_ROOT"
        if ! runuser -u postgres -- test -w "$DATA_ROOT"; then
            rm -rf "$DATA_ROOT"
            DATA_ROOT=$(mktemp -d /tmp/fupin-pg.XXXXXX)
            chown postgres: "$DATA_ROOT"
            say "the postgres user cannot reach the working directory; data folder: $DATA_ROOT"
        fi
    fi
    mkdir -p "$(dirname "$LOCATION_FILE")"
    echo "$DATA_ROOT" >"$LOCATION_FILE"
}

start() {
    local bin port data
    stop_server
    bin=$(find_bin)
    prepare_data_root
    data="$DATA_ROOT/data"
    printf '%s\n' "$PG_PASSWORD" >"$DATA_ROOT/pwfile"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$DATA_ROOT/pwfile"; fi
    as_server_user "$bin/initdb" -D "$data" -U "$PG_USER_NAME" --pwfile="$DATA_ROOT/pwfile" \
        --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$DATA_ROOT/initdb.log" 2>&1 ||
        { cat "$DATA_ROOT/initdb.log" >&2; exit 1; }
    echo "$bin" >"$DATA_ROOT/bin"
    port=$(free_port)
    # Throwaway data: durability off for speed; TCP on 127.0.0.1 only, no Unix socket.
    as_server_user "$bin/pg_ctl" -D "$data" -l "$DATA_ROOT/server.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null || { cat "$DATA_ROOT/server.log" >&2; exit 1; }
    echo "postgresql://$PG_USER_NAME:$PG_PASSWORD@127.0.0.1:$port/postgres" >"$DATA_ROOT/url"
    say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data: $data)"
}

# Stop the server that the last `start` (from this working directory) left running, if any.
stop_server() {
    local root="$DATA_ROOT"
    if [[ -f "$LOCATION_FILE" ]]; then root=$(cat "$LOCATION_FILE"); fi
    if [[ -f "$root/bin" && -f "$root/data/postmaster.pid" ]]; then
        as_server_user "$(cat "$root/bin")/pg_ctl" -D "$root/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [[ "$root" == /tmp/fupin-pg.* ]]; then rm -rf "$root"; fi
    return 0
}

case "${1:-}" in
    start)
        start
        echo "export FUPIN_TEST_PG=$(cat "$DATA_ROOT/url")"
        ;;
    stop)
        stop_server
        say "stopped"
        ;;
    run)
        shift
        [[ $# -gt 0 ]] || { say "usage: $0 run CMD [ARGS...]"; exit 2; }
        trap stop_server EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        start
        FUPIN_TEST_PG=$(cat "$DATA_ROOT/url")
        export FUPIN_TEST_PG
        "$@"
        ;;
    *)
        say "usage: $0 start | stop | run CMD [ARGS...]"
        exit 2
        ;;
esac
