# Sourced by scripts/test.sh: makes sure Playwright has a Chromium to drive.
# Playwright's own browser is used when installed; otherwise Debian's
# chromium package, installed here when we are root (CI, fresh machines).

has_browser() {
  [ -n "${CHROMIUM_PATH:-}" ] && return 0
  [ -x /usr/bin/chromium ] && return 0
  node -e 'import("@playwright/test").then(({ chromium }) => process.exit(require("node:fs").existsSync(chromium.executablePath()) ? 0 : 1))'
}

if ! has_browser; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-browser: no Chromium for Playwright; installing Debian's chromium" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || return 1
  else
    echo 'ensure-browser: no Chromium for Playwright. Run "npx playwright install chromium",' >&2
    echo '  or "sudo apt-get install chromium", or set CHROMIUM_PATH to a Chromium binary.' >&2
    return 1
  fi
fi
