#!/usr/bin/env bash
# Sourced by run-local.sh: a PostgreSQL cluster whose data persists under $MODERATION_DATA_DIR/pg.
# Runs PostgreSQL's tools as the postgres user when invoked as root (PostgreSQL refuses to run as root).

pg_bin_dir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  echo "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql" >&2
  return 1
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_up DATA_DIR PORT: initialise on first use, start unless already running. Sets PG_STARTED_HERE=1 when it started it.
pg_up() {
  local data="$1" port="$2" bin
  bin=$(pg_bin_dir) || return 1
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "== initialising PostgreSQL in $data"
    as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null || return 1
  fi
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "== PostgreSQL already running on port $port (reusing it)"
    PG_STARTED_HERE=0
  else
    echo "== starting PostgreSQL on 127.0.0.1:$port"
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null || { cat "$data/server.log" >&2; return 1; }
    PG_STARTED_HERE=1
  fi
  as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAq -c \
    "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'moderation') THEN CREATE ROLE moderation LOGIN CREATEDB; END IF; END \$\$;" || return 1
  if ! as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAq -c "SELECT 1 FROM pg_database WHERE datname = 'moderation'" | grep -q 1; then
    as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -c "CREATE DATABASE moderation OWNER moderation" || return 1
  fi
}

pg_down() {
  local data="$1" bin
  bin=$(pg_bin_dir) || return 0
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || echo "could not stop PostgreSQL in $data" >&2
}
