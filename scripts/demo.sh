#!/usr/bin/env bash
# The main job, on this machine: builds, then runs aci-operator with
# config/demo.yaml until Ctrl-C. Metrics and probes: http://127.0.0.1:9090.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"

aci_install_packages
aci_build release
aci_log "aci-operator: metrics http://127.0.0.1:9090/metrics, probes /healthz /readyz; Ctrl-C stops it"
exec "$ACI_ROOT/build/bin/aci-operator" --config "$ACI_ROOT/config/demo.yaml" "$@"
