#!/usr/bin/env bash
# Every test of the project: formatter and linter, type check, then the tap suites (unit,
# contract, end-to-end) against real PostgreSQL, NATS, ffmpeg and pocketsphinx.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
pnpm exec biome check .
pnpm exec tsc -p tsconfig.json
pnpm exec tap
