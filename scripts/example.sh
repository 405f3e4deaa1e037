#!/usr/bin/env bash
# The main job: build the plugin and run the example sweep (examples/sweep-demo, 6 indices, one
# library) on the embedded `local` cluster. Usage: npm run example [-- extra nx flags]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/nx ] || npm ci --no-audit --no-fund
npm run build --silent
# This repository is the plugin and also a workspace that uses it: link the package to itself so
# nx.json can say "nx-slurm" exactly as a user's workspace does.
[ -e node_modules/nx-slurm ] || ln -s .. node_modules/nx-slurm
export NX_DAEMON=false NX_NO_CLOUD=true
npx nx run sweep-demo:slurm-array "$@"
npx nx run sweep-demo:slurm-status "$@"
