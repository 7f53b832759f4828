#!/usr/bin/env bash
# A quick side-by-side of etcdj and etcd 3.4 on loopback (single member, A B A B), with the same
# bin/benchmark commands against each. Prints one RESULT line per run and each server's RSS.
# Not the full bench/compare.sh of issue #6 (3 rounds, 3 members, watch latency, 1M keys, on-disk
# size, start-up): a first baseline. Bounded: 2 rounds x 2 servers x 3 runs of 20,000 requests.
# Usage: bench/quick-compare.sh   (after `mvn -q -DskipTests package`)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench="$root/dist/target/etcdj/bin/benchmark"
[ -x "$bench" ] || { echo "build the image first: mvn -q -DskipTests package" >&2; exit 1; }
if ! command -v etcd >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq etcd-server etcd-client >/dev/null
fi
port=23790
start_server() { # kind datadir -> pid
  local peer=$((port + 1))
  local flags=(--data-dir "$2" --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port"
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer"
    --initial-cluster "default=http://127.0.0.1:$peer")
  if [ "$1" = etcdj ]; then "$root/dist/target/etcdj/bin/etcd" "${flags[@]}" >"$2.log" 2>&1 &
  else etcd "${flags[@]}" >"$2.log" 2>&1 &
  fi
  echo $!
}
for round in 1 2; do
  for kind in etcdj etcd; do
    dir=$(mktemp -d "/tmp/quick-compare-$kind-XXXX")
    pid=$(start_server "$kind" "$dir/data")
    for _ in $(seq 1 150); do
      ETCDCTL_API=3 etcdctl --endpoints "127.0.0.1:$port" endpoint health >/dev/null 2>&1 && break
      sleep 0.2
    done
    common=(--endpoints "127.0.0.1:$port" --conns 4 --clients 64 --total 20000)
    "$bench" "${common[@]}" put --key-size 8 --val-size 256 --key-space-size 100000 | grep RESULT | sed "s/^/$kind put round$round /"
    "$bench" "${common[@]}" range k --consistency s | grep RESULT | sed "s/^/$kind range-s round$round /"
    "$bench" "${common[@]}" range k --consistency l | grep RESULT | sed "s/^/$kind range-l round$round /"
    echo "$kind rss_kb round$round $(ps -o rss= -p "$pid")"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$dir"
  done
done
