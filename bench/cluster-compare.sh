#!/usr/bin/env bash
# Three-member clusters of etcdj and of etcd 3.4 side by side on loopback (A B A B): write throughput
# and latency with bin/benchmark against all three members, then the time from SIGKILL of the leader
# until a write through a survivor succeeds (the fail-over time). Prints RESULT / FAILOVER lines.
# Bounded: 2 rounds x 2 servers, 20,000 puts each, fail-over polled for at most 30 s.
# Usage: bench/cluster-compare.sh [extra etcdj flags...]   (after `mvn -q -DskipTests package`)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench="$root/dist/target/etcdj/bin/benchmark"
[ -x "$bench" ] || { echo "build the image first: mvn -q -DskipTests package" >&2; exit 1; }
if ! command -v etcd >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq etcd-server etcd-client >/dev/null
fi
extra=("$@")
base=24790
cluster="n1=http://127.0.0.1:$((base + 1)),n2=http://127.0.0.1:$((base + 11)),n3=http://127.0.0.1:$((base + 21))"
endpoints="127.0.0.1:$base,127.0.0.1:$((base + 10)),127.0.0.1:$((base + 20))"
pids=()
start_cluster() { # kind dir
  pids=()
  for i in 1 2 3; do
    local c=$((base + 10 * (i - 1))) p=$((base + 10 * (i - 1) + 1))
    local flags=(--name "n$i" --data-dir "$2/n$i" --listen-client-urls "http://127.0.0.1:$c"
      --advertise-client-urls "http://127.0.0.1:$c" --listen-peer-urls "http://127.0.0.1:$p"
      --initial-advertise-peer-urls "http://127.0.0.1:$p" --initial-cluster "$cluster"
      --initial-cluster-token bench --initial-cluster-state new)
    if [ "$1" = etcdj ]; then "$root/dist/target/etcdj/bin/etcd" "${flags[@]}" "${extra[@]}" >"$2/n$i.log" 2>&1 &
    else etcd "${flags[@]}" >"$2/n$i.log" 2>&1 &
    fi
    pids+=($!)
  done
  for _ in $(seq 1 150); do
    ETCDCTL_API=3 etcdctl --endpoints "$endpoints" endpoint health >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "cluster did not become healthy" >&2
}
leader_index() { # 0-based index of the member that leads
  local json
  json=$(ETCDCTL_API=3 etcdctl --endpoints "$endpoints" endpoint status -w json)
  python3 -c '
import json, sys
s = json.loads(sys.argv[1])
for i, e in enumerate(s):
    if e["Status"]["header"]["member_id"] == e["Status"]["leader"]:
        print(i)
' "$json"
}
now_ms() { date +%s%3N; }
for round in 1 2; do
  for kind in etcdj etcd; do
    dir=$(mktemp -d "/tmp/cluster-compare-$kind-XXXX")
    start_cluster "$kind" "$dir"
    "$bench" --endpoints "$endpoints" --conns 6 --clients 64 --total 20000 put --key-size 8 --val-size 256 \
      --key-space-size 100000 | grep RESULT | sed "s/^/$kind put3 round$round /"
    "$bench" --endpoints "$endpoints" --conns 3 --clients 1 --total 500 put --key-size 8 --val-size 256 \
      | grep RESULT | sed "s/^/$kind put3-1client round$round /"
    li=$(leader_index)
    survivors=$(echo "$endpoints" | tr ',' '\n' | sed "$((li + 1))d" | paste -sd,)
    t0=$(now_ms)
    kill -9 "${pids[$li]}"
    for _ in $(seq 1 300); do
      if ETCDCTL_API=3 etcdctl --endpoints "$survivors" --command-timeout=1s put failover v >/dev/null 2>&1; then
        echo "$kind FAILOVER round$round ms=$(( $(now_ms) - t0 ))"
        break
      fi
      sleep 0.05
    done
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$dir"
  done
done
