#!/usr/bin/env bash
# Runs the product end to end on this machine with its offline defaults: prepares the
# machine, starts the four services, imports a recording over HTTP, shows the job's progress
# and prints the finished note. Usage: scripts/demo.sh [path/to/recording]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

recording=${1:-}
if [ -z "$recording" ]; then
  librivox=/usr/share/pocketsphinx/test/data/librivox
  recording=.demo/librivox-sense-and-sensibility.wav
  mkdir -p .demo
  # The five LibriVox clips of pocketsphinx-testdata, one after another: about 25 s of a
  # real human reading.
  sox "$librivox"/sense_and_sensibility_01_austen_64kb-0{870,880,890,920,930}.wav "$recording"
fi
[ -f "$recording" ] || { echo "No such file: $recording" >&2; exit 2; }

mkdir -p .demo
export JWT_SECRET=${JWT_SECRET:-$(head -c 24 /dev/urandom | base64)}
export PORT=${PORT:-3000}
export HOST=127.0.0.1
export LOG_LEVEL=${LOG_LEVEL:-info}

pids=()
stop_services() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_services EXIT

for service in jobs-api downloader transcriber summarizer; do
  entry=services/$service/src/main.ts
  [ "$service" = jobs-api ] && entry=services/jobs-api/src/server.ts
  node --import tsx "$entry" >".demo/$service.log" 2>&1 &
  pids+=($!)
done
echo "Services started; logs in .demo/*.log"

node --import tsx scripts/demo-import.ts "http://127.0.0.1:$PORT" "$recording"
