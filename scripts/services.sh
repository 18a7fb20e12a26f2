#!/usr/bin/env bash
# The servers the tests need: RabbitMQ, MariaDB and PostgreSQL on 127.0.0.1.
#
# As root (CI, a throw-away machine) it installs what is missing from Debian packages and starts it. What that
# changes on the machine, said once more when it runs: it installs the packages rabbitmq-server, mariadb-server,
# postgresql, chromium (for the dashboard's browser tests) and prometheus (its promtool and server check the alert
# rules; the package's own service is not started) if missing; writes /etc/rabbitmq/rabbitmq.conf and
# rabbitmq-env.conf (listen on 127.0.0.1 only); appends listen_addresses and max_connections to the PostgreSQL
# cluster's postgresql.conf; starts the three servers (MariaDB with 500 connections, for the parallel test runs); creates a database user `pb` (password `pb`, all
# privileges, 127.0.0.1 only) in MariaDB and PostgreSQL. Idempotent: running servers are left alone.
#
# As a normal user it changes nothing: it checks that the servers answer (those named by PASSPORTBOT_TEST_*
# variables, else the defaults above) and says which one is missing.
#
# `source <(scripts/services.sh --env)` sets the PASSPORTBOT_TEST_* variables the tests read (values already
# set in the environment are kept).
set -euo pipefail

quiet() { "$@" >/dev/null 2>&1; }

default_rabbitmq="amqp://guest:guest@127.0.0.1:5672/"
default_mariadb="Server=127.0.0.1;Port=3306;User ID=pb;Password=pb;"
default_postgres="Host=127.0.0.1;Port=5432;Username=pb;Password=pb;Database=postgres"

print_env() {
  printf 'export PASSPORTBOT_TEST_RABBITMQ=%q\n' "${PASSPORTBOT_TEST_RABBITMQ:-$default_rabbitmq}"
  printf 'export PASSPORTBOT_TEST_MARIADB=%q\n' "${PASSPORTBOT_TEST_MARIADB:-$default_mariadb}"
  printf 'export PASSPORTBOT_TEST_POSTGRES=%q\n' "${PASSPORTBOT_TEST_POSTGRES:-$default_postgres}"
}

if [ "${1:-}" = "--env" ]; then print_env; exit 0; fi

# host:port of a URL or an ADO.NET connection string, for a reachability check with bash's /dev/tcp.
endpoint() {
  local value="$1" host port
  case "$value" in
    amqp://*|amqps://*)
      host=$(sed -E 's#^amqps?://([^@/]*@)?([^:/]+).*#\2#' <<<"$value")
      port=$(sed -nE 's#^amqps?://([^@/]*@)?[^:/]+:([0-9]+).*#\2#p' <<<"$value"); port=${port:-5672} ;;
    *)
      host=$(grep -oiE '(server|host)=[^;]+' <<<"$value" | head -1 | cut -d= -f2)
      port=$(grep -oiE 'port=[0-9]+' <<<"$value" | head -1 | cut -d= -f2) ;;
  esac
  echo "$host ${port:-0}"
}

reachable() { read -r host port < <(endpoint "$1"); quiet timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port"; }

if [ "$(id -u)" != "0" ]; then
  missing=()
  reachable "${PASSPORTBOT_TEST_RABBITMQ:-$default_rabbitmq}" || missing+=("RabbitMQ (PASSPORTBOT_TEST_RABBITMQ)")
  reachable "${PASSPORTBOT_TEST_MARIADB:-$default_mariadb}" || missing+=("MariaDB (PASSPORTBOT_TEST_MARIADB)")
  reachable "${PASSPORTBOT_TEST_POSTGRES:-$default_postgres}" || missing+=("PostgreSQL (PASSPORTBOT_TEST_POSTGRES)")
  command -v chromium >/dev/null 2>&1 || [ -n "${PASSPORTBOT_TEST_CHROMIUM:-}" ] || missing+=("chromium, for the browser tests (apt-get install chromium, or PASSPORTBOT_TEST_CHROMIUM)")
  [ -x /usr/bin/promtool ] || [ -n "${PASSPORTBOT_TEST_PROMETHEUS_BIN:-}" ] || missing+=("prometheus, for the alert-rule tests (apt-get install --no-install-recommends prometheus, or PASSPORTBOT_TEST_PROMETHEUS_BIN)")
  if [ ${#missing[@]} -gt 0 ]; then
    echo "services: not running as root, so nothing is installed or started, and these do not answer:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    echo "Start them (or point the variables at running servers), or run scripts/test.sh as root on a throw-away machine." >&2
    exit 1
  fi
  echo "services: using the running servers (nothing changed on this machine)"
  exit 0
fi

echo "services: as root, this installs missing server packages (and chromium for the browser tests, prometheus for the alert rules), configures them for 127.0.0.1, starts them and creates the test user 'pb'"
need=()
command -v rabbitmq-server >/dev/null 2>&1 || need+=(rabbitmq-server)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "services: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Do not let the packages' own init scripts start services bound to every interface.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi
# The browser the dashboard's browser tests drive (Playwright cannot download one here). With its recommended
# packages, which bring the fonts the pages are drawn with.
if ! command -v chromium >/dev/null 2>&1; then
  echo "services: installing chromium (for the dashboard's browser tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

# Prometheus' promtool and server check the alert rules in deploy/prometheus against the running system. Its own
# service is not started (the tests run their own instance on 127.0.0.1).
if [ ! -x /usr/bin/promtool ] && [ -z "${PASSPORTBOT_TEST_PROMETHEUS_BIN:-}" ]; then
  echo "services: installing prometheus (for the alert-rule tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

# --- RabbitMQ on 127.0.0.1 ---
if ! quiet rabbitmqctl -q status; then
  echo "services: starting RabbitMQ"
  mkdir -p /etc/rabbitmq
  cat > /etc/rabbitmq/rabbitmq.conf <<'CONF'
listeners.tcp.default = 127.0.0.1:5672
loopback_users = none
CONF
  echo 'NODE_IP_ADDRESS=127.0.0.1' > /etc/rabbitmq/rabbitmq-env.conf
  echo 'export ERL_EPMD_ADDRESS=127.0.0.1' >> /etc/rabbitmq/rabbitmq-env.conf
  export ERL_EPMD_ADDRESS=127.0.0.1
  rabbitmq-server -detached >/dev/null 2>&1 || true
  # The node registers with epmd a moment after -detached returns; await_startup fails if asked too early.
  for _ in $(seq 1 120); do quiet rabbitmqctl -q status && break; sleep 1; done
  rabbitmqctl await_startup --timeout 120 >/dev/null
fi

# --- MariaDB on 127.0.0.1 ---
if ! quiet mariadb -e 'select 1'; then
  echo "services: starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql >/dev/null 2>&1
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 --port=3306 --max-connections=500
  for _ in $(seq 1 60); do quiet mariadb -e 'select 1' && break; sleep 0.5; done
  mariadb -e 'select 1' >/dev/null
fi
mariadb -e "CREATE USER IF NOT EXISTS 'pb'@'127.0.0.1' IDENTIFIED BY 'pb'; GRANT ALL ON *.* TO 'pb'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;"

# --- PostgreSQL on 127.0.0.1 ---
pgver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q " online"; then
  echo "services: starting PostgreSQL $pgver"
  pg_lsclusters -h 2>/dev/null | grep -q "^$pgver main" || pg_createcluster "$pgver" main >/dev/null
  conf="/etc/postgresql/$pgver/main/postgresql.conf"
  grep -q "^listen_addresses = '127.0.0.1'" "$conf" || echo "listen_addresses = '127.0.0.1'" >> "$conf"
  grep -q "^max_connections = 300" "$conf" || echo "max_connections = 300" >> "$conf"
  pg_ctlcluster "$pgver" main start
fi
for _ in $(seq 1 60); do quiet su postgres -c "psql -qc 'select 1'" && break; sleep 0.5; done
su postgres -c "psql -qc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='pb') THEN CREATE ROLE pb LOGIN SUPERUSER PASSWORD 'pb'; END IF; END \\\$\\\$;\"" >/dev/null

echo "services: RabbitMQ, MariaDB and PostgreSQL are up on 127.0.0.1"
