#!/usr/bin/env bash
# Tests the Proton template bundles: the provisioning script, each bundle (npm ci from its lockfile, then
# npm test: type check and Pulumi mock tests), the layout of every <template>/v<major>/ folder (template
# sync's), and the contract between the environment and service templates. No cloud, no Pulumi CLI, no network beyond
# the npm registry for npm ci. Exits non-zero on the first failure.
#
#   templates/proton/test-all.sh            (from anywhere; needs Node >= 22 with npm, and jq)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"

BUNDLES=(fargate-env/v1/infrastructure fargate-service/v1/instance_infrastructure fargate-service/v1/pipeline_infrastructure)
# Files every bundle carries a copy of (bundles are uploaded alone), kept identical to provisioning/.
SHARED=(provision.sh proton.jq manifest.yaml pulumi-backend.env naming.ts)
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

section "every <template>/v<major>/ folder is a bundle"
for dir in */v[0-9]*; do
  [[ -d "$dir" ]] || continue
  [[ -f "$dir/schema/schema.yaml" ]] || fail "$dir has no schema/schema.yaml"
  if [[ -d "$dir/instance_infrastructure" ]]; then
    [[ -f "$dir/instance_infrastructure/manifest.yaml" ]] || fail "$dir/instance_infrastructure has no manifest.yaml"
    [[ -f "$dir/.template-registration.yaml" ]] || fail "$dir has no .template-registration.yaml (a synced service template names its compatible environments there)"
  elif [[ -d "$dir/infrastructure" ]]; then
    [[ -f "$dir/infrastructure/manifest.yaml" ]] || fail "$dir/infrastructure has no manifest.yaml"
  else
    # a customer managed environment template's bundle: schema/ only
    [[ "$(git -C "$root" ls-files -- "$dir" | grep -v '^[^/]*/v[0-9]*/schema/' || true)" == "" ]] || fail "$dir holds files beside schema/ but no infrastructure folder"
  fi
  [[ -z "$(git -C "$root" ls-files -- "$dir" | grep /node_modules/ || true)" ]] || fail "$dir has node_modules committed"
  echo "$dir ok"
done

section "contract: fargate-env outputs feed fargate-service"
node --test --test-reporter=spec contract-tests/contract.test.mjs

section "timings"
printf '%s\n' "${timings[@]}"
echo "test-all: all passed"
