# Sourced by .ci/run: a throwaway PostgreSQL server on 127.0.0.1 for the PostgreSQL journal tests
# (Debian's postgresql package, which .ci/run installs). Runs initdb into a temporary folder as the
# postgres user (initdb refuses root), starts it on a free loopback port with a random password,
# and exports MELM_TEST_POSTGRES. postgres_stop removes the server and its folder.

postgres_start() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$PG_BIN" ] || { echo "no PostgreSQL binaries under /usr/lib/postgresql" >&2; return 1; }
  local bin=$PG_BIN

  # The first free port from 55432: a probe that connects means something already listens there.
  local port=55432
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

  PG_DIR=$(mktemp -d /tmp/melm-ci-postgres.XXXXXX)
  chown postgres:postgres "$PG_DIR"
  local password
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  printf '%s\n' "$password" >"$PG_DIR/pw"
  chown postgres:postgres "$PG_DIR/pw"

  runuser -u postgres -- "$bin/initdb" -D "$PG_DIR/data" -U melm --pwfile="$PG_DIR/pw" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log"; return 1; }
  rm "$PG_DIR/pw"
  # Loopback only, the socket inside the throwaway folder: nothing outside this machine can reach it.
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off" start >/dev/null ||
    { cat "$PG_DIR/server.log"; return 1; }

  PGPASSWORD=$password "$bin/psql" -h 127.0.0.1 -p "$port" -U melm -d postgres -qtA -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE melm_test" >/dev/null || return 1
  export MELM_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Database=melm_test;Username=melm;Password=$password"
  echo "ci: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (MELM_TEST_POSTGRES)"
}

postgres_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
