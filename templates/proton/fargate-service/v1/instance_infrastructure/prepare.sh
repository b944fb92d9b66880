#!/usr/bin/env bash
# Run by provision.sh before each `pulumi up` of a service instance (the stack selected, its
# configuration written): reads the rules of the environment's shared listener as AWS has them (ELB
# DescribeRules: priorities, path patterns and host headers; DescribeTags: which service instance each one routes)
# into the stack configuration `listenerRules`, and the ARN of the rule the stack itself holds (its
# state) into `ownListenerRuleArn`, from which the program chooses its rule's priority and refuses a
# path another rule routes (routing.ts).
#
# After an interrupted run (provision.sh lists in pending-creates.txt what it was creating, drops it
# from the state and deletes what it knows how to find by name), the listener rule that run made, which
# has no name and would keep the path and the priority the new one needs, is found by its tags and
# deleted for the deployment to make again. Only then: a stack that does not hold its rule for another
# reason (its state lost, say) is not taken to own what carries its tags.
#
# When autoscaling is turned off, the ECS service is refreshed from AWS first (see below).
set -Eeuo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

state=$(pulumi stack export)
pending=$(cat "$here/pending-creates.txt" 2>/dev/null || true)
was_creating() { grep -qE -- "(::|[$])$1::" <<<"$pending"; }

# Autoscaling turned off (autoscalingMaxCount 0 while the stack holds a scaling target): while it was on,
# the program ignored the service's task count, so the state holds the last count a deployment set, not
# the one autoscaling left. The service is refreshed first, so that the deployment sets desiredCount.
if jq -e 'any(.deployment.resources[]?; .type == "aws:appautoscaling/target:Target")' <<<"$state" >/dev/null \
  && jq -e '(.service_instance.inputs.autoscalingMaxCount // 0) == 0' "$here/proton-inputs.json" >/dev/null; then
  service_urn=$(jq -r 'first(.deployment.resources[]? | select(.type == "aws:ecs/service:Service") | .urn) // empty' <<<"$state")
  if [[ -n "$service_urn" ]]; then
    echo "prepare.sh: autoscaling is turned off; reading the ECS service's task count from AWS, so that the deployment sets desiredCount"
    pulumi refresh --yes --non-interactive --skip-preview --target "$service_urn"
  fi
fi

listener=$(jq -r '.environment.outputs.listenerArn // empty' "$here/proton-inputs.json")
if [[ -z "$listener" ]]; then
  echo "prepare.sh: the environment has no load balancer listener; no rules to read"
  exit 0
fi
# every page (the AWS CLI follows NextMarker itself)
rules=$(aws elbv2 describe-rules --listener-arn "$listener" --output json) || {
  echo "prepare.sh: could not read the rules of listener $listener (does the provisioning role have elasticloadbalancing:DescribeRules?)" >&2
  exit 1
}
mapfile -t arns < <(jq -r '.Rules[] | select(.IsDefault | not) | .RuleArn' <<<"$rules")
tags='[]'
# DescribeTags takes 20 ARNs at a time
for ((i = 0; i < ${#arns[@]}; i += 20)); do
  page=$(aws elbv2 describe-tags --resource-arns "${arns[@]:i:20}" --output json) || {
    echo "prepare.sh: could not read the tags of the rules of listener $listener (does the provisioning role have elasticloadbalancing:DescribeTags?)" >&2
    exit 1
  }
  # only the tags of these templates: they say which service instance a rule routes
  tags=$(jq -c --argjson page "$page" '. + [$page.TagDescriptions[] | {ResourceArn, Tags: [.Tags[]? | select(.Key | startswith("proton:"))]}]' <<<"$tags")
done
records=$(jq -c --argjson tags "$tags" '[.Rules[] | select(.IsDefault | not) | .RuleArn as $arn | {
  arn: $arn,
  priority: (.Priority | tonumber),
  paths: [.Conditions[]? | select(.Field == "path-pattern") | (.PathPatternConfig.Values // .Values // [])[]],
  hosts: [.Conditions[]? | select(.Field == "host-header") | (.HostHeaderConfig.Values // .Values // [])[]],
  otherConditions: any(.Conditions[]?; .Field != "path-pattern" and .Field != "host-header"),
  tags: ([$tags[] | select(.ResourceArn == $arn) | .Tags[]? | {(.Key): .Value}] | add // {})
}]' <<<"$rules")
own=$(jq -r 'first(.deployment.resources[]? | select(.type == "aws:lb/listenerRule:ListenerRule") | .outputs.arn // empty) // empty' <<<"$state")
if [[ -z "$own" ]] && was_creating 'aws:lb/listenerRule:ListenerRule'; then
  # A rule tagged as this instance's that the stack does not hold was made by the interrupted run before
  # it recorded it: deleted, so that the deployment makes it again
  service=$(jq -r '.service.name' "$here/proton-inputs.json")
  instance=$(jq -r '.service_instance.name' "$here/proton-inputs.json")
  mapfile -t stale < <(jq -r --arg service "$service" --arg instance "$instance" \
    '.[] | select(.tags["proton:service"] == $service and .tags["proton:service-instance"] == $instance) | .arn' <<<"$records")
  for arn in "${stale[@]}"; do
    aws elbv2 delete-rule --rule-arn "$arn" || {
      echo "prepare.sh: could not delete rule $arn, which an interrupted run of this instance left on listener $listener (does the provisioning role have elasticloadbalancing:DeleteRule?)" >&2
      exit 1
    }
    echo "prepare.sh: deleted rule $arn, which an interrupted run of this instance left on listener $listener; the deployment makes it again"
  done
  if ((${#stale[@]} > 0)); then
    records=$(jq -c --arg service "$service" --arg instance "$instance" \
      '[.[] | select((.tags["proton:service"] == $service and .tags["proton:service-instance"] == $instance) | not)]' <<<"$records")
  fi
fi
pulumi config set listenerRules "$records"
if [[ -n "$own" ]]; then pulumi config set ownListenerRuleArn "$own"; fi
echo "prepare.sh: read ${#arns[@]} rule(s) of listener $listener${own:+; the rule its stack holds is $own}"
