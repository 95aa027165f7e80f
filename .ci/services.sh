#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis and RabbitMQ answer on their usual local ports as the tests expect:
# installs any that is missing from Debian's packages, configures it (PostgreSQL: trust auth for local
# TCP connections, user `postgres`; RabbitMQ: guest/guest on loopback; Redis: no persistence) and starts
# whatever is down. Machines without systemd: each server is started directly. Idempotent.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local name="$1" port="$2" tries=0
  until port_open "$port"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 240 ]; then echo "ci: $name did not open port $port" >&2; return 1; fi
    sleep 0.5
  done
  echo "ci: $name is up on :$port"
}

apt_updated=0
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  # No service starts during install (no systemd, and we start them ourselves below).
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  rm -f /usr/sbin/policy-rc.d
}

# --- PostgreSQL ---------------------------------------------------------------------------------------
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "ci: installing PostgreSQL"
  apt_install postgresql
fi
pg_version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
if [ ! -d "/etc/postgresql/$pg_version/main" ]; then
  pg_createcluster "$pg_version" main >/dev/null
fi
hba="/etc/postgresql/$pg_version/main/pg_hba.conf"
if ! grep -q '^# zapdeploy: trust' "$hba"; then
  # The tests connect as `postgres` without a password over TCP on loopback.
  {
    echo '# zapdeploy: trust local connections (tests)'
    echo 'local   all   all                 trust'
    echo 'host    all   all   127.0.0.1/32  trust'
    echo 'host    all   all   ::1/128       trust'
    grep -v '^#' "$hba" | grep -v '^$' || true
  } >"$hba.new"
  mv "$hba.new" "$hba"
  chown postgres:postgres "$hba"
  if port_open 5432; then pg_ctlcluster "$pg_version" main reload; fi
fi
if ! port_open 5432; then
  echo "ci: starting PostgreSQL"
  # Many parallel test files each open a pool.
  pg_conftool "$pg_version" main set max_connections 400 >/dev/null 2>&1 || true
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
fi
wait_port PostgreSQL 5432

# --- Redis --------------------------------------------------------------------------------------------
if ! command -v redis-server >/dev/null 2>&1; then
  echo "ci: installing Redis"
  apt_install redis-server
fi
if ! port_open 6379; then
  echo "ci: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_port Redis 6379

# --- RabbitMQ -----------------------------------------------------------------------------------------
if ! command -v rabbitmq-server >/dev/null 2>&1; then
  echo "ci: installing RabbitMQ"
  apt_install rabbitmq-server
fi
if ! port_open 5672; then
  echo "ci: starting RabbitMQ"
  # guest/guest is allowed on loopback by default; quorum queues need no extra plugin.
  mkdir -p /var/lib/rabbitmq /var/log/rabbitmq
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq 2>/dev/null || true
  if id rabbitmq >/dev/null 2>&1; then
    su -s /bin/sh rabbitmq -c 'HOME=/var/lib/rabbitmq rabbitmq-server -detached' 2>/dev/null || rabbitmq-server -detached
  else
    rabbitmq-server -detached
  fi
fi
wait_port RabbitMQ 5672
