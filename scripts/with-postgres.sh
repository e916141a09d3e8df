#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
#
# Start a throwaway PostgreSQL cluster on a free 127.0.0.1 port, run COMMAND
# with DATABASE_URL=postgres://tracker@127.0.0.1:PORT/tracker exported, then
# stop the server and delete the cluster (also on failure or interrupt).
# Exits with COMMAND's exit code.
#
# If no PostgreSQL server can be found or installed, prints a message and
# exits 0 (the PostgreSQL run is skipped) -- unless CI=true, then exits 1.
set -uo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

PG_USER=tracker
PG_DB=tracker

log() { echo "with-postgres: $*" >&2; }

unavailable() {
    if [ "${CI:-}" = "true" ]; then
        log "PostgreSQL server not available ($1); failing because CI=true"
        exit 1
    fi
    log "------------------------------------------------------------------------------"
    log "SKIPPED: the PostgreSQL run ($1)."
    log "Only SQLite was tested. To test on PostgreSQL too, install the server"
    log "(Debian/Ubuntu: sudo apt-get install postgresql) or run this as root, which"
    log "installs it. CI sets CI=true, which turns this skip into a failure."
    log "------------------------------------------------------------------------------"
    exit 0
}

die() {
    log "$*"
    exit 1
}

# --- locate server binaries ------------------------------------------------
PG_BIN=""
find_pg_bin() {
    local d
    PG_BIN=""
    # Highest numeric version under /usr/lib/postgresql/*/bin first.
    for d in $(ls -1d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            PG_BIN="$d"
        fi
    done
    [ -n "$PG_BIN" ] && return 0
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        PG_BIN="$(dirname "$(command -v initdb)")"
        return 0
    fi
    return 1
}

if ! find_pg_bin; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "PostgreSQL server binaries not found; installing with apt-get..."
        if DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; then
            find_pg_bin || unavailable "apt-get installed postgresql but initdb/pg_ctl were not found"
        else
            unavailable "apt-get install postgresql failed"
        fi
    elif [ "$(id -u)" -ne 0 ]; then
        unavailable "initdb/pg_ctl not found and not running as root, so cannot install"
    else
        unavailable "initdb/pg_ctl not found and apt-get is not available"
    fi
fi

# Client tools (pg_isready, psql, createdb) may live next to initdb or only on
# PATH (e.g. Debian's pg_wrapper in /usr/bin).
pg_tool() {
    if [ -x "$PG_BIN/$1" ]; then
        echo "$PG_BIN/$1"
    elif command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
    else
        return 1
    fi
}
PG_ISREADY="$(pg_tool pg_isready)" || PG_ISREADY=""
PSQL="$(pg_tool psql)" || PSQL=""
CREATEDB="$(pg_tool createdb)" || CREATEDB=""

# --- who runs the server -----------------------------------------------------
# The server refuses to run as root, so as root we use the 'postgres' user.
if [ "$(id -u)" -eq 0 ]; then
    if ! id -u postgres >/dev/null 2>&1; then
        useradd --system --user-group --home-dir /var/lib/postgresql \
            --shell /bin/bash postgres >/dev/null 2>&1 \
            || die "could not create the 'postgres' system user"
    fi
    # cd into the temp dir so the postgres user never starts in an
    # unreadable working directory.
    if command -v runuser >/dev/null 2>&1; then
        as_pg() { (cd "$TMPDIR_PG" && runuser -u postgres -- "$@"); }
    else
        as_pg() {
            local q
            printf -v q '%q ' "$@"
            (cd "$TMPDIR_PG" && su -s /bin/sh postgres -c "$q")
        }
    fi
else
    as_pg() { "$@"; }
fi

# --- temp dir & cleanup -----------------------------------------------------
TMPDIR_PG="$(mktemp -d "${TMPDIR:-/tmp}/with-postgres.XXXXXX")" || die "mktemp failed"
PGDATA_DIR="$TMPDIR_PG/data"
SOCK_DIR="$TMPDIR_PG/sock"
PG_LOG="$TMPDIR_PG/server.log"
SERVER_STARTED=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ "$SERVER_STARTED" -eq 1 ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 30 stop >/dev/null 2>&1 \
            || { [ -f "$PGDATA_DIR/postmaster.pid" ] \
                 && kill -9 "$(head -1 "$PGDATA_DIR/postmaster.pid")" 2>/dev/null; }
    fi
    rm -rf "$TMPDIR_PG"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir -p "$SOCK_DIR"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres: "$TMPDIR_PG" || die "could not chown $TMPDIR_PG to postgres"
fi
chmod 700 "$TMPDIR_PG"

# --- initdb -------------------------------------------------------------------
if ! as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" --auth=trust -U "$PG_USER" \
        --encoding=UTF8 --locale=C --no-sync >"$TMPDIR_PG/initdb.log" 2>&1; then
    cat "$TMPDIR_PG/initdb.log" >&2
    die "initdb failed"
fi

# --- pick a free port and start ------------------------------------------------
pick_port() {
    local py
    for py in python3 python; do
        if command -v "$py" >/dev/null 2>&1; then
            "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
            return
        fi
    done
    echo $(( 20000 + RANDOM % 20000 ))
}

PG_VERSION="$("$PG_BIN/pg_ctl" --version 2>/dev/null | awk '{print $3}')"

start_server() {
    PORT="$(pick_port)"
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 30 \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$SOCK_DIR \
-c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1
}

started=0
for attempt in 1 2 3; do
    SERVER_STARTED=1   # so cleanup tries to stop it even if start half-succeeded
    if start_server; then
        started=1
        break
    fi
    # Port may have been grabbed between picking and binding; retry.
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
done
if [ "$started" -ne 1 ]; then
    cat "$PG_LOG" >&2 2>/dev/null
    die "could not start PostgreSQL server"
fi

# --- readiness --------------------------------------------------------------------
# pg_ctl -w already waited for the postmaster; double-check over TCP.
if [ -n "$PG_ISREADY" ] || [ -n "$PSQL" ]; then
    ready=0
    for _ in $(seq 1 60); do
        if [ -n "$PG_ISREADY" ]; then
            "$PG_ISREADY" -q -h 127.0.0.1 -p "$PORT" -U "$PG_USER" -d postgres && { ready=1; break; }
        else
            "$PSQL" -h 127.0.0.1 -p "$PORT" -U "$PG_USER" -d postgres -Atqc 'select 1' \
                >/dev/null 2>&1 && { ready=1; break; }
        fi
        sleep 0.5
    done
    [ "$ready" -eq 1 ] || { cat "$PG_LOG" >&2; die "PostgreSQL did not become ready within 30 s"; }
fi

# --- create the database -------------------------------------------------------------
if [ -n "$CREATEDB" ]; then
    "$CREATEDB" -h 127.0.0.1 -p "$PORT" -U "$PG_USER" "$PG_DB" \
        || die "createdb $PG_DB failed"
elif [ -n "$PSQL" ]; then
    "$PSQL" -h 127.0.0.1 -p "$PORT" -U "$PG_USER" -d postgres -qc "CREATE DATABASE $PG_DB" \
        || die "CREATE DATABASE $PG_DB failed"
else
    log "no createdb/psql found; cannot create database $PG_DB"
    die "install the PostgreSQL client tools (postgresql-client)"
fi

export DATABASE_URL="postgres://$PG_USER@127.0.0.1:$PORT/$PG_DB"
log "started PostgreSQL $PG_VERSION on 127.0.0.1:$PORT ($DATABASE_URL)"

# --- run the command ---------------------------------------------------------------
# Run in the foreground (keeps stdin/tty and Ctrl-C behaviour); the EXIT trap
# stops the server and removes the cluster afterwards.
"$@"
exit $?
