#!/usr/bin/env bash
# Installs what dare-forge needs on a fresh Debian machine, and nothing when it is already there:
# npm packages (from the lock file), and the Debian packages the verifier and the report test use.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -L node_modules ]; then
  # A linked node_modules is shared with another checkout (a git worktree): npm ci here would
  # empty the link's target under every other checkout's feet. Leave it to the owner.
  if [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: node_modules links to $(readlink node_modules) (shared); not reinstalling it from here. If package-lock.json changed, run npm ci in the folder that owns it" >&2
  fi
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages from package-lock.json (npm ci; prebuilt, nothing compiles)"
  start=$SECONDS
  npm ci --no-audit --no-fund
  echo "setup: npm packages installed in $((SECONDS - start)) s"
fi

need=()
/usr/bin/python3 -c 'import pandas, sklearn' 2>/dev/null || need+=(python3-pandas python3-sklearn)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    # Another apt or dpkg (unattended upgrades, a parallel job) may hold the lock: wait up to
    # 5 minutes for it instead of failing at once.
    lock=(-o DPkg::Lock::Timeout=300)
    echo "setup: installing Debian packages: ${need[*]} (python3-pandas/sklearn run the verifier, bubblewrap is its sandbox, chromium drives the report test); waiting up to 5 min for a held apt/dpkg lock"
    apt-get "${lock[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive apt-get "${lock[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    echo "setup: Debian packages installed"
  else
    echo "setup: missing Debian packages: ${need[*]}; install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
