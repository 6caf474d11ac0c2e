#!/usr/bin/env bash
# Sourced by the test script: starts a throwaway PostgreSQL server in a temporary folder on a
# free loopback port, exports MCERT_TEST_PG_URL, and stops and removes it on exit.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.

start_postgres() {
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "PostgreSQL is not installed: the service tests run on SQLite only"
        return 0
    fi
    PG_TMP=$(mktemp -d /tmp/mcert-pg.XXXXXX)
    local as_pg=()
    if [ "$(id -u)" = "0" ]; then
        chown postgres "$PG_TMP"
        as_pg=(runuser -u postgres --)
    fi
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    "${as_pg[@]}" "$bindir/initdb" -D "$PG_TMP/data" -A trust -U mcert --no-sync -E UTF8 >"$PG_TMP/initdb.log" 2>&1
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w \
        -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    PG_STOP=("${as_pg[@]}" "$bindir/pg_ctl" -D "$PG_TMP/data" -m fast -w stop)
    export MCERT_TEST_PG_URL="postgres://mcert@127.0.0.1:$port/postgres"
    echo "PostgreSQL started on 127.0.0.1:$port"
}

stop_postgres() {
    if [ -n "${PG_TMP:-}" ]; then
        "${PG_STOP[@]}" >/dev/null 2>&1 || true
        rm -rf "$PG_TMP"
        PG_TMP=""
    fi
}
