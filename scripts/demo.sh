#!/usr/bin/env bash
# The main job, on this machine: builds, starts azure-emulator (the demo world of
# config/emulator-demo.yaml on https://127.0.0.1:8443) and aci-operator with
# config/demo.yaml, which creates the example container groups of config/examples in
# the emulator and keeps them equal to their specs. Runs until Ctrl-C (or SIGTERM),
# then stops both. State of this run: .demo/ (the emulator's CA, status files).
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"

aci_install_packages
aci_build release

demo_dir="$ACI_ROOT/.demo"
rm -rf "$demo_dir"
mkdir -p "$demo_dir/emulator"
emulator_pid=""
daemon_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
stop_all() {
  if [ -n "$daemon_pid" ]; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ -n "$emulator_pid" ]; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
  fi
}
trap stop_all EXIT

aci_log "starting azure-emulator on https://127.0.0.1:8443"
"$ACI_ROOT/build/bin/azure-emulator" --seed "$ACI_ROOT/config/emulator-demo.yaml" --address 127.0.0.1 \
  --port 8443 --state-dir "$demo_dir/emulator" --provisioning-duration 3s >"$demo_dir/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$demo_dir/emulator.log" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$demo_dir/emulator.log" >&2; exit 1; }
  sleep 0.1
done

aci_log "starting aci-operator with config/demo.yaml (logs: .demo/aci-operator.log)"
"$ACI_ROOT/build/bin/aci-operator" --config "$ACI_ROOT/config/demo.yaml" "$@" >"$demo_dir/aci-operator.log" 2>&1 &
daemon_pid=$!
# Ctrl-C or SIGTERM: stop the daemon gracefully and exit with its code.
trap 'kill -TERM "$daemon_pid" 2>/dev/null || true' INT TERM

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
  [ "$total" -gt 0 ] && [ "$running" -eq "$total" ] && break
  sleep 1
done
if kill -0 "$daemon_pid" 2>/dev/null; then status_table; fi
aci_log "metrics: http://127.0.0.1:9090/metrics  status: http://127.0.0.1:9090/status  probes: /healthz /readyz"
aci_log "the pull password rotates every minute: watch PULL-PASSWORD change one group at a time in /status"
aci_log "emulator admin: https://127.0.0.1:8443/_emulator/state (CA: .demo/emulator/ca.pem); Ctrl-C stops both"
set +e
wait "$daemon_pid"
code=$?
# A trapped signal interrupts the first wait; wait again for the daemon's own exit code.
kill -0 "$daemon_pid" 2>/dev/null && { wait "$daemon_pid"; code=$?; }
daemon_pid=""
exit "$code"
