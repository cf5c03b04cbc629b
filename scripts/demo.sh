#!/usr/bin/env bash
# The main job, on this machine: builds, starts azure-emulator (the demo world of
# config/emulator-demo.yaml on https://127.0.0.1:8443) and aci-operator with
# config/demo.yaml, which creates the example container groups of config/examples in
# the emulator and keeps them equal to their specs. Runs until Ctrl-C (or SIGTERM),
# then stops both. State of this run: .demo/ (the emulator's CA, status files).
#   scripts/demo.sh [--kubernetes] [aci-operator flags, e.g. --log-level debug]
# --kubernetes: the specs are custom resources instead (docs/kubernetes.md). It also
# starts scripts/dev-cluster.sh (kube-apiserver and etcd on loopback; the first run
# builds them), applies crd/ and config/examples/*.yaml there, and runs aci-operator
# with config/demo.yaml's settings but `specs: {source: kubernetes}`.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"

kubernetes=false
daemon_args=()
for arg in "$@"; do
  if [ "$arg" = "--kubernetes" ]; then kubernetes=true; else daemon_args+=("$arg"); fi
done

aci_install_packages
aci_build release

demo_dir="$ACI_ROOT/.demo"
rm -rf "$demo_dir"
mkdir -p "$demo_dir/emulator"
emulator_pid=""
daemon_pid=""
cluster_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
stop_all() {
  if [ -n "$daemon_pid" ]; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ -n "$cluster_pid" ]; then
    # SIGTERM, not SIGINT: a background job of a script ignores SIGINT.
    kill -TERM "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" 2>/dev/null || true
  fi
  if [ -n "$emulator_pid" ]; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
  fi
}
trap stop_all EXIT

if $kubernetes; then
  # Started first: it takes longest (and builds kube-apiserver and etcd on a first run).
  aci_log "starting scripts/dev-cluster.sh (log: .demo/dev-cluster.log; a first run builds kube-apiserver, 15-20 minutes)"
  "$ACI_ROOT/scripts/dev-cluster.sh" --kubeconfig "$demo_dir/kubeconfig" \
    >"$demo_dir/dev-cluster.out" 2>"$demo_dir/dev-cluster.log" &
  cluster_pid=$!
fi

aci_log "starting azure-emulator on https://127.0.0.1:8443"
"$ACI_ROOT/build/bin/azure-emulator" --seed "$ACI_ROOT/config/emulator-demo.yaml" --address 127.0.0.1 \
  --port 8443 --state-dir "$demo_dir/emulator" --provisioning-duration 3s >"$demo_dir/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$demo_dir/emulator.log" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$demo_dir/emulator.log" >&2; exit 1; }
  sleep 0.1
done

config="$ACI_ROOT/config/demo.yaml"
expected_groups=1  # the least number of ContainerGroups /status must show before the table
if $kubernetes; then
  # shellcheck source=scripts/lib/kube.sh
  source "$ACI_ROOT/scripts/lib/kube.sh"
  kubectl_bin="$(aci_kubectl)"
  until grep -q '^ready: KUBECONFIG=' "$demo_dir/dev-cluster.out" 2>/dev/null; do
    if ! kill -0 "$cluster_pid" 2>/dev/null; then
      tail -n 20 "$demo_dir/dev-cluster.log" >&2
      aci_log "the dev cluster did not start (log: .demo/dev-cluster.log)"
      exit 1
    fi
    sleep 0.5
  done
  kubeconfig="$(sed -n 's/^ready: KUBECONFIG=//p' "$demo_dir/dev-cluster.out" | head -n 1)"
  k() { "$kubectl_bin" --kubeconfig "$kubeconfig" "$@"; }

  aci_log "applying crd/"
  k apply -f "$ACI_ROOT/crd/" >/dev/null
  k wait --for=condition=Established --timeout=60s -f "$ACI_ROOT/crd/" >/dev/null

  # config/demo.yaml with its specs: block replaced. The copy lives in .demo/, so its
  # relative paths (relative to config/) are made absolute.
  config="$demo_dir/demo-kubernetes.yaml"
  awk -v dir="$ACI_ROOT/config" -v kubeconfig="$kubeconfig" '
    /^specs:/ {
      print "specs: {source: kubernetes}"
      print "kubernetes: {kubeconfig: \"" kubeconfig "\"}"
      in_specs = 1
      next
    }
    in_specs && /^[[:space:]]/ { next }
    { in_specs = 0 }
    match($0, /^[[:space:]]*(directory|clientSecretFile|certificateFile|privateKeyFile|federatedTokenFile|caFile):[[:space:]]*/) {
      value = substr($0, RLENGTH + 1)
      if (value != "" && value !~ /^["\047\/#]/) $0 = substr($0, 1, RLENGTH) dir "/" value
    }
    { print }
  ' "$ACI_ROOT/config/demo.yaml" >"$config"
fi

aci_log "starting aci-operator with ${config#"$ACI_ROOT/"} (logs: .demo/aci-operator.log)"
"$ACI_ROOT/build/bin/aci-operator" --config "$config" ${daemon_args[@]+"${daemon_args[@]}"} \
  >"$demo_dir/aci-operator.log" 2>&1 &
daemon_pid=$!
# Ctrl-C or SIGTERM: stop the daemon gracefully and exit with its code.
trap 'kill -TERM "$daemon_pid" 2>/dev/null || true' INT TERM

if $kubernetes; then
  aci_log "applying config/examples/ as custom resources (namespaces default and jobs)"
  k create namespace jobs >/dev/null  # queue-worker.json's
  k apply -f "$ACI_ROOT/config/examples/" >/dev/null
  expected_groups="$(k get containergroups -A -o name | wc -l)"
fi

status_table() {
  curl -s http://127.0.0.1:9090/status |
    jq -r 'to_entries[] | select(.key | startswith("ContainerGroup/")) |
             [.key, (.value.provisioningState // "-"), (.value.state // "-"),
              ((.value.conditions // []) | map(select(.type == "Ready"))[0].status // "-"),
              ((.value.secretVersions // {})["mykeyvault/myregistry-pull-pwd"] // "-")[0:8]] | @tsv' |
    column -t -N "OBJECT,PROVISIONING,STATE,READY,PULL-PASSWORD"
  curl -s http://127.0.0.1:9090/status |
    jq -r 'to_entries[] | select(.key | startswith("CredentialRotation/")) |
             "\(.key): version \((.value.currentSecretVersion // "-")[0:8]), next rotation \(.value.nextRotationTime // "-")"'
}
aci_log "waiting for the example container groups to run"
for _ in $(seq 120); do
  kill -0 "$daemon_pid" 2>/dev/null || break
  groups='with_entries(select(.key | startswith("ContainerGroup/")))'
  total=$(curl -s http://127.0.0.1:9090/status | jq "$groups | length" 2>/dev/null || echo 0)
  # Running, or DetectOnly and reported (the example queue-worker is never created).
  settled='.state == "Running" or ((.conditions // []) | any(.type == "Synced" and .reason == "DriftDetected"))'
  running=$(curl -s http://127.0.0.1:9090/status | jq "[$groups | .[] | select($settled)] | length" 2>/dev/null || echo 0)
  [ "$total" -ge "$expected_groups" ] && [ "$running" -eq "$total" ] && break
  sleep 1
done
if $kubernetes; then
  if kill -0 "$daemon_pid" 2>/dev/null; then
    k get containergroups,credentialrotations -A
  else
    tail -n 20 "$demo_dir/aci-operator.log" >&2
  fi
  aci_log "kubectl: export KUBECONFIG=$kubeconfig; $kubectl_bin get acg,crot -w   (events: $kubectl_bin get events)"
  aci_log "metrics: http://127.0.0.1:9090/metrics  status: http://127.0.0.1:9090/status  probes: /healthz /readyz"
  aci_log "the pull password rotates every minute: watch 'Current version' change and the groups restart in turn"
  aci_log "edit a spec: kubectl edit acg hello-world (try image aci-helloworld:v2); kubectl delete acg reports runs its deletion policy"
  aci_log "emulator admin: https://127.0.0.1:8443/_emulator/state (CA: .demo/emulator/ca.pem); Ctrl-C stops all three"
else
  if kill -0 "$daemon_pid" 2>/dev/null; then status_table; fi
  aci_log "metrics: http://127.0.0.1:9090/metrics  status: http://127.0.0.1:9090/status  probes: /healthz /readyz"
  aci_log "the pull password rotates every minute: watch PULL-PASSWORD change one group at a time in /status"
  aci_log "emulator admin: https://127.0.0.1:8443/_emulator/state (CA: .demo/emulator/ca.pem); Ctrl-C stops both"
fi
set +e
wait "$daemon_pid"
code=$?
# A trapped signal interrupts the first wait; wait again for the daemon's own exit code.
kill -0 "$daemon_pid" 2>/dev/null && { wait "$daemon_pid"; code=$?; }
daemon_pid=""
exit "$code"
