#!/usr/bin/env bash
# Run by provision.sh before each `pulumi up` of a service instance (the stack selected, its
# configuration written): reads the rules of the environment's shared listener as AWS has them (ELB
# DescribeRules: priorities and path patterns; DescribeTags: which service instance each one routes)
# into the stack configuration `listenerRules`, and the ARN of the rule the stack itself holds (its
# state) into `ownListenerRuleArn`, from which the program chooses its rule's priority and refuses a
# path another rule routes (routing.ts).
set -Eeuo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

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
  tags: ([$tags[] | select(.ResourceArn == $arn) | .Tags[]? | {(.Key): .Value}] | add // {})
}]' <<<"$rules")
pulumi config set listenerRules "$records"
own=$(pulumi stack export | jq -r 'first(.deployment.resources[]? | select(.type == "aws:lb/listenerRule:ListenerRule") | .outputs.arn // empty) // empty')
if [[ -n "$own" ]]; then pulumi config set ownListenerRuleArn "$own"; fi
echo "prepare.sh: read ${#arns[@]} rule(s) of listener $listener${own:+; the rule its stack holds is $own}"
