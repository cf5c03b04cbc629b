#!/usr/bin/env bash
# Static checks: clang-tidy over our C++ (settings in .clang-tidy), shellcheck
# over the scripts, yamllint over the YAML we ship. Exits non-zero on any finding.
# Pass file paths to tidy only those.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
aci_install_packages
cd "$ACI_ROOT"

aci_log "shellcheck"
mapfile -t shell_files < <(git ls-files '*.sh' .ci/run)
shellcheck "${shell_files[@]}"

aci_log "yamllint"
# Helm templates are not YAML until rendered; the chart tests lint those.
mapfile -t yaml_files < <(git ls-files '*.yaml' '*.yml' | grep -v '^helm/.*/templates/')
yamllint -s -c .yamllint "${yaml_files[@]}"

# clang-tidy reads a compile database without precompiled headers (clang cannot
# use GCC's), and Boost 1.74 only enables coroutines for clang when told to.
aci_log "clang-tidy"
cmake --preset lint >/dev/null
if [ "$#" -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files 'daemon/*.cpp' 'emulator/*.cpp' 'tests/*.cpp' 'bench/*.cpp' | grep -v 'asio_impl.cpp')
fi
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p build-lint --quiet \
  --extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 --extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE=1 \
  --extra-arg=-Wno-unknown-warning-option 2>/dev/null
aci_log "lint clean"
