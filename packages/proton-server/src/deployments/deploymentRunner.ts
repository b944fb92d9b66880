/**
 * The contract between the control plane and whatever executes template bundles (the `local`,
 * `simulate` and `codebuild` runners). The control plane records a deployment and hands it to the
 * runner once the deployment's transaction has committed; the runner reports the outcome through the
 * reporter, or the bundle does through `NotifyResourceDeploymentStatusChange`, as Proton's CodeBuild
 * provisioning does. Without a runner, deployments stay IN_PROGRESS until such a notification arrives,
 * as with Proton's self-managed provisioning.
 */

import type { DeploymentCredentialSet } from '../protocol/deploymentCredentials';
import type { PlannedResource } from './resourceChanges';

/**
 * An output of a deployed resource, as the Proton API spells it.
 *
 * @public
 */
export interface DeploymentOutput {
  /** The output's name. */
  key: string;
  /** The output's value, as a string. */
  valueString: string;
}

/**
 * What a runner is asked to execute.
 *
 * @public
 */
export interface DeploymentJob {
  /** The deployment's ID, as GetDeployment and ListDeployments show it. */
  deploymentId: string;
  /** `provision` runs the manifest's provisioning steps, `deprovision` its deprovisioning steps. */
  action: 'provision' | 'deprovision';
  /** The ARN of the environment or service instance, the runner's `RESOURCE_ARN`. */
  resourceArn: string;
  /** Whether the deployment deploys an environment, a service instance, a service pipeline or a component. */
  targetResourceType:
    | 'ENVIRONMENT'
    | 'SERVICE_INSTANCE'
    | 'SERVICE_PIPELINE'
    | 'COMPONENT';
  /**
   * A local directory with the registered template version's files (`schema/`, `infrastructure/`
   * and so on), unpacked for this run from where the version is stored; read-only.
   */
  templateDirectory: string;
  /** The infrastructure folder of the template to run, e.g. `infrastructure`. */
  infrastructureFolder: string;
  /** The content of `proton-inputs.json`. */
  protonInputs: Record<string, unknown>;
  /** The control plane's Region, the runner's `AWS_DEFAULT_REGION`. */
  region: string;
  /** The control plane's account ID, as in `resourceArn`. */
  accountId: string;
  /**
   * Which start of the deployment this is: 1, then 2 and 3 when it is resumed because the control
   * plane running it stopped (steps see it as `PROTON_DEPLOYMENT_ATTEMPT`).
   */
  attempt: number;
  /**
   * The deployment's temporary credentials, which its steps call the control plane back with. They
   * may only call `NotifyResourceDeploymentStatusChange` (and `GetDeployment`) for this deployment,
   * and stop working when it ends. Never the control plane's own credentials.
   */
  credentials: DeploymentCredentialSet;
  /** What the runner recorded for this deployment in an earlier attempt (e.g. a build id). */
  runnerState?: Record<string, string>;
}

/**
 * What a runner that can plan ahead is asked to compute the resources of: a deployment's provisioning
 * as it would run, without a deployment (no ID, no credentials, nothing reported).
 *
 * @public
 */
export type ResourcePlanJob = Pick<
  DeploymentJob,
  | 'resourceArn'
  | 'targetResourceType'
  | 'templateDirectory'
  | 'infrastructureFolder'
  | 'protonInputs'
  | 'region'
  | 'accountId'
>;

/**
 * A job as it is kept with its deployment in the database, so that any server can resume it: no
 * local path, no secret; those are added for each run.
 */
export type StoredDeploymentJob = Omit<
  DeploymentJob,
  'templateDirectory' | 'attempt' | 'credentials' | 'runnerState'
> & {
  /**
   * A directly defined component's files (its manifest and template file, by path such as
   * `infrastructure/manifest.yaml`), written out as the run's template directory; a template
   * version's deployments read their files from the template store instead.
   */
  componentFiles?: Record<string, string>;
};

/**
 * How a runner reports the end of a deployment. A deployment that has already ended (through
 * `NotifyResourceDeploymentStatusChange`, or cancelled) ignores later reports.
 *
 * @public
 */
export interface DeploymentReporter {
  /**
   * The deployment succeeded. Its outputs are those notified with
   * `NotifyResourceDeploymentStatusChange` while it ran, overridden by `outputs`.
   * `log` (optional everywhere) is kept as the deployment's log.
   */
  succeeded(outputs: DeploymentOutput[], log?: string): Promise<void>;
  /** The deployment failed; `statusMessage` says why, as the deployment's statusMessage. */
  failed(statusMessage: string, log?: string): Promise<void>;
  /** The deployment stopped because it was cancelled. */
  cancelled(log?: string): Promise<void>;
  /**
   * Keeps what a later attempt of this deployment needs to pick up where this one is (e.g. the id
   * of a build that keeps running when the control plane stops); given back as `job.runnerState`.
   */
  recordRunnerState(state: Record<string, string>): Promise<void>;
}

/**
 * Executes deployments.
 *
 * @public
 */
export interface DeploymentRunner {
  /** Starts a deployment; resolves once it has started (not when it ends). */
  start(job: DeploymentJob, reporter: DeploymentReporter): Promise<void>;
  /** Asks a running deployment to stop; the runner then reports `cancelled()`. */
  cancel(deploymentId: string): Promise<void>;
  /** The log of a deployment this runner is running (or ran), if it has one. */
  readLog?(deploymentId: string): Promise<string | undefined>;
  /**
   * The resources the job's provisioning would register, computed without creating anything; for
   * upgrade previews. Undefined when this runner cannot know before it deploys (the `local` and
   * `codebuild` runners run the bundle's own steps, which deploy).
   *
   * @throws Error with a message for the user when the computation fails (the program's own error)
   */
  planResources?(job: ResourcePlanJob): Promise<PlannedResource[] | undefined>;
  /**
   * Stops every deployment without reporting their outcome, when the control plane shuts down;
   * another start of the control plane resumes them.
   */
  stop?(): Promise<void>;
}

/**
 * What the control plane tells a runner it creates once it knows its endpoint.
 *
 * @public
 */
export interface DeploymentRunnerContext {
  /** The control plane's endpoint (for the `aws` CLI in a bundle's steps); known once started. */
  endpoint(): string;
  /** A directory the runner may use for working directories and logs. */
  workDirectory: string;
}

/**
 * Creates a runner when the control plane starts; see `createLocalRunner`.
 *
 * @public
 */
export type DeploymentRunnerFactory = (
  context: DeploymentRunnerContext,
) => DeploymentRunner;

/** The most of a deployment's log the control plane keeps once the deployment ended: 1 MiB. */
const MAX_STORED_LOG_BYTES = 1024 * 1024;

/**
 * The log kept with an ended deployment: the whole log, or when it is longer than 1 MiB (UTF-8 bytes)
 * its end (where a failure is), after a first line saying how much was left out, 1 MiB in all:
 * `[the first <n> bytes of this log were left out: the control plane keeps its last 1048576]`. The
 * cut falls between characters. Readers of the log route (the Backstage plugin's
 * `readDeploymentLog`) recognise that line.
 */
export function keepLogEnd(log: string): string;
export function keepLogEnd(log: string | undefined): string | undefined;
export function keepLogEnd(log: string | undefined): string | undefined {
  if (log === undefined) return undefined;
  const bytes = Buffer.from(log, 'utf8');
  if (bytes.length <= MAX_STORED_LOG_BYTES) return log;
  const line = (leftOut: number) =>
    `[the first ${leftOut} bytes of this log were left out: the control plane keeps its last ${MAX_STORED_LOG_BYTES}]\n`;
  // the line's length depends on the count it gives: settle both (two rounds at most change a digit)
  let start = bytes.length - MAX_STORED_LOG_BYTES;
  for (let round = 0; round < 3; round += 1) {
    start =
      bytes.length - (MAX_STORED_LOG_BYTES - Buffer.byteLength(line(start)));
  }
  // a UTF-8 continuation byte (10xxxxxx) is inside a character: start at the next one
  while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) start += 1;
  return `${line(start)}${bytes.subarray(start).toString('utf8')}`;
}
