import type { Knex } from 'knex';
import {
  completeDeploymentRecord,
  DeploymentRecord,
  DeploymentStatus,
  findDeployment,
  findDeploymentLog,
  findNotifiedOutputs,
  forgetResource,
  replaceOutputs,
  saveDeploymentLog,
} from '../store/deploymentStore';
import { DeploymentLeases, LeaseOptions } from './deploymentLeases';
import { refreshServiceStatus } from '../store/serviceStore';
import type {
  DeploymentJob,
  DeploymentOutput,
  DeploymentReporter,
  DeploymentRunner,
} from './deploymentRunner';

type Db = Knex | Knex.Transaction;

/** How a deployment ended. */
export interface DeploymentOutcome {
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  outputs?: DeploymentOutput[];
  statusMessage?: string;
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

/**
 * Hands recorded deployments to the runner once their transaction has committed, and applies their
 * outcome, from the runner or from NotifyResourceDeploymentStatusChange, to the deployment and to the
 * environment or service instance it deploys.
 */
export class DeploymentCoordinator {
  private readonly leases?: DeploymentLeases;

  constructor(
    private readonly knex: Knex,
    private readonly runner: DeploymentRunner | undefined,
    private readonly onInternalError: (error: unknown) => void,
    leaseOptions?: Partial<LeaseOptions>,
  ) {
    if (runner) {
      this.leases = new DeploymentLeases(
        knex,
        {
          launch: job => this.launch(job),
          cancel: id => runner.cancel(id),
          report: (id, outcome) => this.report(id, outcome).then(() => {}),
        },
        onInternalError,
        leaseOptions,
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
   * Runs a recorded job, if there is a runner and no other server has claimed it; call it after the
   * transaction has committed.
   */
  async start(job: DeploymentJob): Promise<void> {
    if (!this.runner || !this.leases) return;
    if (await this.leases.claim(job.deploymentId)) {
      await this.launch(job);
    }
  }

  private async launch(job: DeploymentJob): Promise<void> {
    try {
      await this.runner!.start(job, this.reporterFor(job.deploymentId));
    } catch (error) {
      this.onInternalError(error);
      await this.report(job.deploymentId, {
        status: 'FAILED',
        statusMessage: 'The deployment runner could not start the deployment',
      });
    }
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

  /** Applies an outcome in a transaction of its own, and keeps the deployment's log. */
  async report(
    deploymentId: string,
    outcome: DeploymentOutcome,
    log?: string,
  ): Promise<boolean> {
    const applied = await this.knex.transaction(async trx => {
      if (log !== undefined && (await findDeployment(trx, deploymentId))) {
        await saveDeploymentLog(trx, deploymentId, log);
      }
      return this.finish(trx, deploymentId, outcome, new Date());
    });
    this.leases?.release(deploymentId);
    return applied;
  }

  /**
   * Ends a deployment and updates the resource it deploys: its status, message, outputs and last
   * succeeded deployment; a successful deprovisioning removes the resource. Does nothing for a
   * deployment that has already ended.
   *
   * @returns whether the outcome was applied
   */
  async finish(
    db: Db,
    deploymentId: string,
    outcome: DeploymentOutcome,
    now: Date,
  ): Promise<boolean> {
    const deployment = await findDeployment(db, deploymentId);
    if (
      !deployment ||
      !OPEN_DEPLOYMENT_STATUSES.includes(deployment.deploymentStatus)
    ) {
      return false;
    }
    const status = endStatus(deployment, outcome);
    const message =
      outcome.status === 'SUCCEEDED' ? undefined : outcome.statusMessage;
    await completeDeploymentRecord(db, deployment.id, status, message, now);
    await this.applyToTarget(db, deployment, status, message, outcome, now);
    if (deployment.targetResourceType === 'SERVICE_INSTANCE') {
      await refreshServiceStatus(
        db,
        deployment.serviceName!,
        deployment.targetArn.slice(0, deployment.targetArn.lastIndexOf('/')),
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

  private reporterFor(deploymentId: string): DeploymentReporter {
    const report = async (outcome: DeploymentOutcome, log?: string) => {
      await this.report(deploymentId, outcome, log);
    };
    return {
      succeeded: (outputs, log) =>
        report({ status: 'SUCCEEDED', outputs }, log),
      failed: (statusMessage, log) =>
        report({ status: 'FAILED', statusMessage }, log),
      cancelled: log => report({ status: 'CANCELLED' }, log),
    };
  }
}
