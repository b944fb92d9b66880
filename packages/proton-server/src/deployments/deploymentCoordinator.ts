import type { Knex } from 'knex';
import {
  TemplateFiles,
  TemplateFilesUnavailableError,
} from '../bundles/templateFiles';
import type { TemplateVersionRef } from '../bundles/templateBundleStore';
import type { DeploymentCredentials } from '../protocol/deploymentCredentials';
import { forUpdate, retryOnDeadlock } from '../store/databaseDialect';
import {
  DeploymentRecord,
  DeploymentStatus,
  findDeploymentLog,
  findNotifiedOutputs,
  forgetResource,
  replaceOutputs,
  saveDeploymentLog,
  toDeploymentRecord,
} from '../store/deploymentStore';
import { refreshServiceStatus } from '../store/serviceStore';
import {
  DeploymentFence,
  DeploymentLeases,
  LeaseOptions,
} from './deploymentLeases';
import type {
  DeploymentJob,
  DeploymentOutput,
  DeploymentReporter,
  DeploymentRunner,
  ResourcePlanJob,
  StoredDeploymentJob,
} from './deploymentRunner';
import { boundedMessage } from './provisioningManifest';
import type { PlannedResource } from './resourceChanges';

type Db = Knex | Knex.Transaction;

/** How a deployment ended. */
export interface DeploymentOutcome {
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  outputs?: DeploymentOutput[];
  statusMessage?: string;
}

/** The lengths of an output value AWS Proton takes (API reference: Output, valueString). */
const OUTPUT_VALUE_LENGTH = { min: 1, max: 1024 };

/** The outputs whose value AWS Proton would refuse: empty, or longer than 1,024 characters. */
export function refusedOutputs(
  outputs: DeploymentOutput[],
): DeploymentOutput[] {
  return outputs.filter(
    output =>
      output.valueString.length < OUTPUT_VALUE_LENGTH.min ||
      output.valueString.length > OUTPUT_VALUE_LENGTH.max,
  );
}

/**
 * A runner's outcome as Proton would take it: a success whose outputs AWS Proton would refuse (a value
 * empty or longer than 1,024 characters) fails, naming the output, instead of storing what the API
 * could not have accepted.
 */
function checkedOutcome(outcome: DeploymentOutcome): DeploymentOutcome {
  if (outcome.status !== 'SUCCEEDED') return outcome;
  const refused = refusedOutputs(outcome.outputs ?? []);
  if (refused.length === 0) return outcome;
  return {
    status: 'FAILED',
    statusMessage: `The deployment reported outputs AWS Proton refuses (a value is 1 to 1,024 characters): ${refused
      .map(o => `${o.key} has ${o.valueString.length}`)
      .join(', ')}; leave an absent output out instead of reporting it empty`,
  };
}

/** Deployment states in which a deployment has not ended yet. */
export const OPEN_DEPLOYMENT_STATUSES: DeploymentStatus[] = [
  'IN_PROGRESS',
  'CANCELLING',
  'DELETE_IN_PROGRESS',
];

/** The table and key of the resource a deployment deploys. */
function targetOf(deployment: DeploymentRecord): {
  table: string;
  key: Record<string, string>;
} {
  if (deployment.targetResourceType === 'ENVIRONMENT') {
    return { table: 'environments', key: { name: deployment.environmentName } };
  }
  if (deployment.targetResourceType === 'COMPONENT') {
    return { table: 'components', key: { name: deployment.componentName! } };
  }
  if (deployment.targetResourceType === 'SERVICE_PIPELINE') {
    return {
      table: 'service_pipelines',
      key: { service_name: deployment.serviceName! },
    };
  }
  return {
    table: 'service_instances',
    key: {
      service_name: deployment.serviceName!,
      name: deployment.serviceInstanceName!,
    },
  };
}

function endStatus(
  deployment: DeploymentRecord,
  outcome: DeploymentOutcome,
): DeploymentStatus {
  if (outcome.status === 'CANCELLED') return 'CANCELLED';
  if (deployment.action === 'deprovision') {
    return outcome.status === 'SUCCEEDED' ? 'DELETE_COMPLETE' : 'DELETE_FAILED';
  }
  return outcome.status;
}

/** What the coordinator needs besides the database and the runner. */
export interface DeploymentCoordinatorOptions {
  /** Where each run gets the template version's files. */
  templateFiles: TemplateFiles;
  /** Issues the temporary credentials a deployment's steps call back with. */
  credentials: DeploymentCredentials;
  leases: LeaseOptions;
}

/**
 * Hands recorded deployments to the runner once their transaction has committed, and applies their
 * outcome, from the runner or from NotifyResourceDeploymentStatusChange, to the deployment and to the
 * environment or service instance it deploys.
 *
 * A server runs a deployment only under a claim (see {@link DeploymentLeases}); what its runner
 * reports is applied only while it still holds that claim, so a server that stalled past its lease
 * cannot end, or overwrite, a deployment another server took over.
 */
export class DeploymentCoordinator {
  private readonly leases?: DeploymentLeases;

  constructor(
    private readonly knex: Knex,
    private readonly runner: DeploymentRunner | undefined,
    private readonly onInternalError: (error: unknown) => void,
    private readonly options: DeploymentCoordinatorOptions,
  ) {
    if (runner) {
      this.leases = new DeploymentLeases(
        knex,
        {
          launch: (id, attempt) => this.launch(id, attempt),
          cancel: id => runner.cancel(id),
          abandon: id => runner.cancel(id),
          report: (id, outcome, fence) =>
            this.report(id, outcome, undefined, fence).then(() => {}),
        },
        onInternalError,
        options.leases,
      );
    }
  }

  /** Whether deployments are executed here; without a runner they wait for notifications. */
  get hasRunner(): boolean {
    return this.runner !== undefined;
  }

  /**
   * Starts executing: resumes (or fails) the deployments no live server holds, and keeps the leases
   * of those this server runs.
   */
  async startExecution(): Promise<void> {
    await this.leases?.start();
  }

  /** Stops the runner without reporting and releases this server's claims, for the next start. */
  async stopExecution(): Promise<void> {
    await this.leases?.stop(async () => {
      await this.runner?.stop?.();
    });
  }

  /**
   * Runs a recorded deployment, if there is a runner and no other server has claimed it; call it
   * after the transaction recording it has committed.
   */
  async start(deploymentId: string): Promise<void> {
    if (!this.runner || !this.leases) return;
    const attempt = await this.leases.claim(deploymentId);
    if (attempt !== undefined) await this.launch(deploymentId, attempt);
  }

  /** Builds the job of a claimed deployment for this run and hands it to the runner. */
  private async launch(deploymentId: string, attempt: number): Promise<void> {
    const fence: DeploymentFence = { owner: this.leases!.owner, attempt };
    const row = await this.knex('deployments')
      .where({ id: deploymentId })
      .first();
    if (!row?.job) return;
    const deployment = toDeploymentRecord(row);
    // Older jobs also held a local path, which a run never uses: files come from the store.
    const {
      templateDirectory: _ignored,
      componentFiles,
      ...stored
    } = JSON.parse(row.job) as StoredDeploymentJob & {
      templateDirectory?: string;
    };
    let job: DeploymentJob;
    try {
      job = {
        ...stored,
        templateDirectory: componentFiles
          ? await this.options.templateFiles.componentDirectory(
              deploymentId,
              componentFiles,
            )
          : await this.options.templateFiles.directory({
              kind:
                deployment.targetResourceType === 'ENVIRONMENT'
                  ? 'environment'
                  : 'service',
              templateName: deployment.templateName,
              major: deployment.templateMajor,
              minor: deployment.templateMinor,
            }),
        attempt,
        credentials: this.options.credentials.issue(deploymentId),
        runnerState: row.runner_state
          ? JSON.parse(row.runner_state)
          : undefined,
      };
    } catch (error) {
      if (!(error instanceof TemplateFilesUnavailableError)) {
        this.onInternalError(error);
      }
      await this.report(
        deploymentId,
        {
          status: 'FAILED',
          statusMessage: boundedMessage(
            error instanceof TemplateFilesUnavailableError
              ? error.message
              : 'The template version files could not be prepared for the deployment',
          ),
        },
        undefined,
        fence,
      );
      return;
    }
    try {
      await this.runner!.start(job, this.reporterFor(deploymentId, fence));
    } catch (error) {
      this.onInternalError(error);
      await this.report(
        deploymentId,
        {
          status: 'FAILED',
          statusMessage: 'The deployment runner could not start the deployment',
        },
        undefined,
        fence,
      );
    }
  }

  /**
   * The resources a provisioning of the version would register, computed by the runner without
   * deploying; undefined when there is no runner or it cannot plan ahead.
   *
   * @throws TemplateFilesUnavailableError when the version's files cannot be had;
   *   DeploymentSetupError when the plan fails (the program's own error)
   */
  async planResources(
    version: TemplateVersionRef,
    job: Omit<ResourcePlanJob, 'templateDirectory'>,
  ): Promise<PlannedResource[] | undefined> {
    if (!this.runner?.planResources) return undefined;
    return this.runner.planResources({
      ...job,
      templateDirectory: await this.options.templateFiles.directory(version),
    });
  }

  /** Asks the runner to stop a deployment; call it after the transaction has committed. */
  async cancel(deploymentId: string): Promise<void> {
    await this.runner?.cancel(deploymentId);
  }

  /** The log of a deployment: kept in the database once it ended, or the runner's while it runs. */
  async readLog(deploymentId: string): Promise<string | undefined> {
    return (
      (await findDeploymentLog(this.knex, deploymentId)) ??
      (await this.runner?.readLog?.(deploymentId))
    );
  }

  /**
   * Applies an outcome in a transaction of its own and keeps the deployment's log; with a fence,
   * only while the fence's server still holds the deployment under that attempt.
   *
   * @returns whether the outcome was applied
   */
  async report(
    deploymentId: string,
    reported: DeploymentOutcome,
    log?: string,
    fence?: DeploymentFence,
  ): Promise<boolean> {
    const outcome = checkedOutcome(reported);
    const applied = await retryOnDeadlock(() =>
      this.knex.transaction(async trx => {
        const ended = await this.finish(
          trx,
          deploymentId,
          outcome,
          new Date(),
          fence,
        );
        if (ended && log !== undefined) {
          await saveDeploymentLog(trx, deploymentId, log);
        }
        return ended;
      }),
    );
    // Reported by this server's runner, applied or not: this server is done with it.
    this.leases?.release(deploymentId);
    await this.options.templateFiles.removeComponentDirectory(deploymentId);
    return applied;
  }

  /**
   * Ends a deployment and updates the resource it deploys: its status, message, outputs and last
   * succeeded deployment; a successful deprovisioning removes the resource. Does nothing for a
   * deployment that has already ended, or that `fence` does not hold any more. The deployment's
   * row (and its service's) stay locked until the transaction ends, so concurrent reports of one
   * deployment, or of a service's instances, apply one after the other.
   *
   * @returns whether the outcome was applied
   */
  async finish(
    db: Db,
    deploymentId: string,
    outcome: DeploymentOutcome,
    now: Date,
    fence?: DeploymentFence,
  ): Promise<boolean> {
    const query = db('deployments')
      .where({ id: deploymentId })
      .whereIn('deployment_status', OPEN_DEPLOYMENT_STATUSES);
    if (fence) {
      query.where({ claimed_by: fence.owner, attempts: fence.attempt });
    }
    const row = await forUpdate(db, query.first());
    if (!row) return false;
    const deployment = toDeploymentRecord(row);
    if (
      deployment.targetResourceType === 'SERVICE_INSTANCE' ||
      deployment.targetResourceType === 'SERVICE_PIPELINE'
    ) {
      // Instances and the pipeline of one service ending together: each sees the others' outcome.
      await forUpdate(
        db,
        db('services').where({ name: deployment.serviceName }).first('name'),
      );
    }
    const status = endStatus(deployment, outcome);
    const message =
      outcome.status === 'SUCCEEDED' ? undefined : outcome.statusMessage;
    await db('deployments')
      .where({ id: deployment.id })
      .update({
        deployment_status: status,
        status_message: message ?? null,
        completed_at: now.getTime(),
        last_modified_at: now.getTime(),
        claimed_by: null,
        lease_expires_at: null,
      });
    await this.applyToTarget(db, deployment, status, message, outcome, now);
    if (
      deployment.targetResourceType === 'SERVICE_INSTANCE' ||
      deployment.targetResourceType === 'SERVICE_PIPELINE'
    ) {
      // `...:service/<service>/service-instance/<instance>` or `.../pipeline/<id>`: the service's ARN
      const arn = deployment.targetArn;
      const prefix = arn.slice(0, arn.indexOf(':service/'));
      await refreshServiceStatus(
        db,
        deployment.serviceName!,
        `${prefix}:service/${deployment.serviceName}`,
        now,
      );
    }
    return true;
  }

  private async applyToTarget(
    db: Db,
    deployment: DeploymentRecord,
    status: DeploymentStatus,
    message: string | undefined,
    outcome: DeploymentOutcome,
    now: Date,
  ): Promise<void> {
    const target = targetOf(deployment);
    if (status === 'DELETE_COMPLETE') {
      await db(target.table).where(target.key).delete();
      await forgetResource(db, deployment.targetArn);
      return;
    }
    const changes: Record<string, unknown> = {
      deployment_status: status,
      deployment_status_message: message ?? null,
      last_modified_at: now.getTime(),
    };
    if (status === 'SUCCEEDED') {
      changes.last_succeeded_deployment_id = deployment.id;
      changes.last_deployment_succeeded_at = now.getTime();
      await replaceOutputs(db, deployment.targetArn, deployment.id, [
        ...(await findNotifiedOutputs(db, deployment.id)),
        ...(outcome.outputs ?? []),
      ]);
    }
    await db(target.table).where(target.key).update(changes);
  }

  private reporterFor(
    deploymentId: string,
    fence: DeploymentFence,
  ): DeploymentReporter {
    const report = async (outcome: DeploymentOutcome, log?: string) => {
      await this.report(deploymentId, outcome, log, fence);
    };
    return {
      succeeded: (outputs, log) =>
        report({ status: 'SUCCEEDED', outputs }, log),
      failed: (statusMessage, log) =>
        report({ status: 'FAILED', statusMessage }, log),
      cancelled: log => report({ status: 'CANCELLED' }, log),
      recordRunnerState: async state => {
        await this.knex('deployments')
          .where({
            id: deploymentId,
            claimed_by: fence.owner,
            attempts: fence.attempt,
          })
          .update({ runner_state: JSON.stringify(state) });
      },
    };
  }
}
