# jq functions that turn AWS Proton's files into Pulumi's and back. provision.sh uses them with
# `jq -L <dir> 'include "proton"; <function>'`; the bundle tests run the same commands.

# proton-inputs.json -> the Pulumi stack name: the environment's name, `<service>.<instance>` for a
# service instance, or `<service>._pipeline` for a service's pipeline (Proton names never contain a
# dot nor start with `_`, so none of these can be ambiguous).
def stack_name:
  if has("pipeline") then
    "\(.service.name // error("proton-inputs.json has no service.name"))._pipeline"
  elif has("service_instance") then
    "\(.service.name // error("proton-inputs.json has no service.name")).\(.service_instance.name // error("proton-inputs.json has no service_instance.name"))"
  else
    .environment.name // error("proton-inputs.json has no environment.name")
  end;

# proton-inputs.json -> the stack configuration, as `key=value` entries each ended by a NUL byte, for
# `pulumi config set-all --plaintext` (a pipeline gets its inputs, the service's name and repository,
# and `serviceInstances`, each instance's name and environment, as JSON). Strings are written as they are; numbers, booleans, lists and
# objects as JSON, which the program's Config.requireNumber / requireBoolean / requireObject parse back
# to the same type (a number stays a number: 30, never "30"). Inputs set to null are left out, so the
# program's defaults apply. The names Proton adds win over inputs of the same name.
def config_entries:
  (if has("pipeline") then
     (.pipeline.inputs // {}) + {
       protonServiceName: .service.name,
       repositoryConnectionArn: .service.repository_connection_arn,
       repositoryId: .service.repository_id,
       branchName: .service.branch_name,
       serviceInstances: [(.service_instances // [])[] | {name, environment: .environment.name}]
     }
   elif has("service_instance") then
     (.service_instance.inputs // {}) + {
       protonEnvironmentName: .environment.name,
       protonEnvironmentAccountId: .environment.account_id,
       protonServiceName: .service.name,
       protonServiceInstanceName: .service_instance.name,
       environmentOutputs: (.environment.outputs // {})
     }
   else
     (.environment.inputs // {}) + { protonEnvironmentName: .environment.name }
   end)
  | to_entries[]
  | select(.value != null)
  | "\(.key)=\(.value | if type == "string" then . else tojson end)\u0000";

# `pulumi stack output --json` -> the outputs AWS Proton accepts: [{key, valueString}], strings kept as
# they are and anything else JSON-encoded. An absent output (null or empty) is left out, never sent empty;
# a value over 1,024 characters, which Proton refuses, stops with an error naming it.
def proton_outputs:
  [to_entries[]
   | select(.value != null and .value != "")
   | {key, valueString: (.value | if type == "string" then . else tojson end)}
   | if (.valueString | length) > 1024
     then error("the output \(.key) is \(.valueString | length) characters; AWS Proton takes at most 1024")
     else . end];
