#!/bin/sh
# Start redis-server with the ACL users of mist-circuit-stats, passwords from the environment:
#   default    no password, so nobody can log in as it (no unauthenticated access); it holds the
#              collector's rights only because Redis replays the AOF as this user and re-checks
#              MULTI/EXEC against its rights: `user default off` silently dropped every transaction
#              (all of the collector's writes) on restart (redis/redis#14541)
#   collector  REDIS_COLLECTOR_PASSWORD: read-write on mist:* keys, no admin commands
#   exporter   REDIS_EXPORTER_PASSWORD:  read-only on mist:* keys
# Usage: start.sh [extra redis-server options...]
# REDIS_CONF (default /usr/local/etc/redis/redis.conf) and REDIS_ACL_FILE (default
# /tmp/redis-users.acl, a tmpfs in compose) can be overridden, e.g. by tests.
set -eu

die() {
  echo "redis: $*" >&2
  exit 2
}

# The passwords go inside redis:// URLs and an ACL file: keep them to URL-safe characters.
check_password() {
  name=$1
  value=$2
  [ -n "$value" ] || die "$name is required (generate one with: openssl rand -hex 24)"
  case "$value" in
    *[!A-Za-z0-9._~-]*) die "$name may contain only letters, digits and . _ ~ - (it is used in redis:// URLs)" ;;
  esac
  [ "${#value}" -ge 16 ] || die "$name must be at least 16 characters long"
}

check_password REDIS_COLLECTOR_PASSWORD "${REDIS_COLLECTOR_PASSWORD:-}"
check_password REDIS_EXPORTER_PASSWORD "${REDIS_EXPORTER_PASSWORD:-}"
[ "$REDIS_COLLECTOR_PASSWORD" != "$REDIS_EXPORTER_PASSWORD" ] ||
  die "REDIS_COLLECTOR_PASSWORD and REDIS_EXPORTER_PASSWORD must differ"

conf=${REDIS_CONF:-/usr/local/etc/redis/redis.conf}
acl=${REDIS_ACL_FILE:-/tmp/redis-users.acl}

umask 077
# Collector: everything on its keys except admin/dangerous commands (KEYS, FLUSHALL, CONFIG, DEBUG...).
# Exporter: read commands on its keys, plus connection and subscribe commands; no writes, no PUBLISH.
cat >"$acl" <<ACL
user default on resetpass ~mist:* &* +@all -@dangerous
user collector on >$REDIS_COLLECTOR_PASSWORD ~mist:* &* +@all -@dangerous +info
user exporter on >$REDIS_EXPORTER_PASSWORD ~mist:* &* -@all +@read +@connection +@pubsub -publish -spublish -@dangerous +info
ACL

exec redis-server "$conf" --aclfile "$acl" "$@"
