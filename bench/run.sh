#!/usr/bin/env bash
# `make bench`: every benchmark; paste the output into bench/RESULTS.md with the date.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
echo "## HTTP kit vs nginx ($(date -u +%F))"
bench/http/run.sh "$build"
echo
echo "## Process footprint and start-up"
bench/footprint.sh "$build"
echo
echo "## Rego engine"
bench/rego/run.sh "$build"
echo
echo "## Gateway as a reverse proxy vs nginx and haproxy"
bench/gateway/run.sh "$build"
