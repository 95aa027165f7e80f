#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis and RabbitMQ answer on their usual local ports, starting any that is down
# (Debian packages, as on this machine kind). Idempotent.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local name="$1" port="$2" tries=0
  until port_open "$port"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 120 ]; then echo "ci: $name did not open port $port" >&2; return 1; fi
    sleep 0.5
  done
  echo "ci: $name is up on :$port"
}

if ! port_open 5432; then
  echo "ci: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
fi
wait_port PostgreSQL 5432

if ! port_open 6379; then
  echo "ci: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_port Redis 6379

if ! port_open 5672; then
  echo "ci: starting RabbitMQ"
  rabbitmq-server -detached
fi
wait_port RabbitMQ 5672
