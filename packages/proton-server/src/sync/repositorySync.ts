import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Knex } from 'knex';
import { isUniqueViolation } from '../store/database';
import {
  BranchState,
  claimBranch,
  findRepository,
  markBranchSynced,
  readBranchState,
  releaseBranch,
  renewBranch,
  requestBranchSync,
  Revision,
  SyncedBranch,
  SyncEvent,
  templateSyncConfigsOf,
} from '../store/repositoryStore';
import {
  findRepositoryAttempt,
  insertRepositoryAttempt,
  latestRepositoryAttempt,
  pruneRepositoryAttempts,
  updateRepositoryAttempt,
} from '../store/syncAttemptStore';
import type { GitConnection } from './gitConnections';
import {
  GitMirrors,
  GitOperationError,
  MirroredRepository,
} from './gitMirrors';
import {
  planServiceSync,
  ServiceSyncDependencies,
  syncServiceInstances,
} from './serviceSync';
import { syncTemplates, TemplateSyncDependencies } from './templateSync';
import {
  serviceSyncConfigsOf,
  syncedBranches,
} from '../store/serviceSyncStore';
import { answerWebhook, WebhookResponse } from './webhookDeliveries';

/** What {@link RepositorySync} needs. */
export interface RepositorySyncOptions
  extends Omit<TemplateSyncDependencies, 'mirrors'> {
  knex: Knex;
  mirrors: GitMirrors;
  connections: GitConnection[];
  /** This server's name in claims, and how long a claim holds without renewal (ms). */
  leases: { owner: string; leaseMs: number };
  /** How often every synced branch is polled, in ms; 0 turns polling off. */
  pollIntervalMs: number;
  /** Calls a Proton operation as service sync (see ServiceSyncDependencies.invoke). */
  invokeAsServiceSync(
    operation: string,
    input: Record<string, unknown>,
  ): Promise<unknown>;
}

function event(type: string, text: string): SyncEvent {
  return { type, event: text, time: new Date() };
}

/**
 * Keeps synced branches of linked repositories in step with their remotes: a request (a webhook, a
 * poll, a changed sync configuration) is recorded in the database, and the server that claims the
 * branch fetches it and syncs the new commit. Claims are conditional updates with a lease, like
 * deployments', so several servers on one database never sync a branch at the same time; a request
 * that comes in while a branch is being synced makes its holder fetch again before letting go
 * (commits pushed meanwhile are synced together, as AWS Proton batches them). A commit is synced at
 * most once per configuration generation: the attempt's row has a unique key on it.
 */
export class RepositorySync {
  private readonly running = new Set<Promise<void>>();
  private pollTimer?: NodeJS.Timeout;

  constructor(private readonly options: RepositorySyncOptions) {}

  /** The configured connection with this ARN. */
  connection(arn: string): GitConnection | undefined {
    return this.options.connections.find(c => c.arn === arn);
  }

  /** Starts polling, when an interval is set. */
  start(): void {
    if (this.options.pollIntervalMs > 0 && !this.pollTimer) {
      this.pollTimer = setInterval(() => {
        this.poll().catch(this.options.onInternalError);
      }, this.options.pollIntervalMs);
      this.pollTimer.unref();
    }
  }

  /** Stops polling and waits for the syncs this server runs. */
  async stop(): Promise<void> {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    await this.settled();
  }

  /** Resolves once every sync this server started so far has finished. */
  async settled(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.all([...this.running]);
    }
  }

  /** Requests a sync of every branch a template sync or service sync configuration follows. */
  async poll(): Promise<void> {
    for (const branch of await syncedBranches(this.options.knex)) {
      await this.request(branch);
    }
  }

  /**
   * Records a request to sync `branch` and syncs it on this server unless another one holds it
   * (which then syncs again before letting go). With `resync`, the branch's current commit is
   * synced again: its sync configurations changed.
   */
  async request(branch: SyncedBranch, resync = false): Promise<void> {
    await requestBranchSync(this.options.knex, branch, resync);
    const running = this.drain(branch)
      .catch(this.options.onInternalError)
      .finally(() => this.running.delete(running));
    this.running.add(running);
  }

  /** Answers a push webhook (see {@link answerWebhook}): syncs run on this server. */
  handleWebhook(
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<WebhookResponse> {
    return answerWebhook(
      {
        knex: this.options.knex,
        connections: this.options.connections,
        request: branch => this.request(branch),
      },
      headers,
      body,
    );
  }

  private serviceSync(): ServiceSyncDependencies {
    return {
      knex: this.options.knex,
      mirrors: this.options.mirrors,
      invoke: this.options.invokeAsServiceSync,
      onInternalError: this.options.onInternalError,
    };
  }

  /**
   * Writes the bundle of a template version synced from `revision` to `file` again (the
   * registration of a server that stopped is taken up by another one).
   *
   * @throws Error naming why the revision cannot be read
   */
  async writeRevisionBundle(revision: Revision, file: string): Promise<void> {
    const repository = await findRepository(
      this.options.knex,
      revision.repositoryProvider,
      revision.repositoryName,
    );
    const connection = repository && this.connection(repository.connectionArn);
    if (!repository || !connection) {
      throw new Error(
        `the repository ${revision.repositoryName} is no longer linked through a configured connection`,
      );
    }
    const mirrored = {
      provider: repository.provider,
      name: repository.name,
      connection,
    };
    await this.options.mirrors.fetchCommit(
      mirrored,
      revision.branch,
      revision.sha,
    );
    await this.options.mirrors.archiveFolder(
      mirrored,
      revision.sha,
      revision.directory,
      file,
    );
  }

  private async drain(branch: SyncedBranch): Promise<void> {
    const { knex, leases } = this.options;
    if (!(await claimBranch(knex, branch, leases.owner, leases.leaseMs))) {
      return;
    }
    // a holder that could not renew its lease (it stalled; another server may hold the branch now)
    // writes nothing more
    let held = true;
    const renewal = setInterval(() => {
      renewBranch(knex, branch, leases.owner, leases.leaseMs).then(renewed => {
        if (!renewed) held = false;
      }, this.options.onInternalError);
    }, Math.max(100, Math.floor(leases.leaseMs / 3)));
    renewal.unref();
    const stillHeld = () => held;
    try {
      for (;;) {
        const state = await readBranchState(knex, branch);
        if (!state) return;
        try {
          await this.syncOnce(branch, state, stillHeld);
        } catch (error) {
          this.options.onInternalError(error);
        }
        if (
          !held ||
          (await releaseBranch(knex, branch, leases.owner, state.requestCount))
        ) {
          return;
        }
      }
    } finally {
      clearInterval(renewal);
    }
  }

  /** Records a failure that happened before a commit could be synced, once while it repeats. */
  private async recordFailure(
    branch: SyncedBranch,
    generation: number,
    message: string,
  ): Promise<void> {
    const latest = await latestRepositoryAttempt(this.options.knex, branch);
    if (
      latest?.status === 'FAILED' &&
      !latest.sha &&
      latest.events[0]?.event === message
    ) {
      return;
    }
    await insertRepositoryAttempt(this.options.knex, {
      id: randomUUID(),
      ...branch,
      generation,
      status: 'FAILED',
      startedAt: new Date(),
      events: [event('FAILED', message)],
    });
    await pruneRepositoryAttempts(this.options.knex, branch);
  }

  private async syncOnce(
    branch: SyncedBranch,
    state: BranchState,
    stillHeld: () => boolean,
  ): Promise<void> {
    const { knex, mirrors } = this.options;
    const templateConfigs =
      branch.syncType === 'TEMPLATE_SYNC'
        ? await templateSyncConfigsOf(knex, branch)
        : [];
    const serviceConfigs =
      branch.syncType === 'SERVICE_SYNC'
        ? (
            await serviceSyncConfigsOf(
              knex,
              branch.repositoryProvider,
              branch.repositoryName,
            )
          ).filter(config => config.branch === branch.branch)
        : [];
    if (templateConfigs.length === 0 && serviceConfigs.length === 0) return;
    const label = `${branch.repositoryName}@${branch.branch}`;
    const repository = await findRepository(
      knex,
      branch.repositoryProvider,
      branch.repositoryName,
    );
    if (!repository) {
      await this.recordFailure(
        branch,
        state.generation,
        `The repository ${branch.repositoryProvider}:${branch.repositoryName} is not linked`,
      );
      return;
    }
    const connection = this.connection(repository.connectionArn);
    if (!connection) {
      await this.recordFailure(
        branch,
        state.generation,
        `The connection ${repository.connectionArn} of ${branch.repositoryName} is not configured on this control plane ` +
          '(protonServer.git.connections)',
      );
      return;
    }
    const mirrored: MirroredRepository = {
      provider: repository.provider,
      name: repository.name,
      connection,
    };
    let sha: string;
    try {
      sha = await mirrors.fetch(mirrored, branch.branch);
    } catch (error) {
      if (!(error instanceof GitOperationError)) throw error;
      await this.recordFailure(
        branch,
        state.generation,
        `Fetching ${label} failed: ${error.message}`,
      );
      return;
    }
    // service sync also follows the branches the proton-ops file names: their heads are part of
    // what is synced
    const plan =
      branch.syncType === 'SERVICE_SYNC'
        ? await planServiceSync(
            this.serviceSync(),
            mirrored,
            branch.branch,
            sha,
            serviceConfigs,
          )
        : undefined;
    const stateId = plan?.stateId ?? sha;
    if (
      state.syncedSha === stateId &&
      state.syncedGeneration === state.generation
    ) {
      return;
    }
    const afterAttempt = state.syncedAttemptId ?? '';
    const events = [
      event('STARTED', `Syncing commit ${sha.slice(0, 12)} of ${label}`),
    ];
    let attemptId: string = randomUUID();
    if (!stillHeld()) return;
    try {
      await insertRepositoryAttempt(knex, {
        id: attemptId,
        ...branch,
        generation: state.generation,
        afterAttempt,
        sha: stateId,
        status: 'IN_PROGRESS',
        startedAt: new Date(),
        events,
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const earlier = await findRepositoryAttempt(
        knex,
        branch,
        afterAttempt,
        stateId,
        state.generation,
      );
      // another server synced this already (it held the branch before this one)
      if (!earlier || earlier.status === 'SUCCEEDED') return;
      // an attempt that failed on an error, or that a stopped server left: this server holds the
      // branch now and runs it again
      attemptId = earlier.id;
      await updateRepositoryAttempt(
        knex,
        attemptId,
        'IN_PROGRESS',
        events,
        new Date(),
      );
    }
    let synced: SyncEvent[];
    try {
      synced = plan
        ? await syncServiceInstances(
            this.serviceSync(),
            plan,
            state.generation,
            attemptId,
          )
        : await syncTemplates(
            { ...this.options, mirrors },
            {
              repository: mirrored,
              branch: branch.branch,
              sha,
              generation: state.generation,
              repositoryAttemptId: attemptId,
            },
            templateConfigs,
          );
    } catch (error) {
      if (!(error instanceof GitOperationError))
        this.options.onInternalError(error);
      events.push(
        event(
          'FAILED',
          error instanceof GitOperationError
            ? `Reading commit ${sha.slice(0, 12)} failed: ${
                error.message
              }; it is synced again on the next request`
            : 'The sync failed on an internal error; it is synced again on the next request',
        ),
      );
      await updateRepositoryAttempt(knex, attemptId, 'FAILED', events);
      return;
    }
    events.push(...synced);
    const failed = synced.some(
      e =>
        e.type === 'FAILED' ||
        e.type === 'TEMPLATE_NOT_FOUND' ||
        e.type === 'BLOCKED',
    );
    const what = plan ? 'service instance spec' : 'template folder';
    let summary = `Every changed ${what} was synced`;
    if (synced.length === 0) summary = `No ${what} changed`;
    else if (failed) summary = `Some ${what}s failed to sync`;
    events.push(event(failed ? 'FAILED' : 'SUCCEEDED', summary));
    await updateRepositoryAttempt(
      knex,
      attemptId,
      failed ? 'FAILED' : 'SUCCEEDED',
      events,
    );
    if (!stillHeld()) return;
    await markBranchSynced(knex, branch, stateId, state.generation, attemptId);
    await pruneRepositoryAttempts(knex, branch);
  }
}
