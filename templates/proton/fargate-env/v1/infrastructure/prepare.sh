#!/usr/bin/env bash
# Run by provision.sh before each `pulumi up` of an environment (the stack selected, its configuration
# written): reads from the account what the program must know before it runs and cannot ask the
# provider for as plain values, into the stack configuration:
# - `availabilityZoneCount`: how many availability zones the VPC may take. The awsx VPC component
#   needs the number as a plain value, asks for three otherwise, and takes the first zones the Region
#   lists (EC2 DescribeAvailabilityZones as the provider calls it: the zones of the account, Local
#   Zones it opted into included). A VPC the stack holds already keeps the zones it has (one private
#   subnet per zone), so that a zone listed differently later never moves its subnets; a new one is
#   given the Region's count.
# - `listenersInUse`: the listeners of the stack's load balancer that still route to services (ELB
#   DescribeRules: the rules other than the default one; DescribeTags: the service instance each rule
#   of fargate-service is tagged with), so that the program refuses to remove a listener services use
#   (the load balancer turned off, or HTTPS turned off).
set -Eeuo pipefail

state=$(pulumi stack export)

zones=$(jq -r 'first(.deployment.resources[]? | select(.type == "awsx:ec2:Vpc") | .outputs.privateSubnetIds // [] | length) // 0' <<<"$state")
if ((zones > 0)); then
  echo "prepare.sh: the VPC keeps its $zones availability zone(s)"
else
  zones=$(aws ec2 describe-availability-zones --query 'length(AvailabilityZones)' --output text) || {
    echo "prepare.sh: could not list the Region's availability zones (does the provisioning role have ec2:DescribeAvailabilityZones?)" >&2
    exit 1
  }
  echo "prepare.sh: the Region lists $zones availability zone(s)"
fi
pulumi config set availabilityZoneCount "$zones"

in_use='[]'
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
# read into a variable first, so that a jq failure stops the script (set -e) instead of reading as none
listeners=$(jq -r '.deployment.resources[]? | select(.type == "aws:lb/listener:Listener" and (.outputs.arn | type) == "string") | "\(.outputs.arn) \(.outputs.port // 0)"' <<<"$state")
while read -r listener port; do
  [[ -n "$listener" ]] || continue
  if ! rules=$(aws elbv2 describe-rules --listener-arn "$listener" --output json 2>"$errors"); then
    # gone already (deleted outside the template): nothing routes through it
    if grep -q 'ListenerNotFound' "$errors"; then continue; fi
    cat "$errors" >&2
    echo "prepare.sh: could not read the rules of listener $listener (does the provisioning role have elasticloadbalancing:DescribeRules?)" >&2
    exit 1
  fi
  rule_arns=$(jq -r '.Rules[] | select(.IsDefault | not) | .RuleArn' <<<"$rules")
  [[ -n "$rule_arns" ]] || continue
  mapfile -t arns <<<"$rule_arns"
  tags='[]'
  # DescribeTags takes 20 ARNs at a time; only the tags of these templates are kept
  for ((i = 0; i < ${#arns[@]}; i += 20)); do
    page=$(aws elbv2 describe-tags --resource-arns "${arns[@]:i:20}" --output json) || {
      echo "prepare.sh: could not read the tags of the rules of listener $listener (does the provisioning role have elasticloadbalancing:DescribeTags?)" >&2
      exit 1
    }
    tags=$(jq -c --argjson page "$page" '. + [$page.TagDescriptions[] | {ResourceArn, Tags: [.Tags[]? | select(.Key | startswith("proton:"))]}]' <<<"$tags")
  done
  # the rules on standard input, not as an argument: a listener's rules can pass the size of one
  in_use=$(jq -c --arg listener "$listener" --argjson port "$port" --argjson tags "$tags" --argjson in_use "$in_use" '$in_use + [{
    listenerArn: $listener,
    port: $port,
    rules: [.Rules[] | select(.IsDefault | not) | .RuleArn as $arn
      | ([$tags[] | select(.ResourceArn == $arn) | .Tags[]?] | map({(.Key): .Value}) | add // {}) as $tag
      | {arn: $arn, service: $tag["proton:service"], instance: $tag["proton:service-instance"]}]
  }]' <<<"$rules")
done <<<"$listeners"
pulumi config set listenersInUse "$in_use"
echo "prepare.sh: $(jq 'map(.rules | length) | add // 0' <<<"$in_use") service rule(s) on the load balancer's listeners"
