#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds incrementally and runs every test
# through ctest; exits non-zero on any failure. SANITIZE=1 runs the same tests in
# an AddressSanitizer + UndefinedBehaviorSanitizer build (build-sanitize/).
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"

preset=release
[ "${SANITIZE:-0}" = "1" ] && preset=sanitize

aci_install_packages
aci_build "$preset"
aci_log "testing ($preset)"
ctest --preset "$preset" "$@"
