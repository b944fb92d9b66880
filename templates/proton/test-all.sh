#!/usr/bin/env bash
# Tests the Proton template bundles: the provisioning script, each bundle (npm ci from its lockfile, then
# npm test: type check and Pulumi mock tests), the rendering of every registered version, and the
# contract between the environment and service templates. No cloud, no Pulumi CLI, no network beyond
# the npm registry for npm ci. Exits non-zero on the first failure.
#
#   templates/proton/test-all.sh            (from anywhere; needs Node >= 22 with npm, and jq)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"

BUNDLES=(environment/fargate-env/infrastructure service/fargate-service/instance_infrastructure service/fargate-service/pipeline_infrastructure)
# Files every bundle carries a copy of (bundles are uploaded alone), kept identical to provisioning/.
SHARED=(provision.sh proton.jq manifest.yaml pulumi-backend.env)
HARNESS=test/pulumiMocks.ts

fail() { echo "test-all: $*" >&2; exit 1; }
section() { printf '\n== %s\n' "$*"; }
seconds() { echo $(( $(date +%s%N) / 1000000 )); }

command -v node >/dev/null || fail "node is not installed (Node 22 or 24 is needed)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
(( node_major >= 22 )) || fail "Node $(node -v) is too old: use Node 22 or 24"
command -v npm >/dev/null || fail "npm is not installed"
command -v jq >/dev/null || fail "jq is not installed (the bundles' provisioning uses it; apt-get install jq)"

section "bundles carry the shared provisioning files unchanged"
for bundle in "${BUNDLES[@]}"; do
  for file in "${SHARED[@]}"; do
    cmp -s "provisioning/$file" "$bundle/$file" || fail "$bundle/$file differs from provisioning/$file: copy it again (cp provisioning/$file $bundle/)"
  done
done
for bundle in "${BUNDLES[@]:1}"; do
  cmp -s "${BUNDLES[0]}/$HARNESS" "$bundle/$HARNESS" || fail "the bundles' $HARNESS copies differ ($bundle): keep them identical"
done
echo "ok"

section "provisioning script"
node --test --test-reporter=spec provisioning/provision.test.mjs

timings=()
for bundle in "${BUNDLES[@]}"; do
  section "$bundle"
  (cd "$bundle" && npm ci --ignore-scripts --no-audit --no-fund)
  start=$(seconds)
  (cd "$bundle" && npm test)
  timings+=("$bundle: npm test $(( $(seconds) - start )) ms")
done

section "rendering every registered version"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node render-bundles.mjs "$out"
for dir in "$out"/*/*; do
  [[ -f "$dir/schema/schema.yaml" ]] || fail "$dir has no schema/schema.yaml"
  # render-bundles.mjs has checked that a bundle without a manifest is a customer managed template's (schema/ only)
  [[ -f "$dir/infrastructure/manifest.yaml" || -f "$dir/instance_infrastructure/manifest.yaml" || "$(ls "$dir")" == "schema" ]] || fail "$dir has no manifest.yaml"
  [[ -z "$(find "$dir" -name node_modules -print -quit)" ]] || fail "$dir contains node_modules"
done

section "contract: fargate-env outputs feed fargate-service"
node --test --test-reporter=spec contract-tests/contract.test.mjs

section "timings"
printf '%s\n' "${timings[@]}"
echo "test-all: all passed"
