#!/usr/bin/env bash
# Tools the tests run besides the JVM: the README walk-through test runs the README's shell blocks, which
# use curl. On a machine without curl, install Debian's package (as root with apt-get); otherwise say what
# is missing and fail, so that the test never silently does not run.
set -euo pipefail
missing=()
for tool in bash curl sed grep; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if (( ${#missing[@]} )) && command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  echo "[test-tools] installing ${missing[*]} (Debian packages)" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  missing=()
  for tool in bash curl sed grep; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
fi
if (( ${#missing[@]} )); then
  echo "[test-tools] missing on PATH: ${missing[*]}; the README walk-through test needs them" >&2
  exit 1
fi
