# Sourced by scripts/test.sh: makes sure the tests that drive a real Redis
# (snippets/db/redis-server.ts starts its own, on a free loopback port) have
# a redis-server binary. Debian's redis-server package is installed here when
# we are root (CI, fresh machines); otherwise those tests say how to get it.

if ! command -v redis-server >/dev/null 2>&1 && [ -z "${REDIS_SERVER:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-redis: no redis-server; installing Debian's redis-server" >&2
    # The package would start a system-wide server; the tests start their
    # own. A policy-rc.d that says no stops it, unless the machine has one.
    made_policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
    fi
    status=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null; } || status=$?
    [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
    [ "$status" = 0 ] || return 1
  else
    echo 'ensure-redis: no redis-server. Run "sudo apt-get install redis-server" (or set REDIS_SERVER' >&2
    echo '  to a redis-server binary); until then the tests that need Redis are skipped.' >&2
  fi
fi
