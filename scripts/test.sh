#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds incrementally and runs every test
# through ctest; exits non-zero on any failure. SANITIZE=1 runs the same tests in
# an AddressSanitizer + UndefinedBehaviorSanitizer build (build-sanitize/). Without
# SANITIZE, the libFuzzer targets then run 30 s each (the fuzz preset, build-fuzz/);
# FUZZ=0 skips them.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"

preset=release
[ "${SANITIZE:-0}" = "1" ] && preset=sanitize

aci_install_packages
aci_build "$preset"
aci_log "testing ($preset)"
ctest --preset "$preset" "$@"

if [ "$preset" = release ] && [ "${FUZZ:-1}" = "1" ]; then
  aci_build fuzz
  aci_log "fuzzing (30 s per target)"
  ctest --preset fuzz
fi
