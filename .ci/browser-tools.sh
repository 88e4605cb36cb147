#!/usr/bin/env bash
# Tools the console's browser test (ConsoleBrowserTest) runs besides the JVM: Debian's headless Chromium,
# Node.js, and the pinned playwright-core of src/test/browser. On a fresh machine, as root, installs what is
# missing (apt-get; npm ci from the lockfile); otherwise says what is missing and fails, so that the test
# never silently does not run. Fast when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=()
[[ -x /usr/bin/chromium ]] || packages+=(chromium)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if (( ${#packages[@]} )); then
  if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
    echo "[browser-tools] installing ${packages[*]} (Debian packages)" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >&2
  else
    echo "[browser-tools] missing: ${packages[*]}; the console browser test needs them (install as root with apt-get)" >&2
    exit 1
  fi
fi
# npm ci when node_modules is missing or older than the lockfile
dir=src/test/browser
stamp=$dir/node_modules/.package-lock.json
if [[ ! -f $stamp || ! -d $dir/node_modules/playwright-core || $dir/package-lock.json -nt $stamp ]]; then
  echo "[browser-tools] npm ci in $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
