#!/usr/bin/env bash
# Deploys (provision) or destroys (deprovision) this bundle's Pulumi program, as AWS Proton's CodeBuild
# provisioning runs it: the working directory holds the program and proton-inputs.json, RESOURCE_ARN
# names the environment or service instance, and the `aws` CLI reports the outputs back to Proton.
#
#   provision.sh provision | deprovision
#
# One Pulumi stack per environment or service instance (see stack_name in proton.jq). The state backend
# comes from pulumi-backend.env or the job's environment (variables set in the environment win).
# Every failure exits non-zero and says which step failed and what to check.
set -Eeuo pipefail

# The Pulumi CLI, pinned: version, download URL and the SHA-256 of that archive. To upgrade, change the
# version and take the linux-x64 line of https://get.pulumi.com/releases/sdk/pulumi-<version>-checksums.txt
PULUMI_VERSION=3.175.0
PULUMI_SHA256=c5032708c229dba04127eeac1c57b326d1140f7ac2cf2a01d0c866a61df70a31
PULUMI_URL="https://get.pulumi.com/releases/sdk/pulumi-v${PULUMI_VERSION}-linux-x64.tar.gz"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
step="starting"
trap 'echo "provision.sh: failed while ${step} (exit $?)" >&2' ERR

die() {
  echo "provision.sh: ${step}: $*" >&2
  exit 1
}

# Reads KEY=VALUE lines (no shell evaluation) and sets each variable the environment does not set.
load_backend_settings() {
  local file="$here/pulumi-backend.env" key value
  [[ -f "$file" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || die "cannot read line '$line' of pulumi-backend.env (expected KEY=VALUE)"
    key=${BASH_REMATCH[1]}
    value=${BASH_REMATCH[2]}
    if [[ -z "${!key:-}" && -n "$value" ]]; then export "$key=$value"; fi
  done <"$file"
}

install_pulumi() {
  step="installing the Pulumi CLI ${PULUMI_VERSION}"
  local dir="$HOME/.pulumi-cli/${PULUMI_VERSION}"
  if [[ ! -x "$dir/pulumi/pulumi" ]]; then
    [[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] || die "this script installs the linux-x64 CLI; use an x86_64 Linux build image"
    mkdir -p "$dir"
    curl --fail --silent --show-error --location --retry 3 --output "$dir/pulumi.tar.gz" "$PULUMI_URL" \
      || die "could not download $PULUMI_URL: the build needs outbound HTTPS to get.pulumi.com"
    echo "${PULUMI_SHA256}  $dir/pulumi.tar.gz" | sha256sum --check --quiet --strict \
      || die "the download of $PULUMI_URL does not have the pinned SHA-256 ${PULUMI_SHA256}; do not use it"
    tar -xzf "$dir/pulumi.tar.gz" -C "$dir"
    rm -f "$dir/pulumi.tar.gz"
  fi
  export PATH="$dir/pulumi:$PATH"
  pulumi version
}

install_dependencies() {
  step="installing the program's dependencies (npm ci)"
  # Exactly the committed lockfile; no install scripts (Pulumi fetches its plugins itself).
  npm ci --ignore-scripts --no-audit --no-fund
}

login() {
  step="logging in to the Pulumi state backend"
  export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_SKIP_CONFIRMATIONS=true
  if [[ -n "${PULUMI_BACKEND_URL:-}" ]]; then
    if [[ -z "${PULUMI_SECRETS_PROVIDER:-}" && -z "${PULUMI_CONFIG_PASSPHRASE+set}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
      die "PULUMI_BACKEND_URL is set but stack secrets have no key: set PULUMI_SECRETS_PROVIDER (e.g. awskms://alias/pulumi) or PULUMI_CONFIG_PASSPHRASE"
    fi
    pulumi login "$PULUMI_BACKEND_URL"
  elif [[ -n "${PULUMI_ACCESS_TOKEN_SECRET_ARN:-}" || -n "${PULUMI_ACCESS_TOKEN:-}" ]]; then
    if [[ -z "${PULUMI_ACCESS_TOKEN:-}" ]]; then
      PULUMI_ACCESS_TOKEN=$(aws secretsmanager get-secret-value --secret-id "$PULUMI_ACCESS_TOKEN_SECRET_ARN" \
        --query SecretString --output text) \
        || die "could not read the Pulumi access token from $PULUMI_ACCESS_TOKEN_SECRET_ARN: does the provisioning role have secretsmanager:GetSecretValue on it?"
      export PULUMI_ACCESS_TOKEN
    fi
    pulumi login
  else
    die "no Pulumi state backend: set PULUMI_ACCESS_TOKEN_SECRET_ARN (Pulumi Cloud) or PULUMI_BACKEND_URL (self-managed) in pulumi-backend.env or the job's environment"
  fi
}

select_stack() {
  step="reading proton-inputs.json"
  [[ -f proton-inputs.json ]] || die "proton-inputs.json is missing from $PWD"
  stack=$(jq -L "$here" -er 'include "proton"; stack_name' proton-inputs.json) || die "proton-inputs.json has no usable name"
  if [[ -n "${PULUMI_ORG:-}" && -z "${PULUMI_BACKEND_URL:-}" ]]; then
    local project
    project=$(sed -n 's/^name:[[:space:]]*//p' Pulumi.yaml | tr -d "\"'")
    [[ -n "$project" ]] || die "Pulumi.yaml names no project"
    stack="$PULUMI_ORG/$project/$stack"
  fi
  step="selecting stack $stack"
  if [[ "$1" == create ]]; then
    # The stack's configuration is rebuilt from proton-inputs.json on every run: no stale inputs.
    rm -f "Pulumi.${stack##*/}.yaml"
    pulumi stack select --create --non-interactive ${PULUMI_SECRETS_PROVIDER:+--secrets-provider "$PULUMI_SECRETS_PROVIDER"} "$stack"
  else
    pulumi stack select --non-interactive "$stack"
  fi
}

configure() {
  step="writing the stack configuration from proton-inputs.json"
  local entries=() args=()
  mapfile -d '' entries < <(jq -L "$here" -j 'include "proton"; config_entries' proton-inputs.json)
  for entry in "${entries[@]}"; do args+=(--plaintext "$entry"); done
  if ((${#args[@]} > 0)); then pulumi config set-all "${args[@]}"; fi
}

# A run of this deployment that was interrupted (the control plane running it stopped, and it runs the
# deployment again with PROTON_DEPLOYMENT_ATTEMPT one higher) can have left the stack locked. No other
# run of the stack can be going on: the control plane runs one deployment per resource at a time.
clear_stale_lock() {
  if (( ${PROTON_DEPLOYMENT_ATTEMPT:-1} > 1 )); then
    step="clearing the lock an interrupted run left on stack $stack (pulumi cancel)"
    pulumi cancel --yes --non-interactive --stack "$stack" \
      || echo "provision.sh: no interrupted update of stack $stack to cancel"
  fi
}

provision() {
  select_stack create
  clear_stale_lock
  configure
  step="deploying stack $stack (pulumi up)"
  pulumi up --yes --non-interactive --skip-preview --diff=false
  step="reporting outputs to Proton"
  pulumi stack output --json | jq -L "$here" 'include "proton"; proton_outputs' >outputs.json
  cat outputs.json
  [[ -n "${RESOURCE_ARN:-}" ]] || die "RESOURCE_ARN is not set: Proton names the resource being provisioned in it"
  aws proton notify-resource-deployment-status-change --resource-arn "$RESOURCE_ARN" \
    --status IN_PROGRESS --outputs file://outputs.json
}

deprovision() {
  step="reading proton-inputs.json"
  local name
  name=$(jq -L "$here" -er 'include "proton"; stack_name' proton-inputs.json) || die "proton-inputs.json has no usable name"
  step="looking for stack $name"
  # Only a listing that worked and lacks the stack means "nothing to destroy": a listing that failed
  # (expired token, denied bucket, outage) must not let Proton forget resources that still run.
  local stacks
  stacks=$(pulumi stack ls --json) \
    || die "could not list the stacks of the state backend, so whether $name exists is unknown and nothing was destroyed: check the backend's credentials and reachability (the error is above)"
  if ! jq -e --arg name "$name" 'any(.[]; .name == $name or (.name | endswith("/" + $name)))' <<<"$stacks" >/dev/null; then
    echo "provision.sh: stack $name does not exist; nothing to destroy"
    return 0
  fi
  select_stack existing
  clear_stale_lock
  step="destroying stack $stack (pulumi destroy)"
  pulumi destroy --yes --non-interactive --skip-preview
  step="removing stack $stack"
  pulumi stack rm --yes --non-interactive "$stack"
}

main() {
  local action=${1:-}
  [[ "$action" == provision || "$action" == deprovision ]] || { echo "usage: provision.sh provision|deprovision" >&2; exit 2; }
  cd "$here"
  step="checking the tools"
  for tool in jq aws node npm curl sha256sum tar; do
    command -v "$tool" >/dev/null || die "$tool is not installed in the build image"
  done
  load_backend_settings
  install_pulumi
  install_dependencies
  login
  "$action"
  step="done"
  echo "provision.sh: $action finished"
}

main "$@"
