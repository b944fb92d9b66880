#!/usr/bin/env bash
# Deploys (provision) or destroys (deprovision) this bundle's Pulumi program, as AWS Proton's CodeBuild
# provisioning runs it: the working directory holds the program and proton-inputs.json, RESOURCE_ARN
# names the environment or service instance, and the `aws` CLI reports the outputs back to Proton.
#
#   provision.sh provision | deprovision
#
# One Pulumi stack per environment or service instance, in its account and region (see stack_names). The state backend
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

# The stack's name: <account>.<region>.<name> (name: stack_name in proton.jq, the environment or
# <service>.<instance>), so that two accounts or regions sharing a state backend (or a Pulumi
# organization) never share a stack; a name over Pulumi's 100 characters is cut and ended with 8
# hexadecimal characters of its SHA-256. Stacks of earlier versions, named <name> alone, are renamed
# on their next deployment and found by deprovisioning (see the bundles' README).
stack_names() {
  step="reading proton-inputs.json"
  [[ -f proton-inputs.json ]] || die "proton-inputs.json is missing from $PWD"
  local name
  name=$(jq -L "$here" -er 'include "proton"; stack_name' proton-inputs.json) || die "proton-inputs.json has no usable name"
  step="reading the account and region the stack deploys to"
  account=$(aws sts get-caller-identity --query Account --output text) \
    || die "could not read the account of the deployment's credentials (aws sts get-caller-identity)"
  [[ "$account" =~ ^[0-9]{12}$ ]] || die "aws sts get-caller-identity answered '$account', not an account ID"
  region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
  if [[ -z "$region" && "${RESOURCE_ARN:-}" =~ ^arn:[^:]+:proton:([^:]+): ]]; then region=${BASH_REMATCH[1]}; fi
  [[ -n "$region" ]] || die "no region: set AWS_REGION (CodeBuild sets it) or RESOURCE_ARN"
  stack="$account.$region.$name"
  if ((${#stack} > 100)); then
    stack="${stack:0:91}-$(printf '%s' "$stack" | sha256sum | cut -c1-8)"
  fi
  legacy_stack=$name
  if [[ -n "${PULUMI_ORG:-}" && -z "${PULUMI_BACKEND_URL:-}" ]]; then
    local project
    project=$(sed -n 's/^name:[[:space:]]*//p' Pulumi.yaml | tr -d "\"'")
    [[ -n "$project" ]] || die "Pulumi.yaml names no project"
    stack="$PULUMI_ORG/$project/$stack"
    legacy_stack="$PULUMI_ORG/$project/$legacy_stack"
  fi
  step="listing the stacks of the state backend"
  # Only a listing that worked tells whether a stack exists: a listing that failed (expired token,
  # denied bucket, outage) must never be taken for "no stack".
  stacks=$(pulumi stack ls --json) \
    || die "could not list the stacks of the state backend, so whether $stack exists is unknown and nothing was changed: check the backend's credentials and reachability (the error is above)"
}

# Whether the listing has stack $1 (by its name, or its org/project/name).
stack_listed() {
  local short=${1##*/}
  jq -e --arg name "$short" 'any(.[]; .name == $name or (.name | endswith("/" + $name)))' <<<"$stacks" >/dev/null
}

# A stack an earlier version named <name> alone may hold another account's or region's resources (two
# of them shared the name): it is taken over only when none of the ARNs in its outputs names another
# account or region.
check_legacy_stack() {
  local foreign
  step="checking that stack $legacy_stack (named by an earlier version) holds this account's and region's resources"
  foreign=$(pulumi stack export --stack "$legacy_stack" | jq -r --arg account "$account" --arg region "$region" '
    [.deployment.resources[]?.outputs.arn? | select(type == "string")
      | capture("^arn:[^:]+:[^:]+:(?<region>[^:]*):(?<account>[^:]*):")?
      | select((.account != "" and .account != $account) or (.region != "" and .region != $region))]
    | first | if . then "account \(.account), region \(.region)" else empty end')
  if [[ -n "$foreign" ]]; then
    die "stack $legacy_stack, named by an earlier version, holds resources of $foreign, not of this deployment's account $account and region $region: rename it by hand (pulumi stack rename) to the name of its own account and region, see the bundles' README"
  fi
}

select_stack() {
  if ! stack_listed "$stack" && stack_listed "$legacy_stack"; then
    check_legacy_stack
    step="renaming stack $legacy_stack (named by an earlier version) to $stack"
    pulumi stack select --non-interactive "$legacy_stack"
    pulumi stack rename "$stack"
  fi
  step="selecting stack $stack"
  # The stack's configuration is rebuilt from proton-inputs.json on every run: no stale inputs.
  rm -f "Pulumi.${stack##*/}.yaml"
  pulumi stack select --create --non-interactive ${PULUMI_SECRETS_PROVIDER:+--secrets-provider "$PULUMI_SECRETS_PROVIDER"} "$stack"
}

configure() {
  step="writing the stack configuration from proton-inputs.json"
  local entries=() args=()
  mapfile -d '' entries < <(jq -L "$here" -j 'include "proton"; config_entries' proton-inputs.json)
  for entry in "${entries[@]}"; do args+=(--plaintext "$entry"); done
  if ((${#args[@]} > 0)); then pulumi config set-all "${args[@]}"; fi
}

# A run of this deployment or an earlier one that was interrupted (the control plane running it stopped;
# it runs the deployment again with PROTON_DEPLOYMENT_ATTEMPT one higher) can have left the stack locked,
# resources changed without the state saying so, and resources whose creation it started but did not
# record ("pending creates", which Pulumi refuses to guess about). No other run of the stack can be going
# on: the control plane runs one deployment per resource at a time. So a later attempt clears the lock,
# and any run that finds pending operations in the state names the pending creates (in the log, and in
# pending-creates.txt for the bundle's prepare.sh), refreshes the state from AWS, dropping them, and
# removes what of them AWS has (remove_leftovers). `pulumi up` then creates them again.
recover_interrupted_run() {
  local action=$1 state pending
  rm -f "$here/pending-creates.txt"
  if (( ${PROTON_DEPLOYMENT_ATTEMPT:-1} > 1 )); then
    step="clearing the lock an interrupted run left on stack $stack (pulumi cancel)"
    pulumi cancel --yes --non-interactive --stack "$stack" \
      || echo "provision.sh: no interrupted update of stack $stack to cancel"
  fi
  step="reading what an interrupted run left unfinished (pulumi stack export)"
  state=$(pulumi stack export)
  jq -e '(.deployment.pending_operations // []) | length > 0' <<<"$state" >/dev/null || return 0
  pending=$(jq -r '.deployment.pending_operations[] | select(.type == "creating") | .resource.urn' <<<"$state")
  if [[ -n "$pending" ]]; then
    printf '%s\n' "$pending" >"$here/pending-creates.txt"
    echo "provision.sh: an interrupted run was creating these resources when it stopped; they are dropped from the state$([[ "$action" == provision ]] && echo " and created again"):"
    sed 's/^/  /' <<<"$pending"
  fi
  # The refresh takes the stack's lock, and fails while a run still holds it: only after it is anything
  # that run may yet be making removed.
  step="reading the state of stack $stack from AWS after an interrupted run (pulumi refresh)"
  pulumi refresh --yes --non-interactive --skip-preview --clear-pending-creates
  if [[ -n "$pending" ]]; then remove_leftovers "$action" "$state"; fi
}

# What an interrupted run created but did not record stays in the account, out of the state: AWS
# refuses to create again a name the template gives (an IAM role's, a repository's, a log group's), a
# name Pulumi gave (with its random suffix) is left behind, and `pulumi destroy` cannot see either.
# $2, the state as the interrupted run left it, holds in each pending create the name and tags the
# resource was being created with. For the kinds removable_kind names, what AWS has under that name,
# carrying every one of those tags and not held by the stack under that name (a resource the stack
# already had is no leftover, whatever the pending create says), is deleted: `pulumi up` makes it
# again, `pulumi destroy` has no more to do. The rest is named in the log to check by hand. A lookup or
# deletion AWS refuses stops the run with AWS's error.
remove_leftovers() {
  local action=$1 state=$2 entry urn type name tags vpc found by_hand=()
  while IFS= read -r -u 3 entry; do
    urn=$(jq -r '.urn' <<<"$entry")
    type=$(jq -r '.type' <<<"$entry")
    name=$(jq -r '.name // empty' <<<"$entry")
    tags=$(jq -c '.tags' <<<"$entry")
    vpc=$(jq -r '.vpcId // empty' <<<"$entry")
    if [[ "$type" == pulumi:* ]]; then
      continue # a provider or stack: nothing in AWS
    elif [[ "$type" == aws:lb/listenerRule:ListenerRule && "$action" == provision ]]; then
      continue # it has no name; the service template's prepare.sh finds it by its tags and deletes it
    elif ! removable_kind "$type"; then
      by_hand+=("$urn (not a kind this script removes)")
      continue
    elif [[ "$type" == aws:ec2/securityGroup:SecurityGroup && -z "$vpc" ]]; then
      by_hand+=("$urn (no VPC to look it up in)")
      continue
    elif [[ -z "$name" ]]; then
      by_hand+=("$urn (no name to look it up by)")
      continue
    elif jq -e 'length == 0' <<<"$tags" >/dev/null; then
      by_hand+=("$urn (created without tags, so nothing tells whose $name is)")
      continue
    elif jq -e --arg type "$type" --arg name "$name" \
      'any(.deployment.resources[]?; .type == $type and (.id == $name or .outputs.name? == $name))' <<<"$state" >/dev/null; then
      echo "provision.sh: the stack holds a $type named $name: it is no leftover and stays"
      continue
    fi
    step="looking for the $type named $name that an interrupted run was creating"
    found=$(leftover_tags "$type" "$name" "$vpc") \
      || die "AWS refused the lookup (see its error above); the provisioning role needs to read what it creates. If the account has it, delete it by hand: the state no longer names it"
    if [[ -z "$found" ]]; then
      echo "provision.sh: $type $name is not in the account: nothing left to remove"
    elif ! jq -e --argjson want "$tags" '. as $have | $want | to_entries | all(.[]; $have[.key] == .value)' <<<"$found" >/dev/null; then
      echo "provision.sh: $type $name is in the account without the tags the interrupted run gave it (${tags}): it is not this stack's and stays; if AWS refuses to create it again, rename or remove that one"
    else
      step="deleting the $type $name that an interrupted run created"
      delete_leftover "$type" "$name" "$vpc" \
        || die "AWS refused to delete it (see its error above); delete it by hand: the state no longer names it"
      echo "provision.sh: deleted $type $name, which the interrupted run created without recording it$([[ "$action" == provision ]] && echo "; the deployment creates it again")"
    fi
  done 3< <(jq -c '.deployment.pending_operations[] | select(.type == "creating") | .resource | {
    urn,
    type,
    name: (.inputs.name | if type == "string" then . else null end),
    tags: (.inputs.tags | if type == "object" and all(.[]; type == "string") then . else {} end),
    vpcId: (.inputs.vpcId | if type == "string" then . else null end)
  }' <<<"$state")
  if ((${#by_hand[@]} > 0)); then
    echo "provision.sh: these are not in the state and were not looked for: if the account has them, delete them by hand$([[ "$action" == provision ]] || echo " (the destroy cannot see them)"):"
    printf '  %s\n' "${by_hand[@]}"
  fi
}

# Whether remove_leftovers looks for leftovers of Pulumi type $1. (A security group left in the
# environment's VPC would keep the VPC from being deleted.)
removable_kind() {
  case "$1" in
    aws:iam/role:Role | aws:cloudwatch/logGroup:LogGroup | aws:ecr/repository:Repository | \
      aws:codebuild/project:Project | aws:codepipeline/pipeline:Pipeline | \
      aws:ec2/securityGroup:SecurityGroup) return 0 ;;
    *) return 1 ;;
  esac
}

# The filters of the security group named $1 in VPC $2 (JSON, since a group name may hold commas).
security_group_filters() {
  jq -nc --arg name "$1" --arg vpc "$2" '[{Name: "group-name", Values: [$name]}, {Name: "vpc-id", Values: [$vpc]}]'
}

# Runs an AWS CLI command; when it fails with the error code $1 (the resource does not exist), prints
# nothing and succeeds; any other failure fails, with AWS's error.
absent_on() {
  local code=$1 err status=0
  shift
  err=$(mktemp)
  "$@" 2>"$err" || status=$?
  if ((status != 0)) && grep -q "$code" "$err"; then status=0; else cat "$err" >&2; fi
  rm -f "$err"
  return "$status"
}

# Prints, as a JSON object, the tags of the resource of Pulumi type $1 (one removable_kind names) that
# AWS has under name $2 (a security group's: in VPC $3); prints nothing when AWS has none by that name;
# fails, with AWS's error, when AWS refuses to say.
leftover_tags() {
  local type=$1 name=$2 vpc=${3:-} found arn
  case "$type" in
    aws:iam/role:Role)
      found=$(absent_on NoSuchEntity aws iam get-role --role-name "$name" --output json) || return 1
      [[ -z "$found" ]] || jq -c '[.Role.Tags[]? | {(.Key): .Value}] | add // {}' <<<"$found" || return 1
      ;;
    aws:cloudwatch/logGroup:LogGroup)
      found=$(aws logs describe-log-groups --log-group-name-prefix "$name" --output json) || return 1
      arn=$(jq -r --arg name "$name" 'first(.logGroups[]? | select(.logGroupName == $name) | .logGroupArn // (.arn | rtrimstr(":*"))) // empty' <<<"$found") || return 1
      [[ -n "$arn" ]] || return 0
      found=$(aws logs list-tags-for-resource --resource-arn "$arn" --output json) || return 1
      jq -c '.tags // {}' <<<"$found" || return 1
      ;;
    aws:ecr/repository:Repository)
      found=$(absent_on RepositoryNotFoundException aws ecr describe-repositories --repository-names "$name" --output json) || return 1
      [[ -n "$found" ]] || return 0
      arn=$(jq -r '.repositories[0].repositoryArn' <<<"$found") || return 1
      found=$(aws ecr list-tags-for-resource --resource-arn "$arn" --output json) || return 1
      jq -c '[.tags[]? | {(.Key): .Value}] | add // {}' <<<"$found" || return 1
      ;;
    aws:codebuild/project:Project)
      # names it does not have are listed in projectsNotFound, not refused
      found=$(aws codebuild batch-get-projects --names "$name" --output json) || return 1
      jq -c 'first(.projects[]? | [.tags[]? | {(.key): .value}] | add // {}) // empty' <<<"$found" || return 1
      ;;
    aws:codepipeline/pipeline:Pipeline)
      found=$(absent_on PipelineNotFoundException aws codepipeline get-pipeline --name "$name" --output json) || return 1
      [[ -n "$found" ]] || return 0
      arn=$(jq -r '.metadata.pipelineArn' <<<"$found") || return 1
      found=$(aws codepipeline list-tags-for-resource --resource-arn "$arn" --output json) || return 1
      jq -c '[.tags[]? | {(.key): .value}] | add // {}' <<<"$found" || return 1
      ;;
    aws:ec2/securityGroup:SecurityGroup)
      found=$(aws ec2 describe-security-groups --filters "$(security_group_filters "$name" "$vpc")" --output json) || return 1
      jq -c 'first(.SecurityGroups[]? | [.Tags[]? | {(.Key): .Value}] | add // {}) // empty' <<<"$found" || return 1
      ;;
    *) return 1 ;;
  esac
}

# Deletes the resource of Pulumi type $1 named $2 (a security group's: in VPC $3), which leftover_tags
# found. What an interrupted run was creating has nothing of its own yet (what would depend on it waits
# for its creation): no images, builds, policies or network interfaces to remove first.
delete_leftover() {
  local type=$1 name=$2 vpc=${3:-} id
  case "$type" in
    aws:iam/role:Role) aws iam delete-role --role-name "$name" ;;
    aws:cloudwatch/logGroup:LogGroup) aws logs delete-log-group --log-group-name "$name" ;;
    aws:ecr/repository:Repository) aws ecr delete-repository --repository-name "$name" --output json >/dev/null ;;
    aws:codebuild/project:Project) aws codebuild delete-project --name "$name" --output json >/dev/null ;;
    aws:codepipeline/pipeline:Pipeline) aws codepipeline delete-pipeline --name "$name" ;;
    aws:ec2/securityGroup:SecurityGroup)
      id=$(aws ec2 describe-security-groups --filters "$(security_group_filters "$name" "$vpc")" --output json \
        | jq -r '.SecurityGroups[0].GroupId') || return 1
      aws ec2 delete-security-group --group-id "$id" --output json >/dev/null
      ;;
    *) return 1 ;;
  esac
}

# `pulumi up`, after the bundle's prepare.sh when it has one (it adds configuration read from the
# account: the service template reads its listener's rules). When two deployments took the same free
# listener rule priority at the same moment, AWS refuses the second (PriorityInUse): it reads the rules
# again and deploys again, three attempts in all.
deploy() {
  local attempt status log
  log=$(mktemp)
  for attempt in 1 2 3; do
    if [[ -f "$here/prepare.sh" ]]; then
      step="preparing the deployment (prepare.sh)"
      bash "$here/prepare.sh"
    fi
    step="deploying stack $stack (pulumi up)"
    status=0
    pulumi up --yes --non-interactive --skip-preview --diff=false 2>&1 | tee "$log" || status=$?
    if ((status == 0)); then
      rm -f "$log"
      return 0
    fi
    if ((attempt < 3)) && grep -q 'PriorityInUse' "$log"; then
      echo "provision.sh: another deployment took the same listener rule priority at the same moment (PriorityInUse); reading the rules again (attempt $((attempt + 1)) of 3)"
      continue
    fi
    rm -f "$log"
    echo "provision.sh: failed while ${step} (exit $status)" >&2
    exit "$status"
  done
}

# An ECS service the stack deploys (outputs ecsServiceName, ecsClusterArn, taskDefinitionArn) must run
# the task definition it was given. With the deployment circuit breaker, a rollout whose tasks do not
# start is rolled back to the previous revision and the service becomes steady again, so `pulumi up`
# succeeds: the deployment must fail instead, saying so.
check_rollout() {
  local service cluster wanted primary running state reason
  service=$(jq -r '.ecsServiceName // empty' stack-outputs.json)
  cluster=$(jq -r '.ecsClusterArn // empty' stack-outputs.json)
  wanted=$(jq -r '.taskDefinitionArn // empty' stack-outputs.json)
  [[ -n "$service" && -n "$cluster" && -n "$wanted" ]] || return 0
  step="checking the rollout of ECS service $service"
  primary=$(aws ecs describe-services --cluster "$cluster" --services "$service" --output json \
    --query 'services[0].deployments[?status==`"PRIMARY"`] | [0].{taskDefinition: taskDefinition, rolloutState: rolloutState, rolloutStateReason: rolloutStateReason}') \
    || die "could not describe ECS service $service to check its rollout (does the role have ecs:DescribeServices?)"
  running=$(jq -r '.taskDefinition // empty' <<<"$primary")
  state=$(jq -r '.rolloutState // empty' <<<"$primary")
  reason=$(jq -r '.rolloutStateReason // empty' <<<"$primary")
  [[ -n "$running" ]] || die "ECS service $service of cluster $cluster has no primary deployment, or was not found (DescribeServices)"
  if [[ "$running" != "$wanted" ]]; then
    die "the rollout of $wanted failed and ECS rolled service $service back to $running (deployment circuit breaker)${reason:+: $reason}; the service's events say why its tasks did not start"
  fi
  if [[ "$state" == FAILED ]]; then
    die "the rollout of $wanted to ECS service $service failed${reason:+: $reason}"
  fi
}

provision() {
  stack_names
  select_stack
  configure
  recover_interrupted_run provision
  deploy
  step="reading the stack outputs"
  pulumi stack output --json >stack-outputs.json
  check_rollout
  step="reporting outputs to Proton"
  jq -L "$here" 'include "proton"; proton_outputs' stack-outputs.json >outputs.json
  cat outputs.json
  [[ -n "${RESOURCE_ARN:-}" ]] || die "RESOURCE_ARN is not set: Proton names the resource being provisioned in it"
  aws proton notify-resource-deployment-status-change --resource-arn "$RESOURCE_ARN" \
    --status IN_PROGRESS --outputs file://outputs.json
}

deprovision() {
  stack_names
  if ! stack_listed "$stack"; then
    if ! stack_listed "$legacy_stack"; then
      echo "provision.sh: stack $stack does not exist; nothing to destroy"
      return 0
    fi
    check_legacy_stack
    stack=$legacy_stack
  fi
  step="selecting stack $stack"
  pulumi stack select --non-interactive "$stack"
  recover_interrupted_run deprovision
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
