# Sourced by the scripts in this folder: puts Node >= 24.7 first on PATH (the
# first with crypto.argon2, which the password snippets use; 22.18 was the
# first to run .ts files and have import.meta.main without a flag), and
# installs the locked dependencies when they are missing or out of date.
# Node 24 comes from the `node-linux-<arch>@24` npm package (the official
# binary, no npm) when the machine's Node is older; npm itself then runs on it.

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>24||(a===24&&b>=7)?0:1)'
}

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
node_home="$repo_root/.cache/node24"

if ! node_ok; then
  if [ ! -x "$node_home/bin/node" ]; then
    case "$(uname -m)" in
      x86_64) arch=x64 ;;
      aarch64|arm64) arch=arm64 ;;
      *) echo "node-env: no Node 24 package for $(uname -m); install Node >= 24.7 yourself" >&2; return 1 ;;
    esac
    echo "node-env: $(node --version 2>/dev/null || echo 'no node') is older than 24.7; fetching node-linux-$arch@24 from npm" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$arch@24" >/dev/null) || { echo "node-env: npm pack node-linux-$arch@24 failed" >&2; return 1; }
    mkdir -p "$node_home"
    tar xzf "$tmp"/node-linux-*.tgz -C "$node_home" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$node_home/bin:$PATH"
  # Native addons must build against this Node's headers, not the system's.
  export npm_config_nodedir="$node_home"
fi
node_ok || { echo "node-env: could not put Node >= 24.7 on PATH" >&2; return 1; }

# npm ci only when node_modules does not match package-lock.json.
lock_sum=$(sha256sum "$repo_root/package-lock.json" | cut -d' ' -f1)
stamp="$repo_root/node_modules/.lock-sha256"
if [ "${CI:-}" = "true" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  (cd "$repo_root" && npm ci --no-audit --no-fund) || return 1
  echo "$lock_sum" > "$stamp"
fi
