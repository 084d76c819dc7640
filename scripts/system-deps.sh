#!/usr/bin/env bash
# Install the system packages Tidings' tests need when they are missing (Debian/Ubuntu, as root or with sudo),
# and make sure a Redis answers on 127.0.0.1:6379. Safe to run again: it only acts on what is missing.
set -euo pipefail

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium) # browser tests (playwright-core drives Debian's chromium)
command -v wrk >/dev/null 2>&1 || need+=(wrk) # npm run bench:redirect drives its servers with wrk (autocannon when it is missing)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --logfile /tmp/tidings-ci-redis.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
