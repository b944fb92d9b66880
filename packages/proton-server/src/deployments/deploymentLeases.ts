import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Knex } from 'knex';
import { databaseNow, databaseNowPlus } from '../store/databaseDialect';

/**
 * How servers share the execution of deployments.
 *
 * @public
 */
export interface LeaseOptions {
  /** Names this server in claims; defaults to `<hostname>:<pid>:<random>`. */
  owner: string;
  /** How long a claim holds without renewal, in milliseconds; defaults to 30 seconds. */
  leaseMs: number;
  /**
   * How often claims are renewed and cancellations from other servers picked up, in milliseconds;
   * defaults to 1 s.
   */
  heartbeatMs: number;
  /** How often unclaimed or expired work is looked for, in milliseconds; defaults to 5 seconds. */
  recoveryIntervalMs: number;
  /** A deployment started more often than this fails instead of resuming; defaults to 3. */
  maxAttempts: number;
  /**
   * Drop every claim when starting: right when the database belongs to this server alone (a SQLite
   * file), so that a restart after a crash resumes at once instead of after the lease.
   */
  releaseClaimsOnStart: boolean;
}

/** The default {@link LeaseOptions}, with a fresh owner name. */
export function defaultLeaseOptions(
  options: Partial<LeaseOptions> = {},
): LeaseOptions {
  return {
    owner: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    leaseMs: 30_000,
    heartbeatMs: 1000,
    recoveryIntervalMs: 5000,
    maxAttempts: 3,
    releaseClaimsOnStart: false,
    ...options,
  };
}

/**
 * A server's hold on a deployment: its name and the deployment's attempt number when it claimed it.
 * Every claim increments the attempt, so a server that lost its lease (it stalled, another server
 * claimed the deployment) holds a stale attempt and whatever it writes under it is refused.
 */
export interface DeploymentFence {
  owner: string;
  attempt: number;
}

/** What the leases drive. */
export interface LeaseActions {
  /** Runs a claimed deployment (its stored job) under the claim's attempt. */
  launch(deploymentId: string, attempt: number): Promise<void>;
  /** Asks the runner to stop a deployment that is being cancelled. */
  cancel(deploymentId: string): Promise<void>;
  /** Stops running a deployment this server no longer holds, without reporting anything. */
  abandon(deploymentId: string): Promise<void>;
  /** Ends a deployment this server holds (recovery that gives up, or a cancellation). */
  report(
    deploymentId: string,
    outcome: { status: 'FAILED' | 'CANCELLED'; statusMessage: string },
    fence: DeploymentFence,
  ): Promise<void>;
}

/** Deployment states in which a deployment has not ended yet. */
const OPEN = ['IN_PROGRESS', 'CANCELLING', 'DELETE_IN_PROGRESS'];

/**
 * Claims of deployments in the database, so that after a crash nothing stays IN_PROGRESS forever
 * and servers sharing a database never run the same deployment twice. A claim is a conditional
 * UPDATE (`claimed_by` empty, or its lease expired by the database's clock), atomic in SQLite and in
 * PostgreSQL; it increments the deployment's attempt, which fences out the previous holder. The
 * claiming server renews its lease while the deployment runs and stops running a deployment whose
 * claim it lost. Deployments whose lease lapsed (their server died) are claimed again and resumed,
 * at most `maxAttempts` starts in all.
 */
export class DeploymentLeases {
  private readonly options: LeaseOptions;
  /** The deployments this server holds, with the attempt it holds each under. */
  private readonly owned = new Map<string, number>();
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
    this.options = defaultLeaseOptions(options);
  }

  /** This server's name in claims. */
  get owner(): string {
    return this.options.owner;
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
        .whereIn('id', [...this.owned.keys()])
        .where({ claimed_by: this.options.owner })
        .update({ claimed_by: null, lease_expires_at: null });
      this.owned.clear();
    }
  }

  /**
   * Claims an open deployment for this server.
   *
   * @returns the attempt this server now holds it under, or undefined when another server holds it
   *   (or it has ended)
   */
  async claim(deploymentId: string): Promise<number | undefined> {
    if (this.stopped) return undefined;
    const { owner, leaseMs } = this.options;
    const updated = await this.knex('deployments')
      .where({ id: deploymentId })
      .whereIn('deployment_status', OPEN)
      .where(query =>
        query
          .whereNull('claimed_by')
          .orWhere('lease_expires_at', '<', databaseNow(this.knex)),
      )
      .update({
        claimed_by: owner,
        lease_expires_at: databaseNowPlus(this.knex, leaseMs),
        attempts: this.knex.raw('?? + 1', ['attempts']),
      });
    if (updated !== 1) return undefined;
    const row = await this.knex('deployments')
      .where({ id: deploymentId, claimed_by: owner })
      .first('attempts');
    if (!row) return undefined;
    const attempt = Number(row.attempts);
    this.owned.set(deploymentId, attempt);
    return attempt;
  }

  /** The fence of a deployment this server holds, or undefined. */
  fenceOf(deploymentId: string): DeploymentFence | undefined {
    const attempt = this.owned.get(deploymentId);
    return attempt === undefined
      ? undefined
      : { owner: this.options.owner, attempt };
  }

  /** Forgets an ended deployment. */
  release(deploymentId: string): void {
    this.owned.delete(deploymentId);
    this.cancelling.delete(deploymentId);
  }

  private async heartbeat(): Promise<void> {
    if (this.owned.size === 0 || this.stopped) return;
    const ids = [...this.owned.keys()];
    await this.knex('deployments')
      .whereIn('id', ids)
      .where({ claimed_by: this.options.owner })
      .update({
        lease_expires_at: databaseNowPlus(this.knex, this.options.leaseMs),
      });
    const rows = await this.knex('deployments')
      .whereIn('id', ids)
      .select('id', 'deployment_status', 'claimed_by', 'attempts');
    for (const row of rows) {
      const mine =
        row.claimed_by === this.options.owner &&
        Number(row.attempts) === this.owned.get(row.id);
      if (!OPEN.includes(row.deployment_status)) {
        this.release(row.id);
      } else if (!mine) {
        // Another server claimed it after this one's lease lapsed (a long pause): stop running it.
        this.release(row.id);
        await this.actions.abandon(row.id);
      } else if (
        row.deployment_status === 'CANCELLING' &&
        !this.cancelling.has(row.id)
      ) {
        // Cancellations received by another server sharing the database.
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
          .orWhere('lease_expires_at', '<', databaseNow(this.knex)),
      )
      .orderBy('created_at')
      .limit(50)
      .select('id', 'deployment_status');
    for (const row of rows) {
      const attempt = await this.claim(row.id);
      if (attempt === undefined) continue;
      const fence = { owner: this.options.owner, attempt };
      if (row.deployment_status === 'CANCELLING') {
        await this.actions.report(
          row.id,
          {
            status: 'CANCELLED',
            statusMessage:
              'The deployment was cancelled while the control plane running it had stopped',
          },
          fence,
        );
      } else if (attempt > this.options.maxAttempts) {
        await this.actions.report(
          row.id,
          {
            status: 'FAILED',
            statusMessage: `The deployment was interrupted ${
              attempt - 1
            } times (the control plane running it stopped) and was not resumed again`,
          },
          fence,
        );
      } else {
        await this.actions.launch(row.id, attempt);
      }
    }
  }
}
