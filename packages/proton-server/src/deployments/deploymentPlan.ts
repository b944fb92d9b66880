import type { DeploymentJob, DeploymentOutput } from './deploymentRunner';
import { readProvisioningSteps } from './provisioningManifest';

/**
 * What a deployment runs in its working directory: shell commands, and optionally how to read its
 * outputs once they succeeded.
 *
 * @public
 */
export interface DeploymentPlan {
  /** The commands, run in order in one bash session. */
  commands: string[];
  /** The outputs to report on success, besides those the steps notified. */
  outputs?(): Promise<DeploymentOutput[]>;
  /** A statusMessage for a failure, instead of the failing step's output; undefined keeps that. */
  failureMessage?(
    exitCode: number | null,
    tail: string,
  ): Promise<string | undefined>;
  /** A line written to the deployment's log before the commands run. */
  note?: string;
}

/**
 * Plans a deployment; throw `DeploymentSetupError` for a problem the client should read.
 *
 * @public
 */
export type DeploymentPlanner = (
  job: DeploymentJob,
  directories: { workingDirectory: string; runDirectory: string },
) => Promise<DeploymentPlan>;

/** The default planner: the steps of the bundle's CodeBuild provisioning manifest. */
export const manifestPlanner: DeploymentPlanner = async job => ({
  commands: (await readProvisioningSteps(job)).commands,
});
