#!/usr/bin/env bash
# A real Kubernetes API server on this machine, for development and the tests: etcd and
# kube-apiserver (built once per machine by scripts/lib/kube.sh) on 127.0.0.1, free
# ports, RBAC on, TokenRequest working (service-account issuer and signing key), a
# client CA and an admin client certificate (group system:masters). No controller
# manager runs: no default ServiceAccounts, no Pods, and the aggregated ClusterRoles
# (admin, edit, view) stay empty. Writes an admin kubeconfig (default
# .demo/kubeconfig), prints it, and runs until Ctrl-C or SIGTERM, then stops both
# processes and removes their data and the kubeconfig.
#   scripts/dev-cluster.sh [--kubeconfig FILE]
# A test or another script can run it in the background and wait for the line
#   ready: KUBECONFIG=<file>
# on stdout; everything else it says goes to stderr. SIGHUP compacts etcd and restarts
# the API server (clients must relist after 410 Gone), then prints
#   restarted: kube-apiserver
# Logs: etcd.log and kube-apiserver.log beside the kubeconfig.
set -euo pipefail
# shellcheck source=scripts/lib/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
# shellcheck source=scripts/lib/kube.sh
source "$ACI_ROOT/scripts/lib/kube.sh"

kubeconfig="$ACI_ROOT/.demo/kubeconfig"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --kubeconfig) kubeconfig="${2:?--kubeconfig needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) aci_log "unknown argument: $1 (see --help)"; exit 2 ;;
  esac
done
for tool in openssl curl; do
  command -v "$tool" >/dev/null 2>&1 || aci_install_packages
done

apiserver="$(aci_kube_apiserver)"
etcd="$(aci_kube_etcd)"
kubectl="$(aci_kubectl)"

log_dir="$(dirname "$kubeconfig")"
mkdir -p "$log_dir"
work="$(mktemp -d -t aci-dev-cluster.XXXXXX)"
etcd_pid=""
apiserver_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
stop_all() {
  local pid
  for pid in "$apiserver_pid" "$etcd_pid"; do
    [ -n "$pid" ] || continue
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
  rm -f "$kubeconfig"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nothing listens on, outside Linux's ephemeral range (32768-60999) so an
# outgoing connection cannot take it between the check and the bind.
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return
    fi
  done
  aci_log "no free port found"
  return 1
}
etcd_port="$(free_port)"
peer_port="$(free_port)"
port="$(free_port)"
while [ "$port" = "$etcd_port" ] || [ "$port" = "$peer_port" ] || [ "$peer_port" = "$etcd_port" ]; do
  port="$(free_port)"
  peer_port="$(free_port)"
done

# Certificates: one CA signs the serving certificate and the admin client certificate;
# the service-account key pair signs and checks ServiceAccount tokens.
pki="$work/pki"
mkdir -p "$pki"
(
  cd "$pki"
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 30 -subj "/CN=aci-dev-cluster-ca" 2>/dev/null
  openssl req "${ec[@]}" -keyout serving.key -out serving.csr -subj "/CN=kube-apiserver" 2>/dev/null
  openssl x509 -req -in serving.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out serving.crt \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n') 2>/dev/null
  openssl req "${ec[@]}" -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=aci-dev-admin" 2>/dev/null
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out admin.crt \
    -extfile <(printf 'extendedKeyUsage=clientAuth\n') 2>/dev/null
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
  openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
)

aci_log "starting etcd on 127.0.0.1:$etcd_port (log: $log_dir/etcd.log)"
"$etcd" --name dev --data-dir "$work/etcd" --unsafe-no-fsync \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "dev=http://127.0.0.1:$peer_port" >"$log_dir/etcd.log" 2>&1 &
etcd_pid=$!

start_apiserver() {
  aci_log "starting kube-apiserver on https://127.0.0.1:$port (log: $log_dir/kube-apiserver.log)"
  "$apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" --cert-dir "$work/cert-dir" \
    --secure-port "$port" --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --endpoint-reconciler-type none \
    --tls-cert-file "$pki/serving.crt" --tls-private-key-file "$pki/serving.key" \
    --client-ca-file "$pki/ca.crt" --authorization-mode RBAC \
    --service-cluster-ip-range 10.0.0.0/24 --allow-privileged=true --disable-admission-plugins ServiceAccount \
    --service-account-issuer "https://127.0.0.1:$port/" --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" >>"$log_dir/kube-apiserver.log" 2>&1 &
  apiserver_pid=$!
}
: >"$log_dir/kube-apiserver.log"
start_apiserver

b64() { base64 -w0 <"$1"; }
cat >"$kubeconfig.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: aci-dev
    cluster:
      server: https://127.0.0.1:$port
      certificate-authority-data: $(b64 "$pki/ca.crt")
users:
  - name: aci-dev-admin
    user:
      client-certificate-data: $(b64 "$pki/admin.crt")
      client-key-data: $(b64 "$pki/admin.key")
contexts:
  - name: aci-dev
    context: {cluster: aci-dev, user: aci-dev-admin, namespace: default}
current-context: aci-dev
EOF
chmod 600 "$kubeconfig.tmp"
mv -f "$kubeconfig.tmp" "$kubeconfig"

# Ready when /readyz says so and the default namespace exists (the API server creates
# it shortly after it starts serving).
started=$(date +%s)
ready=false
for _ in $(seq 600); do
  for pid in "$etcd_pid" "$apiserver_pid"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      aci_log "$([ "$pid" = "$etcd_pid" ] && echo etcd || echo kube-apiserver) exited; the end of its log:"
      tail -n 20 "$log_dir/$([ "$pid" = "$etcd_pid" ] && echo etcd || echo kube-apiserver).log" >&2
      exit 1
    fi
  done
  if curl -fsS --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
       "https://127.0.0.1:$port/readyz" >/dev/null 2>&1 &&
     "$kubectl" --kubeconfig "$kubeconfig" get namespace default >/dev/null 2>&1; then
    ready=true
    break
  fi
  sleep 0.2
done
if ! $ready; then
  aci_log "kube-apiserver did not become ready in 120 s; the end of its log:"
  tail -n 20 "$log_dir/kube-apiserver.log" >&2
  exit 1
fi

aci_log "ready in $(($(date +%s) - started)) s: $("$kubectl" --kubeconfig "$kubeconfig" version -o json 2>/dev/null |
  sed -n '/serverVersion/,/}/s/.*"gitVersion": "\([^"]*\)".*/kube-apiserver \1/p')"
cat "$kubeconfig" >&2
aci_log "export KUBECONFIG=$kubeconfig   (kubectl: $kubectl); Ctrl-C stops the cluster"
printf 'ready: KUBECONFIG=%s\n' "$kubeconfig"

# SIGHUP restarts the API server (etcd keeps its data), as clients must survive; a
# compaction of etcd first (to its current revision) makes every older resourceVersion
# answer 410 Gone afterwards. Says "restarted: kube-apiserver" on stdout once it serves.
restart_requested=false
trap 'restart_requested=true' HUP
compact_etcd() {
  local revision
  revision="$(curl -fsS --max-time 5 -X POST -d '{"key":"Lw=="}' "http://127.0.0.1:$etcd_port/v3/kv/range" |
    sed -n 's/.*"revision":"\([0-9]*\)".*/\1/p')"
  [ -n "$revision" ] || { aci_log "cannot read etcd's revision"; return; }
  curl -fsS --max-time 10 -X POST -d "{\"revision\":\"$revision\",\"physical\":true}" \
    "http://127.0.0.1:$etcd_port/v3/kv/compaction" >/dev/null && aci_log "etcd compacted to revision $revision"
}

# Runs until a signal (the traps exit, and the EXIT trap stops both) or until one of
# the two exits on its own.
set +e
while true; do
  wait -n "$etcd_pid" "$apiserver_pid"
  if $restart_requested; then
    restart_requested=false
    compact_etcd
    kill -TERM "$apiserver_pid" 2>/dev/null
    wait "$apiserver_pid" 2>/dev/null
    start_apiserver
    until curl -fsS --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
      "https://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
      kill -0 "$apiserver_pid" 2>/dev/null || break
      sleep 0.2
    done
    printf 'restarted: kube-apiserver\n'
    continue
  fi
  break
done
aci_log "etcd or kube-apiserver exited on its own; see $log_dir/etcd.log and $log_dir/kube-apiserver.log"
exit 1
