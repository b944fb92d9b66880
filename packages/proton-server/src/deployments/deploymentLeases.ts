import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Knex } from 'knex';
import type { DeploymentJob } from './deploymentRunner';

/**
 * How servers share the execution of deployments.
 *
 * @public
 */
export interface LeaseOptions {
  /** Names this server in claims; defaults to `<hostname>:<pid>:<random>`. */
  owner: string;
  /** How long a claim holds without renewal; defaults to 30 seconds. */
  leaseMs: number;
  /** How often claims are renewed and cancellations from other servers picked up; defaults to 1 s. */
  heartbeatMs: number;
  /** How often unclaimed or expired deployments are looked for; defaults to 5 seconds. */
  recoveryIntervalMs: number;
  /** A deployment started more often than this fails instead of resuming; defaults to 3. */
  maxAttempts: number;
  /**
   * Drop every claim when starting: right when the database belongs to this server alone (a SQLite
   * file), so that a restart after a crash resumes at once instead of after the lease.
   */
  releaseClaimsOnStart: boolean;
}

/** What the leases drive. */
export interface LeaseActions {
  launch(job: DeploymentJob): Promise<void>;
  cancel(deploymentId: string): Promise<void>;
  report(
    deploymentId: string,
    outcome: { status: 'FAILED' | 'CANCELLED'; statusMessage: string },
  ): Promise<void>;
}

const OPEN = ['IN_PROGRESS', 'CANCELLING', 'DELETE_IN_PROGRESS'];

/**
 * Claims of deployments in the database, so that after a crash nothing stays IN_PROGRESS forever
 * and servers sharing a database never run the same deployment twice. A claim is a conditional
 * UPDATE (`claimed_by` empty or its lease expired), atomic in SQLite and in PostgreSQL; the claiming
 * server renews its lease while the deployment runs. Deployments whose lease lapsed (their server
 * died) are claimed again and resumed, at most `maxAttempts` starts in all.
 */
export class DeploymentLeases {
  private readonly options: LeaseOptions;
  private readonly owned = new Set<string>();
  private readonly cancelling = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private tick: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly knex: Knex,
    private readonly actions: LeaseActions,
    private readonly onError: (error: unknown) => void,
    options: Partial<LeaseOptions> = {},
  ) {
    this.options = {
      owner: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      leaseMs: 30_000,
      heartbeatMs: 1000,
      recoveryIntervalMs: 5000,
      maxAttempts: 3,
      releaseClaimsOnStart: false,
      ...options,
    };
  }

  /** Resumes what no one holds, then keeps renewing and looking. */
  async start(): Promise<void> {
    if (this.options.releaseClaimsOnStart) {
      await this.knex('deployments')
        .whereIn('deployment_status', OPEN)
        .whereNotNull('claimed_by')
        .update({ claimed_by: null, lease_expires_at: null });
    }
    await this.recover();
    const every = (ms: number, task: () => Promise<void>) => {
      const timer = setInterval(() => {
        this.tick = this.tick.then(task).catch(this.onError);
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.heartbeatMs, () => this.heartbeat());
    every(this.options.recoveryIntervalMs, () => this.recover());
  }

  /** Stops renewing, runs `stopRunner`, then releases this server's claims. */
  async stop(stopRunner: () => Promise<void>): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    this.timers = [];
    await this.tick;
    await stopRunner();
    if (this.owned.size > 0) {
      await this.knex('deployments')
        .whereIn('id', [...this.owned])
        .where({ claimed_by: this.options.owner })
        .update({ claimed_by: null, lease_expires_at: null });
      this.owned.clear();
    }
  }

  /**
   * Claims a deployment for this server.
   *
   * @returns whether this server now holds it
   */
  async claim(deploymentId: string): Promise<boolean> {
    if (this.stopped) return false;
    const now = Date.now();
    const updated = await this.knex('deployments')
      .where({ id: deploymentId })
      .whereIn('deployment_status', OPEN)
      .where(query =>
        query.whereNull('claimed_by').orWhere('lease_expires_at', '<', now),
      )
      .update({
        claimed_by: this.options.owner,
        lease_expires_at: now + this.options.leaseMs,
        attempts: this.knex.raw('?? + 1', ['attempts']),
      });
    if (updated === 1) this.owned.add(deploymentId);
    return updated === 1;
  }

  /** Forgets an ended deployment. */
  release(deploymentId: string): void {
    this.owned.delete(deploymentId);
    this.cancelling.delete(deploymentId);
  }

  private async heartbeat(): Promise<void> {
    if (this.owned.size === 0 || this.stopped) return;
    const ids = [...this.owned];
    await this.knex('deployments')
      .whereIn('id', ids)
      .where({ claimed_by: this.options.owner })
      .update({ lease_expires_at: Date.now() + this.options.leaseMs });
    // Cancellations received by another server sharing the database.
    const rows = await this.knex('deployments')
      .whereIn('id', ids)
      .select('id', 'deployment_status');
    for (const row of rows) {
      if (!OPEN.includes(row.deployment_status)) {
        this.release(row.id);
      } else if (
        row.deployment_status === 'CANCELLING' &&
        !this.cancelling.has(row.id)
      ) {
        this.cancelling.add(row.id);
        await this.actions.cancel(row.id);
      }
    }
  }

  /** Claims and resumes, or ends, deployments no live server holds. */
  async recover(): Promise<void> {
    if (this.stopped) return;
    const rows = await this.knex('deployments')
      .whereIn('deployment_status', OPEN)
      .whereNotNull('job')
      .where(query =>
        query
          .whereNull('claimed_by')
          .orWhere('lease_expires_at', '<', Date.now()),
      )
      .orderBy('created_at')
      .limit(50)
      .select('id', 'job', 'deployment_status', 'attempts');
    for (const row of rows) {
      if (!(await this.claim(row.id))) continue;
      const attempts = Number(row.attempts) + 1;
      if (row.deployment_status === 'CANCELLING') {
        await this.actions.report(row.id, {
          status: 'CANCELLED',
          statusMessage:
            'The deployment was cancelled while the control plane running it had stopped',
        });
      } else if (attempts > this.options.maxAttempts) {
        await this.actions.report(row.id, {
          status: 'FAILED',
          statusMessage: `The deployment was interrupted ${
            attempts - 1
          } times (the control plane running it stopped) and was not resumed again`,
        });
      } else {
        await this.actions.launch(JSON.parse(row.job));
      }
    }
  }
}
