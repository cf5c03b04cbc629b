#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds incrementally and runs every test
# through ctest; exits non-zero on any failure. SANITIZE=1 runs the same tests in
# an AddressSanitizer + UndefinedBehaviorSanitizer build (build-sanitize/). Without
# SANITIZE, the libFuzzer targets then run 30 s each (the fuzz preset, build-fuzz/);
# FUZZ=0 skips them. The Kubernetes-mode tests need kube-apiserver and etcd, built from
# their Go modules into ~/.cache/aci-operator/kube/ on first use (Go 1.26).
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"

preset=release
[ "${SANITIZE:-0}" = "1" ] && preset=sanitize

aci_install_packages
# The kube-apiserver, etcd and kubectl of the Kubernetes-mode tests, built once per
# machine (scripts/lib/kube.sh; mostly a module download) while the C++ build runs.
kube_log="$(mktemp)"
(
  # shellcheck source=scripts/lib/kube.sh
  source "$ACI_ROOT/scripts/lib/kube.sh"
  aci_kube_apiserver >/dev/null && aci_kube_etcd >/dev/null && aci_kubectl >/dev/null
) >"$kube_log" 2>&1 &
kube_build=$!
aci_build "$preset"
if ! wait "$kube_build"; then
  cat "$kube_log" >&2
  aci_log "cannot build the Kubernetes test cluster (kube-apiserver, etcd, kubectl)"
  exit 1
fi
rm -f "$kube_log"
aci_log "testing ($preset)"
ctest --preset "$preset" "$@"

if [ "$preset" = release ] && [ "${FUZZ:-1}" = "1" ]; then
  aci_build fuzz
  aci_log "fuzzing (30 s per target)"
  ctest --preset fuzz
fi
