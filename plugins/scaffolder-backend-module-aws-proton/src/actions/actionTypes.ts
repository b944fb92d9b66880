import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject, JsonValue } from '@backstage/types';

/*
 * The inputs and outputs of the AWS Proton actions, written out so that the public API does not
 * depend on how TypeScript prints the types it infers from the actions' zod schemas. Each action's
 * schema and these types must agree: `SameKeys` makes the compiler check that they name the same
 * inputs and outputs, and the actions' declared return types that the values fit.
 */

type KeysDiffer<A, B> = Exclude<A, B> | Exclude<B, A>;
type ContextOf<Action> = Action extends TemplateAction<any, any, 'v2'>
  ? Parameters<Action['handler']>[0]
  : never;

/**
 * The action's own type when the input and output its schema infers (as its handler sees them)
 * have exactly the keys of `Input` and `Output`; `never` (a compile error where the action is
 * assigned to it) otherwise.
 */
export type SameKeys<Action, Input, Output> = [
  | KeysDiffer<keyof ContextOf<Action>['input'], keyof Input>
  | KeysDiffer<Parameters<ContextOf<Action>['output']>[0], keyof Output>,
] extends [never]
  ? Action
  : never;

/**
 * Inputs every AWS Proton action takes: where (`region`, `accountId`: the configured defaults when
 * left out, and only configured ones are allowed) and how long to wait for the deployment (`wait`,
 * true by default; `maxWaitSeconds`, 1800 by default).
 *
 * @public
 */
export type AwsProtonCommonInput = {
  region?: string;
  accountId?: string;
  wait?: boolean;
  maxWaitSeconds?: number;
};

/**
 * The template version to deploy: each part defaults to the recommended one (digits only, such as
 * `"1"` and `"2"`).
 *
 * @public
 */
export type AwsProtonTemplateVersionInput = {
  templateMajorVersion?: string;
  templateMinorVersion?: string;
};

/**
 * One service instance as the actions output it: its deployment status (a Proton
 * `DeploymentStatus`), the status message of a failed deployment, and its outputs by key.
 *
 * @public
 */
export type AwsProtonInstanceOutput = {
  name: string;
  environment: string;
  arn: string;
  deploymentStatus: string;
  statusMessage?: string;
  outputs: Record<string, string>;
};

/**
 * The input of `aws:proton:create-service`: the instances either as `instances` (with `pipeline`)
 * or as a spec file in the workspace (`serviceSpecPath`), never both; `repository` is
 * `parseRepoUrl`'s output.
 *
 * @public
 */
export type AwsProtonCreateServiceInput = AwsProtonCommonInput &
  AwsProtonTemplateVersionInput & {
    serviceName: string;
    templateName: string;
    serviceSpecPath?: string;
    instances?: Array<{
      name: string;
      environment: string;
      inputs?: JsonObject;
    }>;
    pipeline?: JsonObject;
    description?: string;
    tags?: Record<string, string>;
    repository?: {
      owner: string;
      repo: string;
      [key: string]: JsonValue | undefined;
    };
    repositoryConnectionArn?: string;
    branchName?: string;
    allowPartial?: boolean;
  };

/**
 * The output of `aws:proton:create-service`: the service's ARN, its catalog entity's ref, each
 * instance, and the first `serviceUrl` output an instance reports.
 *
 * @public
 */
export type AwsProtonCreateServiceOutput = {
  arn: string;
  serviceName: string;
  entityRef: string;
  instances: AwsProtonInstanceOutput[];
  serviceUrl?: string;
};

/**
 * The input of `aws:proton:create-service-instance`.
 *
 * @public
 */
export type AwsProtonCreateServiceInstanceInput = AwsProtonCommonInput &
  AwsProtonTemplateVersionInput & {
    serviceName: string;
    instanceName: string;
    environment: string;
    inputs?: JsonObject;
    tags?: Record<string, string>;
  };

/**
 * The output of `aws:proton:create-service-instance`.
 *
 * @public
 */
export type AwsProtonServiceInstanceOutput = {
  arn: string;
  serviceName: string;
  instanceName: string;
  entityRef: string;
  deploymentStatus: string;
  statusMessage?: string;
  outputs: Record<string, string>;
  serviceUrl?: string;
};

/**
 * The input of `aws:proton:update-service-instance`: new inputs (all of them; the current ones when
 * left out) and whether to upgrade (`none` by default, `minor`, `major`).
 *
 * @public
 */
export type AwsProtonUpdateServiceInstanceInput = AwsProtonCommonInput & {
  serviceName: string;
  instanceName: string;
  inputs?: JsonObject;
  upgrade?: 'none' | 'minor' | 'major';
};

/**
 * The output of `aws:proton:update-service-instance`, with the template version (major.minor) the
 * instance runs.
 *
 * @public
 */
export type AwsProtonUpdateServiceInstanceOutput =
  AwsProtonServiceInstanceOutput & { templateVersion: string };

/**
 * The input of `aws:proton:create-environment`: its inputs either as `inputs` or as a spec file in
 * the workspace (`specPath`), never both.
 *
 * @public
 */
export type AwsProtonCreateEnvironmentInput = AwsProtonCommonInput &
  AwsProtonTemplateVersionInput & {
    name: string;
    templateName: string;
    inputs?: JsonObject;
    specPath?: string;
    description?: string;
    tags?: Record<string, string>;
    protonServiceRoleArn?: string;
    codebuildRoleArn?: string;
  };

/**
 * The output of `aws:proton:create-environment`.
 *
 * @public
 */
export type AwsProtonCreateEnvironmentOutput = {
  arn: string;
  name: string;
  entityRef: string;
  deploymentStatus: string;
  statusMessage?: string;
  outputs: Record<string, string>;
};

/**
 * The input of `aws:proton:upgrade-fleet`: the catalog entity of the service or environment
 * template, the version to upgrade to (`major.minor`, the recommended one by default), whether
 * what runs an older major version moves across to it (`includeMajorUpgrades`, where its inputs
 * validate; false by default: it moves to its own major version's newest minor), the waves
 * (environments per wave, in order), how many deployments run at once (1 to 50, default 5), which
 * targets (ARNs of service instances and pipelines, or environments; all behind by default), whether only to plan (`dryRun`) and whether to follow the campaign to its end (`wait`,
 * false by default; `maxWaitSeconds`, 1800 by default).
 *
 * @public
 */
export type AwsProtonUpgradeFleetInput = {
  template: string;
  targetVersion?: string;
  includeMajorUpgrades?: boolean;
  waves?: string[][];
  maxConcurrent?: number;
  targetArns?: string[];
  dryRun?: boolean;
  wait?: boolean;
  maxWaitSeconds?: number;
};

/**
 * The output of `aws:proton:upgrade-fleet`: the campaign (its id is empty in a dry run), its status
 * (a campaign status such as `RUNNING` or `SUCCEEDED`; in a dry run, the one it would start with)
 * and every service instance, pipeline or environment it upgrades or leaves alone, with the reason
 * (pipelines form the wave after the environments' waves).
 *
 * @public
 */
export type AwsProtonUpgradeFleetOutput = {
  campaignId: string;
  status: string;
  statusMessage?: string;
  targetVersion: string;
  waves: string[][];
  targets: Array<{
    kind: 'service-instance' | 'pipeline' | 'environment';
    name: string;
    serviceName?: string;
    environmentName?: string;
    wave: number;
    fromVersion: string;
    toVersion: string;
    deploymentType: 'MINOR_VERSION' | 'MAJOR_VERSION';
    status: string;
    statusMessage?: string;
  }>;
};
