#!/bin/sh
# Create .env from .env.example with fresh random passwords for Redis and Grafana.
# Refuses to overwrite an existing .env. Afterwards: set MIST_API_TOKEN for the real Mist API,
# or run the demo (`docker compose --profile demo up`) as is.
set -eu
cd "$(dirname "$0")/.."
[ ! -e .env ] || { echo "init-env: .env exists already; edit it or remove it first" >&2; exit 1; }
secret() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
umask 077
sed -e "s/^REDIS_COLLECTOR_PASSWORD=.*/REDIS_COLLECTOR_PASSWORD=$(secret)/" \
    -e "s/^REDIS_EXPORTER_PASSWORD=.*/REDIS_EXPORTER_PASSWORD=$(secret)/" \
    -e "s/^GRAFANA_ADMIN_PASSWORD=.*/GRAFANA_ADMIN_PASSWORD=$(secret)/" \
    .env.example >.env
echo "init-env: wrote .env (mode 600) with random Redis and Grafana passwords; Grafana user: admin"
