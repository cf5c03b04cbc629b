#!/usr/bin/env bash
# Static checks: clang-tidy over our C++ (settings in .clang-tidy), shellcheck over
# the scripts, yamllint over the YAML we ship. Exits non-zero on any finding.
#   scripts/lint.sh                   the whole tree (what CI runs)
#   scripts/lint.sh --changed [BASE]  clang-tidy only on files that differ from BASE
#                                     (default main), committed or not; a changed header
#                                     brings in the sources that include it
#   scripts/lint.sh FILE.cpp...       clang-tidy on those sources only
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
aci_install_packages
cd "$ACI_ROOT"

mode=all
if [ "${1:-}" = "--changed" ]; then
  mode=changed
  if ! base="$(git merge-base "${2:-main}" HEAD 2>/dev/null)"; then
    aci_log "${2:-main} is not in this clone's history: checking the whole tree"
    mode=all
  fi
elif [ "$#" -gt 0 ]; then
  mode=files
fi

# Keeps the lines of stdin that name a file changed since $base.
only_changed() {
  grep -Fx -f <({ git diff --name-only --diff-filter=d "$base"; git ls-files --others --exclude-standard; } | sort -u) || true
}

cpp_sources() {
  git ls-files --cached --others --exclude-standard 'daemon/*.cpp' 'emulator/*.cpp' 'tests/*.cpp' 'bench/*.cpp' |
    grep -v 'asio_impl.cpp$'
}

if [ "$mode" != files ]; then
  aci_log "shellcheck"
  mapfile -t shell_files < <(git ls-files '*.sh' .ci/run)
  [ "${#shell_files[@]}" -eq 0 ] || shellcheck -x "${shell_files[@]}"

  aci_log "yamllint"
  # Helm templates are not YAML until rendered; the chart tests lint those. Fuzz seeds
  # are malformed on purpose.
  mapfile -t yaml_files < <(git ls-files '*.yaml' '*.yml' | grep -v -e '^helm/.*/templates/' -e '^tests/fuzz/corpus/')
  [ "${#yaml_files[@]}" -eq 0 ] || yamllint -s -c .yamllint "${yaml_files[@]}"
fi

case "$mode" in
  files) files=("$@") ;;
  all) mapfile -t files < <(cpp_sources) ;;
  changed)
    mapfile -t changed < <(git ls-files --cached --others --exclude-standard 'daemon/*' 'emulator/*' 'tests/*' 'bench/*' | only_changed)
    mapfile -t files < <(
      for path in "${changed[@]}"; do
        case "$path" in
          *.cpp) printf '%s\n' "$path" ;;
          *.hpp) cpp_sources | xargs grep -l -F "#include \"$path\"" || true ;;
        esac
      done | grep -v 'asio_impl.cpp$' | sort -u)
    ;;
esac

# clang-tidy reads a compile database without precompiled headers (clang cannot
# use GCC's), and Boost 1.74 only enables coroutines for clang when told to.
aci_log "clang-tidy (${#files[@]} files)"
if [ "${#files[@]}" -gt 0 ]; then
  cmake --preset lint >/dev/null
  # Findings go to stdout; stderr only repeats how many warnings each file generated.
  printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p build-lint --quiet \
    --extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 --extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE=1 \
    --extra-arg=-Wno-unknown-warning-option 2> >(grep -v -E '^[0-9]+ (warnings?|errors?)( and [0-9]+ errors?)? generated\.$' >&2)
fi
aci_log "lint clean"
