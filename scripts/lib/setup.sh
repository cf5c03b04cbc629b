# shellcheck shell=bash
# Shared by the scripts in scripts/: install what is missing on Debian 12, then
# configure and build a CMake preset incrementally. Source it; do not run it.

ACI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ACI_ROOT

# Debian packages the build, the tests and the linters need (clang-14 and its runtimes,
# which hold libFuzzer and the sanitizers, for the fuzz preset).
ACI_PACKAGES=(
  g++ cmake ninja-build ccache pkg-config
  libboost-dev libboost-system-dev libssl-dev nlohmann-json3-dev prometheus-cpp-dev
  libyaml-cpp-dev libgtest-dev libgmock-dev
  openssl curl jq unzip bsdextrautils prometheus shellcheck yamllint clang-tidy
  clang-14 libclang-rt-14-dev
)

aci_log() { printf '==> %s\n' "$*" >&2; }

# Installs the missing packages with apt-get (as root, or through sudo).
aci_install_packages() {
  local missing=()
  local package
  for package in "${ACI_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  # Node.js runs the Azure SDK conformance suite; keep the machine's own if it has one.
  command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
  [ "${#missing[@]}" -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  aci_log "installing: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures (first time) and builds the preset named in $1.
aci_build() {
  local preset="$1"
  cd "$ACI_ROOT" || return
  aci_log "building ($preset)"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
}
