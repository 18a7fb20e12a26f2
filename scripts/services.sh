#!/usr/bin/env bash
# Installs (from Debian packages) and starts the servers the tests need, on 127.0.0.1 only:
# RabbitMQ, MariaDB and PostgreSQL. Idempotent: running servers are left alone.
# Prints the environment variables the tests read; `source <(scripts/services.sh --env)` sets them.
set -euo pipefail

quiet() { "$@" >/dev/null 2>&1; }

print_env() {
  cat <<'ENV'
export PASSPORTBOT_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:5672/"
export PASSPORTBOT_TEST_MARIADB="Server=127.0.0.1;Port=3306;User ID=pb;Password=pb;"
export PASSPORTBOT_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=pb;Password=pb;Database=postgres"
ENV
}

if [ "${1:-}" = "--env" ]; then print_env; exit 0; fi

if [ "$(id -u)" != "0" ]; then
  echo "services.sh installs and starts system services and must run as root (CI and the dev machines do)." >&2
  exit 1
fi

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
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 --port=3306
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
