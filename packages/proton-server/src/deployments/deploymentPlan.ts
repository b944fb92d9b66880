import type {
  DeploymentJob,
  DeploymentOutput,
  ResourcePlanJob,
} from './deploymentRunner';
import type { PlannedResource } from './resourceChanges';
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
  /**
   * The resources the commands registered, once they succeeded, when the plan can tell without
   * deploying (the `simulate` runner's); makes the runner able to preview.
   */
  resources?(): Promise<PlannedResource[]>;
}

/**
 * What a planner is given: a deployment's job, or for a preview a {@link ResourcePlanJob} that
 * provisions (no deployment ID, no credentials).
 *
 * @public
 */
export type PlannedJob =
  | DeploymentJob
  | (ResourcePlanJob & { action: 'provision'; deploymentId?: undefined });

/**
 * Plans a deployment; throw `DeploymentSetupError` for a problem the client should read.
 *
 * @public
 */
export type DeploymentPlanner = (
  job: PlannedJob,
  directories: { workingDirectory: string; runDirectory: string },
) => Promise<DeploymentPlan>;

/** The default planner: the steps of the bundle's CodeBuild provisioning manifest. */
export const manifestPlanner: DeploymentPlanner = async job => ({
  commands: (await readProvisioningSteps(job)).commands,
});
