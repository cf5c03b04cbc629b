#!/usr/bin/env bash
# Checks crd/ against a real kube-apiserver: the CRDs install and become Established,
# every example in config/examples/ is accepted (server-side dry run), and each invalid
# spec below, taken from the model's own tests (tests/unit/model/*_parse_test.cpp,
# tests/integration/validate_command_test.cpp), is refused with the field it expects
# named, or, where a schema cannot say it, is accepted by the API server and left to
# the daemon. When the daemon binary is there ($ACI_OPERATOR_BIN, default
# build/bin/aci-operator), `aci-operator validate` must refuse every invalid spec too,
# naming its own field. Also: the printer columns, short names and category work.
#   tests/kube/crd_check.sh                      start scripts/dev-cluster.sh for the run
#   tests/kube/crd_check.sh --kubeconfig FILE    use a running cluster (objects are
#                                                created in namespace aci-crd-check)
# Prints one line per check and "N passed, M failed"; exits 1 on any mismatch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/lib/kube.sh
source "$root/scripts/lib/kube.sh"

kubeconfig=""
if [ "${1:-}" = "--kubeconfig" ]; then kubeconfig="${2:?--kubeconfig needs a file}"; fi
kubectl_bin="$(aci_kubectl)"
daemon="${ACI_OPERATOR_BIN:-$root/build/bin/aci-operator}"
[ -x "$daemon" ] || daemon=""

work="$(mktemp -d)"
cluster_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  if [ -n "$cluster_pid" ]; then
    kill -TERM "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$kubeconfig" ]; then
  kubeconfig="$work/kubeconfig"
  "$root/scripts/dev-cluster.sh" --kubeconfig "$kubeconfig" >"$work/cluster.out" 2>"$work/cluster.err" &
  cluster_pid=$!
  until grep -q '^ready: ' "$work/cluster.out" 2>/dev/null; do
    if ! kill -0 "$cluster_pid" 2>/dev/null; then
      cat "$work/cluster.err" >&2
      echo "crd_check: the dev cluster did not start" >&2
      exit 1
    fi
    sleep 0.5
  done
fi
k() { "$kubectl_bin" --kubeconfig "$kubeconfig" "$@"; }
namespace=aci-crd-check

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok      %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAILED  %s\n' "$*"; }

# --- the CRDs install ---------------------------------------------------------------
if k apply -f "$root/crd/" >"$work/out" 2>&1 &&
   k wait --for=condition=Established --timeout=60s -f "$root/crd/" >>"$work/out" 2>&1; then
  pass "crd/ applied and Established"
else
  fail "crd/ applied and Established: $(cat "$work/out")"
  echo "$passed passed, $failed failed"
  exit 1
fi
k create namespace "$namespace" --dry-run=client -o yaml | k apply -f - >/dev/null

# --- every example is accepted --------------------------------------------------------
# Examples may name their namespace (queue-worker.json: jobs); a dry run needs it to exist.
for ns in $(k apply --dry-run=client -f "$root/config/examples/" \
              -o jsonpath='{range .items[*]}{.metadata.namespace}{"\n"}{end}' | sort -u); do
  k create namespace "$ns" --dry-run=client -o yaml | k apply -f - >/dev/null
done
if k apply --dry-run=server -f "$root/config/examples/" >"$work/out" 2>&1; then
  pass "kubectl apply --dry-run=server -f config/examples/"
else
  fail "kubectl apply --dry-run=server -f config/examples/: $(cat "$work/out")"
fi
for file in "$root"/config/examples/*; do
  if k apply --dry-run=server -f "$file" >"$work/out" 2>&1; then
    pass "example accepted: config/examples/$(basename "$file")"
  else
    fail "example refused: config/examples/$(basename "$file"): $(cat "$work/out")"
  fi
done

# --- invalid specs ------------------------------------------------------------------
# check NAME API_PATH DAEMON_PATH DOCUMENT
#   API_PATH: the field the API server must name in its refusal, or "-" when the schema
#   cannot express the rule and the API server must accept the document (only the daemon
#   refuses it). DAEMON_PATH: the field `aci-operator validate` names ("=": the same).
#   A DOCUMENT with "SECRET" in it must be refused without that word repeated.
check() {
  local name="$1" api_path="$2" daemon_path="$3" document="$4" verdict
  [ "$daemon_path" = "=" ] && daemon_path="$api_path"
  printf '%s' "$document" >"$work/doc.yaml"
  if k apply --dry-run=server -n "$namespace" -f "$work/doc.yaml" >"$work/out" 2>&1; then
    if [ "$api_path" = "-" ]; then
      verdict="api server accepts it (daemon only)"
    else
      fail "$name: the API server accepts it, expected a refusal naming $api_path"
      return
    fi
  else
    if [ "$api_path" = "-" ]; then
      fail "$name: expected the API server to accept it (daemon only), it says: $(cat "$work/out")"
      return
    fi
    # Schema and CEL errors read "<path>: <reason>"; strict decoding says unknown field "<path>".
    if ! grep -q -F -e "$api_path: " -e "\"$api_path\"" "$work/out"; then
      fail "$name: refused without naming $api_path: $(cat "$work/out")"
      return
    fi
    if grep -q SECRET "$work/doc.yaml" && grep -q SECRET "$work/out"; then
      fail "$name: the refusal repeats the secret: $(cat "$work/out")"
      return
    fi
    verdict="api server refuses at $api_path"
  fi
  if [ -n "$daemon" ]; then
    if "$daemon" validate "$work/doc.yaml" >"$work/daemon.out" 2>&1; then
      fail "$name: $verdict, but aci-operator validate accepts it"
      return
    elif ! grep -q -F ": $daemon_path: " "$work/daemon.out"; then
      fail "$name: $verdict, but aci-operator validate does not name $daemon_path: $(cat "$work/daemon.out")"
      return
    fi
    verdict+="; daemon refuses at $daemon_path"
  fi
  pass "$name: $verdict"
}

# accept NAME DOCUMENT: a valid edge of a rule; the API server and the daemon accept it.
accept() {
  local name="$1" document="$2"
  printf '%s' "$document" >"$work/doc.yaml"
  if ! k apply --dry-run=server -n "$namespace" -f "$work/doc.yaml" >"$work/out" 2>&1; then
    fail "$name: the API server refuses a valid spec: $(cat "$work/out")"
  elif [ -n "$daemon" ] && ! "$daemon" validate "$work/doc.yaml" >"$work/daemon.out" 2>&1; then
    fail "$name: aci-operator validate refuses it: $(cat "$work/daemon.out")"
  else
    pass "$name: accepted"
  fi
}

cg_head='apiVersion: acioperator.io/v1alpha1
kind: ContainerGroup
metadata:
  name: hello
spec:
  azure:
    subscriptionId: 00000000-0000-0000-0000-000000000001
    resourceGroup: demo-rg
    location: westeurope
'
azure_only='apiVersion: acioperator.io/v1alpha1
kind: ContainerGroup
metadata:
  name: hello
spec:
'
containers='  containers:
    - name: app
      image: myregistry.azurecr.io/aci-helloworld:v1
      resources: {cpu: 1, memoryInGB: 1.5}
      ports: [{port: 80, protocol: TCP}]
'
with_resources() { printf '%s  containers:\n    - name: app\n      image: nginx\n      resources: %s\n' "$cg_head" "$1"; }
identity=/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/demo-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/acr-pull

# ContainerGroup: valid edges
accept limits-at-maximum "$(with_resources '{cpu: 4, memoryInGB: 16}')"
accept limits-at-minimum "$(with_resources '{cpu: 0.01, memoryInGB: 0.1}')"
accept limits-inexact-in-binary "$cg_head  containers:
    - {name: a, image: nginx, resources: {cpu: 0.29, memoryInGB: 0.7}}
    - {name: b, image: nginx, resources: {cpu: 1.15, memoryInGB: 2.3}}
    - {name: c, image: nginx, resources: {cpu: 2.56, memoryInGB: 13}}
"
accept limits-written-as-text "$(with_resources '{cpu: 1.0, memoryInGB: 3}')"
accept resource-group-with-punctuation-and-unicode "${cg_head/demo-rg/My_Group.(prod)-1-ü}$containers"
accept location-display-name "${cg_head/location: westeurope/location: West Europe}$containers"
accept same-port-tcp-and-udp "$cg_head  containers:
    - {name: dns, image: coredns, ports: [{port: 53, protocol: TCP}, {port: 53, protocol: UDP}]}
  ipAddress: {ports: [{port: 53, protocol: UDP}], dnsNameLabel: hello-demo-1}
"
accept windows-one-container "$cg_head  osType: Windows
  containers: [{name: a, image: mcr.microsoft.com/windows/nanoserver:ltsc2022}]
"
accept registry-with-port-and-identity-in-other-case "$cg_head$containers  imageRegistryCredentials:
    - server: registry.example.com:5000
      identity: ${identity/resourceGroups/resourcegroups}
"

# ContainerGroup: invalid
check literal-password 'spec.imageRegistryCredentials[0].password' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      username: {keyVault: mykeyvault, secret: myregistry-pull-usr}
      password: Hunter2-SECRET
"
check literal-username 'spec.imageRegistryCredentials[0].username' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      username: 00000000-0000-0000-0000-0000000000cc
      password: {keyVault: mykeyvault, secret: myregistry-pull-pwd}
"
check cpu-above-4 'spec.containers[0].resources.cpu' = "$(with_resources '{cpu: 5, memoryInGB: 1}')"
check cpu-zero 'spec.containers[0].resources.cpu' = "$(with_resources '{cpu: 0, memoryInGB: 1}')"
check cpu-not-multiple-of-0.01 'spec.containers[0].resources.cpu' = "$(with_resources '{cpu: 0.125, memoryInGB: 1}')"
check memory-above-16 'spec.containers[0].resources.memoryInGB' = "$(with_resources '{cpu: 1, memoryInGB: 16.5}')"
check memory-negative 'spec.containers[0].resources.memoryInGB' = "$(with_resources '{cpu: 1, memoryInGB: -1}')"
check memory-not-multiple-of-0.1 'spec.containers[0].resources.memoryInGB' = "$(with_resources '{cpu: 1, memoryInGB: 1.25}')"
check memory-not-a-number 'spec.containers[0].resources.memoryInGB' = "$(with_resources '{cpu: 1, memoryInGB: lots}')"
check group-cpu-total-above-4 'spec.containers' = "$cg_head  containers:
    - {name: a, image: nginx, resources: {cpu: 2, memoryInGB: 1}}
    - {name: b, image: nginx, resources: {cpu: 1.5, memoryInGB: 1}}
    - {name: c, image: nginx, resources: {cpu: 1, memoryInGB: 0.5}}
"
check group-memory-total-above-16 'spec.containers' = "$cg_head  containers:
    - {name: a, image: nginx, resources: {cpu: 1, memoryInGB: 8}}
    - {name: b, image: nginx, resources: {cpu: 1, memoryInGB: 8}}
    - {name: c, image: nginx, resources: {cpu: 1, memoryInGB: 0.5}}
"
check bad-enum-osType 'spec.osType' = "$cg_head$containers  osType: Linux2
"
check bad-enum-restartPolicy 'spec.restartPolicy' = "$cg_head$containers  restartPolicy: Sometimes
"
check bad-enum-policy-mode 'spec.policy.mode' = "$cg_head$containers  policy: {mode: Dry}
"
check bad-enum-protocol 'spec.containers[0].ports[0].protocol' = "$cg_head  containers:
    - {name: app, image: nginx, ports: [{port: 53, protocol: SCTP}]}
"
check not-a-boolean 'spec.policy.adopt' = "$cg_head$containers  policy: {adopt: maybe}
"
check unknown-field 'spec.colour' = "$cg_head$containers  colour: blue
"
check unknown-field-in-container 'spec.containers[0].imagePullPolicy' = "$cg_head$containers      imagePullPolicy: Always
"
check unknown-field-in-azure 'spec.azure.region' = "$cg_head    region: westeurope
$containers"
check unknown-field-in-reference 'spec.imageRegistryCredentials[0].password.version' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      username: {keyVault: mykeyvault, secret: usr}
      password: {keyVault: mykeyvault, secret: pwd, version: abc}
"
check missing-azure 'spec.azure' = "$azure_only$containers"
check missing-containers 'spec.containers' = "$cg_head  osType: Linux
"
check missing-resource-group 'spec.azure.resourceGroup' = "apiVersion: acioperator.io/v1alpha1
kind: ContainerGroup
metadata: {name: hello}
spec:
  azure: {subscriptionId: 00000000-0000-0000-0000-000000000001, location: westeurope}
$containers"
check missing-container-name 'spec.containers[0].name' = "$cg_head  containers:
    - image: nginx
"
check missing-secret-in-reference 'spec.containers[0].env[0].secretRef.secret' = "$cg_head$containers      env: [{name: X, secretRef: {keyVault: mykeyvault}}]
"
check empty-container-list 'spec.containers' = "$cg_head  containers: []
"
check containers-not-a-list 'spec.containers' = "$cg_head  containers: app
"
check port-not-a-number 'spec.containers[0].ports[0].port' = "$cg_head  containers:
    - {name: app, image: nginx, ports: [{port: http}]}
"
check env-value-and-secretRef 'spec.containers[0].env[0]' = "$cg_head$containers      env:
        - name: DB_PASSWORD
          value: plain
          secretRef: {keyVault: mykeyvault, secret: db-password}
"
check env-neither-value-nor-secretRef 'spec.containers[0].env[0]' = "$cg_head$containers      env:
        - name: EMPTY
"
check env-literal-secretRef 'spec.containers[0].env[0].secretRef' = "$cg_head$containers      env: [{name: X, secretRef: x-SECRET}]
"
check env-name-with-equals 'spec.containers[0].env[0].name' = "$cg_head$containers      env: [{name: A=B, value: x}]
"
check env-name-duplicate 'spec.containers[0].env[1]' 'spec.containers[0].env[1].name' "$cg_head$containers      env:
        - {name: MODE, value: prod}
        - {name: MODE, value: dev}
"
check identity-and-password 'spec.imageRegistryCredentials[0]' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      identity: $identity
      password: {keyVault: mykeyvault, secret: myregistry-pull-pwd}
"
check no-credential-form 'spec.imageRegistryCredentials[0]' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
"
check password-without-username 'spec.imageRegistryCredentials[0].username' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      password: {keyVault: mykeyvault, secret: myregistry-pull-pwd}
"
check username-without-password 'spec.imageRegistryCredentials[0].password' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      username: {keyVault: mykeyvault, secret: myregistry-pull-usr}
"
check registry-server-with-scheme 'spec.imageRegistryCredentials[0].server' = "$cg_head$containers  imageRegistryCredentials:
    - {server: 'https://myregistry.azurecr.io', identity: $identity}
"
check identity-not-a-resource-id 'spec.imageRegistryCredentials[0].identity' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      identity: /subscriptions/abc/resourceGroups/rg/providers/Microsoft.ManagedIdentity/x
"
check registry-server-duplicate 'spec.imageRegistryCredentials' 'spec.imageRegistryCredentials[1].server' "$cg_head$containers  imageRegistryCredentials:
    - {server: myregistry.azurecr.io, identity: $identity}
    - {server: MyRegistry.azurecr.io, identity: $identity}
"
check vault-starting-with-digit 'spec.imageRegistryCredentials[0].username.keyVault' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      username: {keyVault: 1vault, secret: usr}
      password: {keyVault: mykeyvault, secret: pwd}
"
check vault-with-double-dash 'spec.imageRegistryCredentials[0].password.keyVault' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      username: {keyVault: mykeyvault, secret: usr}
      password: {keyVault: my--vault, secret: pwd}
"
check vault-too-short 'spec.containers[0].env[0].secretRef.keyVault' = "$cg_head$containers      env: [{name: X, secretRef: {keyVault: kv, secret: x}}]
"
check secret-name-with-underscore 'spec.imageRegistryCredentials[0].username.secret' = "$cg_head$containers  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      username: {keyVault: mykeyvault, secret: pull_usr}
      password: {keyVault: mykeyvault, secret: pwd}
"
check subscription-not-a-guid 'spec.azure.subscriptionId' = "apiVersion: acioperator.io/v1alpha1
kind: ContainerGroup
metadata: {name: hello}
spec:
  azure: {subscriptionId: my-subscription, resourceGroup: demo-rg, location: westeurope}
$containers"
check resource-group-ending-in-dot 'spec.azure.resourceGroup' = "${cg_head/demo-rg/demo.}$containers"
check resource-group-with-hash 'spec.azure.resourceGroup' = "${cg_head/demo-rg/demo#rg}$containers"
check resource-group-too-long 'spec.azure.resourceGroup' = "${cg_head/demo-rg/$(printf 'r%.0s' $(seq 91))}$containers"
check group-name-uppercase 'spec.azure.name' = "$cg_head    name: Hello_World
$containers"
check group-name-double-dash 'spec.azure.name' = "$cg_head    name: hello--world
$containers"
check group-name-too-long 'spec.azure.name' = "$cg_head    name: $(printf 'a%.0s' $(seq 64))
$containers"
check metadata-name-not-a-group-name 'spec.azure.name' = "${cg_head/name: hello/name: hello.world}$containers"
check container-name-uppercase 'spec.containers[0].name' = "$cg_head  containers:
    - {name: App, image: nginx}
"
check container-name-duplicate 'spec.containers[1]' 'spec.containers[1].name' "$cg_head  containers:
    - {name: app, image: nginx}
    - {name: app, image: redis}
"
check image-with-space 'spec.containers[0].image' = "$cg_head  containers:
    - {name: app, image: 'nginx latest'}
"
check dns-label-too-short 'spec.ipAddress.dnsNameLabel' = "$cg_head$containers  ipAddress: {ports: [{port: 80}], dnsNameLabel: demo}
"
check dns-label-starting-with-digit 'spec.ipAddress.dnsNameLabel' = "$cg_head$containers  ipAddress: {ports: [{port: 80}], dnsNameLabel: 1hello}
"
check ip-private 'spec.ipAddress.type' = "$cg_head$containers  ipAddress: {type: Private, ports: [{port: 80}]}
"
check ip-without-ports 'spec.ipAddress.ports' = "$cg_head$containers  ipAddress: {type: Public}
"
check ip-empty-ports 'spec.ipAddress.ports' = "$cg_head$containers  ipAddress: {ports: []}
"
check ip-port-not-exposed 'spec.ipAddress.ports' 'spec.ipAddress.ports[1].port' "$cg_head$containers  ipAddress: {ports: [{port: 80}, {port: 8080}]}
"
check ip-port-duplicate 'spec.ipAddress.ports[1]' 'spec.ipAddress.ports[1].port' "$cg_head$containers  ipAddress: {ports: [{port: 80}, {port: 80, protocol: TCP}]}
"
check port-exposed-twice-in-a-container 'spec.containers[0].ports[1]' 'spec.containers[0].ports[1].port' "$cg_head  containers:
    - {name: app, image: nginx, ports: [{port: 80}, {port: 80}]}
"
check port-exposed-by-two-containers - 'spec.containers[1].ports[0].port' "$cg_head  containers:
    - {name: web, image: nginx, resources: {cpu: 1}, ports: [{port: 80}]}
    - {name: api, image: api, resources: {cpu: 1}, ports: [{port: 80, protocol: TCP}]}
"
check windows-two-containers 'spec.containers' = "$cg_head  osType: Windows
  containers:
    - {name: a, image: mcr.microsoft.com/windows/nanoserver:ltsc2022, resources: {cpu: 1}}
    - {name: b, image: mcr.microsoft.com/windows/nanoserver:ltsc2022, resources: {cpu: 1}}
"
check tag-reserved 'spec.tags' 'spec.tags.acioperator.io/owner' "$cg_head$containers  tags: {acioperator.io/owner: me}
"
check tag-name-with-slash 'spec.tags' 'spec.tags.a/b' "$cg_head$containers  tags: {a/b: x}
"
check tag-value-not-a-string 'spec.tags.nested.x' 'spec.tags.nested' "$cg_head$containers  tags: {nested: {x: y}}
"
check tag-value-too-long 'spec.tags.team' = "$cg_head$containers  tags: {team: $(printf 'v%.0s' $(seq 257))}
"
check too-many-tags 'spec.tags' = "$cg_head$containers  tags: {$(for i in $(seq 49); do printf 't%s: v, ' "$i"; done)}
"

# CredentialRotation
rot_head='apiVersion: acioperator.io/v1alpha1
kind: CredentialRotation
metadata:
  name: myregistry-pull
spec:
  tenantId: 00000000-0000-0000-0000-0000000000aa
  application:
    objectId: 00000000-0000-0000-0000-0000000000bb
    appId: 00000000-0000-0000-0000-0000000000cc
  keyVault: mykeyvault
  usernameSecret: myregistry-pull-usr
  passwordSecret: myregistry-pull-pwd
'
accept rotation-every-with-short-grace "$rot_head  every: 1m
  gracePeriod: 10s
  passwordLifetime: 2160h
"
accept rotation-schedule-with-names "$rot_head  schedule: '0 3 * * MON'
  passwordLifetime: 720h
  verify: {registry: myregistry.azurecr.io}
  rollout: {maxConcurrent: 1000}
"
check every-and-schedule 'spec.schedule' = "$rot_head  every: 720h
  schedule: '0 3 * * 1'
  passwordLifetime: 2160h
"
check neither-every-nor-schedule 'spec.every' = "$rot_head  passwordLifetime: 2160h
"
check every-in-days 'spec.every' = "$rot_head  every: 30d
  passwordLifetime: 2160h
"
check lifetime-not-a-duration 'spec.passwordLifetime' = "$rot_head  every: 720h
  passwordLifetime: 90 days
"
check grace-negative 'spec.gracePeriod' = "$rot_head  every: 720h
  passwordLifetime: 2160h
  gracePeriod: -1h
"
check every-zero 'spec.every' = "$rot_head  every: 0s
  passwordLifetime: 2160h
"
check schedule-four-fields 'spec.schedule' = "$rot_head  schedule: '0 3 * *'
  passwordLifetime: 2160h
"
check schedule-hour-out-of-range - 'spec.schedule' "$rot_head  schedule: '0 24 * * *'
  passwordLifetime: 2160h
"
check schedule-never-fires - 'spec.schedule' "$rot_head  schedule: '0 0 30 2 *'
  passwordLifetime: 2160h
"
check lifetime-shorter-than-grace 'spec.passwordLifetime' = "$rot_head  every: 1h
  passwordLifetime: 12h
  gracePeriod: 24h
"
check lifetime-equal-to-default-grace 'spec.passwordLifetime' = "$rot_head  every: 1h
  passwordLifetime: 24h
"
check lifetime-below-every-plus-grace 'spec.passwordLifetime' = "$rot_head  every: 720h
  passwordLifetime: 730h
"
check app-id-not-a-guid 'spec.application.appId' = "${rot_head/appId: 00000000-0000-0000-0000-0000000000cc/appId: app}  every: 720h
  passwordLifetime: 2160h
"
check vault-with-underscore 'spec.keyVault' = "${rot_head/keyVault: mykeyvault/keyVault: my_vault}  every: 720h
  passwordLifetime: 2160h
"
check secret-name-with-dot 'spec.usernameSecret' = "${rot_head/usernameSecret: myregistry-pull-usr/usernameSecret: pull.usr}  every: 720h
  passwordLifetime: 2160h
"
check secret-name-too-long 'spec.passwordSecret' = "${rot_head/passwordSecret: myregistry-pull-pwd/passwordSecret: $(printf 'p%.0s' $(seq 128))}  every: 720h
  passwordLifetime: 2160h
"
check same-secret-twice 'spec.passwordSecret' = "${rot_head/passwordSecret: myregistry-pull-pwd/passwordSecret: myregistry-pull-usr}  every: 720h
  passwordLifetime: 2160h
"
check max-concurrent-zero 'spec.rollout.maxConcurrent' = "$rot_head  every: 720h
  passwordLifetime: 2160h
  rollout: {maxConcurrent: 0}
"
check verify-registry-with-path 'spec.verify.registry' = "$rot_head  every: 720h
  passwordLifetime: 2160h
  verify: {registry: myregistry.azurecr.io/v2}
"
for field in tenantId application keyVault usernameSecret passwordSecret passwordLifetime; do
  check "missing-$field" "spec.$field" = "apiVersion: acioperator.io/v1alpha1
kind: CredentialRotation
metadata: {name: r}
spec:
  every: 720h
"
done
check unknown-field-in-rotation 'spec.extra' = "$rot_head  every: 720h
  passwordLifetime: 2160h
  extra: true
"

# --- printer columns, short names, category, status subresource ---------------------
k delete -n "$namespace" --ignore-not-found -f "$root/config/examples/hello-world.yaml" >/dev/null 2>&1 || true
if k apply -n "$namespace" -f "$root/config/examples/hello-world.yaml" >"$work/out" 2>&1 &&
   k patch -n "$namespace" containergroup hello-world --subresource=status --type=merge -p '{"status": {
     "state": "Running", "provisioningState": "Succeeded", "ipAddress": "20.0.0.4", "observedGeneration": 1,
     "conditions": [{"type": "Ready", "status": "True", "reason": "Running", "message": "",
                     "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}' >>"$work/out" 2>&1 &&
   k get acg -n "$namespace" hello-world >"$work/get" 2>>"$work/out"; then
  if head -n 1 "$work/get" | grep -q -E '^NAME +READY +STATE +PROVISIONING +IP +AGE$' &&
     sed -n 2p "$work/get" | grep -q -E '^hello-world +True +Running +Succeeded +20\.0\.0\.4 '; then
    pass "kubectl get acg shows Ready, State, Provisioning, IP, Age from status"
  else
    fail "kubectl get acg: unexpected columns: $(cat "$work/get")"
  fi
else
  fail "kubectl get acg: $(cat "$work/out")"
fi
if k get aci -n "$namespace" -o name 2>&1 | grep -q -x 'containergroup.acioperator.io/hello-world' &&
   k get crot -n "$namespace" >/dev/null 2>&1; then
  pass "category aci and short names acg, crot"
else
  fail "category aci or short name crot missing: $(k get aci -n "$namespace" 2>&1)"
fi
k delete -n "$namespace" --ignore-not-found -f "$root/config/examples/hello-world.yaml" >/dev/null 2>&1 || true

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
