import type { Knex } from 'knex';
import {
  branchKey,
  RepositorySyncAttemptRecord,
  ResourceSyncAttemptRecord,
  Revision,
  SyncedBranch,
  SyncEvent,
  SyncStatus,
} from './repositoryStore';
import type { TemplateKind } from './templateStore';

type Db = Knex | Knex.Transaction;

/**
 * Sync attempts and their events: of a branch (`repository_sync_attempts`, one per commit and
 * configuration generation) and of a template major version (`resource_sync_attempts`).
 */

function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

function eventsFromColumn(text: string): SyncEvent[] {
  return (
    JSON.parse(text) as Array<Omit<SyncEvent, 'time'> & { time: number }>
  ).map(event => ({ ...event, time: new Date(event.time) }));
}

function eventsColumn(events: SyncEvent[]): string {
  return JSON.stringify(
    events.map(event => ({ ...event, time: event.time.getTime() })),
  );
}

function toRepositoryAttempt(
  row: Record<string, any>,
): RepositorySyncAttemptRecord {
  return {
    id: row.id,
    repositoryProvider: row.repository_provider,
    repositoryName: row.repository_name,
    branch: row.branch,
    syncType: row.sync_type,
    generation: Number(row.generation),
    afterAttempt: row.after_attempt || undefined,
    sha: optional(row.sha),
    status: row.status,
    startedAt: new Date(Number(row.started_at)),
    events: eventsFromColumn(row.events),
  };
}

/** Inserts a branch sync attempt; a second attempt at the same commit and generation violates a unique key. */
export async function insertRepositoryAttempt(
  db: Db,
  attempt: RepositorySyncAttemptRecord,
): Promise<void> {
  await db('repository_sync_attempts').insert({
    id: attempt.id,
    ...branchKey(attempt),
    generation: attempt.generation,
    after_attempt: attempt.afterAttempt ?? '',
    sha: attempt.sha ?? null,
    status: attempt.status,
    started_at: attempt.startedAt.getTime(),
    events: eventsColumn(attempt.events),
  });
}

/**
 * The attempt to sync `sha` of `branch` after attempt `afterAttempt` ('' for the first) under
 * `generation`, if there is one.
 */
export async function findRepositoryAttempt(
  db: Db,
  branch: SyncedBranch,
  afterAttempt: string,
  sha: string,
  generation: number,
): Promise<RepositorySyncAttemptRecord | undefined> {
  const row = await db('repository_sync_attempts')
    .where({
      ...branchKey(branch),
      after_attempt: afterAttempt,
      sha,
      generation,
    })
    .first();
  return row ? toRepositoryAttempt(row) : undefined;
}

/** Records an attempt's progress; with `startedAt`, the attempt is run again from the start. */
export async function updateRepositoryAttempt(
  db: Db,
  id: string,
  status: SyncStatus,
  events: SyncEvent[],
  startedAt?: Date,
): Promise<void> {
  await db('repository_sync_attempts')
    .where({ id })
    .update({
      status,
      events: eventsColumn(events),
      ...(startedAt ? { started_at: startedAt.getTime() } : {}),
    });
}

export async function latestRepositoryAttempt(
  db: Db,
  branch: SyncedBranch,
): Promise<RepositorySyncAttemptRecord | undefined> {
  const row = await db('repository_sync_attempts')
    .where(branchKey(branch))
    .orderBy([
      { column: 'started_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first();
  return row ? toRepositoryAttempt(row) : undefined;
}

/** How many attempts are kept per branch; older ones are removed as new ones come. */
export const KEPT_ATTEMPTS = 50;

/** Removes a branch's attempts beyond the newest {@link KEPT_ATTEMPTS}. */
export async function pruneRepositoryAttempts(
  db: Db,
  branch: SyncedBranch,
): Promise<void> {
  const stale = await db('repository_sync_attempts')
    .where(branchKey(branch))
    .orderBy([
      { column: 'started_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .offset(KEPT_ATTEMPTS)
    .limit(1000)
    .pluck('id');
  if (stale.length > 0) {
    await db('repository_sync_attempts').whereIn('id', stale).delete();
  }
}

function toResourceAttempt(
  row: Record<string, any>,
): ResourceSyncAttemptRecord {
  return {
    id: row.id,
    syncType: row.sync_type,
    templateKind: optional(row.template_kind),
    serviceName: optional(row.service_name),
    target: row.target,
    major: row.major === null ? undefined : Number(row.major),
    status: row.status,
    startedAt: new Date(Number(row.started_at)),
    initialRevision: JSON.parse(row.initial_revision),
    targetRevision: JSON.parse(row.target_revision),
    treeId: optional(row.tree_id),
    generation: Number(row.generation),
    templateMinor:
      row.template_minor === null ? undefined : Number(row.template_minor),
    events: eventsFromColumn(row.events),
    repositoryAttemptId: row.repository_attempt_id,
  };
}

export async function insertResourceAttempt(
  db: Db,
  attempt: ResourceSyncAttemptRecord,
): Promise<void> {
  await db('resource_sync_attempts').insert({
    id: attempt.id,
    sync_type: attempt.syncType,
    template_kind: attempt.templateKind ?? null,
    service_name: attempt.serviceName ?? null,
    target: attempt.target,
    major: attempt.major ?? null,
    status: attempt.status,
    started_at: attempt.startedAt.getTime(),
    initial_revision: JSON.stringify(attempt.initialRevision),
    target_revision: JSON.stringify(attempt.targetRevision),
    tree_id: attempt.treeId ?? null,
    generation: attempt.generation,
    template_minor: attempt.templateMinor ?? null,
    events: eventsColumn(attempt.events),
    repository_attempt_id: attempt.repositoryAttemptId,
  });
}

export async function updateResourceAttempt(
  db: Db,
  id: string,
  changes: { status: SyncStatus; events: SyncEvent[]; templateMinor?: number },
): Promise<void> {
  await db('resource_sync_attempts')
    .where({ id })
    .update({
      status: changes.status,
      events: eventsColumn(changes.events),
      ...(changes.templateMinor === undefined
        ? {}
        : { template_minor: changes.templateMinor }),
    });
}

/** The newest attempt matching `where` (with `status`, the newest in that status). */
async function latestResourceAttempt(
  db: Db,
  where: Record<string, string | number>,
  status?: SyncStatus,
): Promise<ResourceSyncAttemptRecord | undefined> {
  const query = db('resource_sync_attempts').where(where);
  if (status) query.where({ status });
  const row = await query
    .orderBy([
      { column: 'started_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first();
  return row ? toResourceAttempt(row) : undefined;
}

/** The newest attempt to sync a template's major version, or the newest that succeeded. */
export async function latestTemplateAttempt(
  db: Db,
  kind: TemplateKind,
  templateName: string,
  major: number,
  status?: SyncStatus,
): Promise<ResourceSyncAttemptRecord | undefined> {
  return latestResourceAttempt(
    db,
    {
      sync_type: 'TEMPLATE_SYNC',
      template_kind: kind,
      target: templateName,
      major,
    },
    status,
  );
}

/** Removes what a deleted template's sync left: its configuration and attempts. */
export async function forgetTemplateSync(
  db: Db,
  kind: TemplateKind,
  templateName: string,
): Promise<void> {
  await db('template_sync_configs')
    .where({ kind, template_name: templateName })
    .delete();
  await db('resource_sync_attempts')
    .where({
      sync_type: 'TEMPLATE_SYNC',
      template_kind: kind,
      target: templateName,
    })
    .delete();
}

/** The newest attempt to sync a service instance, or the newest that succeeded. */
export async function latestInstanceAttempt(
  db: Db,
  serviceName: string,
  instanceName: string,
  status?: SyncStatus,
): Promise<ResourceSyncAttemptRecord | undefined> {
  return latestResourceAttempt(
    db,
    {
      sync_type: 'SERVICE_SYNC',
      service_name: serviceName,
      target: instanceName,
    },
    status,
  );
}

/**
 * The instances service sync follows from a repository's proton-ops files, as their newest sync
 * attempts read them: per instance, the branch and spec file the ops file names.
 */
export async function serviceSyncInstances(
  db: Db,
  repositoryProvider: string,
  repositoryName: string,
): Promise<
  Array<{ serviceName: string; instanceName: string; revision: Revision }>
> {
  const pairs = await db('resource_sync_attempts as a')
    .join('service_sync_configs as c', 'c.service_name', 'a.service_name')
    .where({
      'a.sync_type': 'SERVICE_SYNC',
      'c.repository_provider': repositoryProvider,
      'c.repository_name': repositoryName,
    })
    .distinct('a.service_name', 'a.target')
    .orderBy(['a.service_name', 'a.target']);
  const instances = [];
  for (const pair of pairs) {
    const latest = await latestInstanceAttempt(
      db,
      pair.service_name,
      pair.target,
    );
    const revision = latest?.targetRevision;
    if (
      revision?.repositoryProvider === repositoryProvider &&
      revision.repositoryName === repositoryName
    ) {
      instances.push({
        serviceName: pair.service_name as string,
        instanceName: pair.target as string,
        revision,
      });
    }
  }
  return instances;
}

/** Removes what a deleted service's sync left: its configuration, blockers and attempts. */
export async function forgetServiceSync(
  db: Db,
  serviceName: string,
): Promise<void> {
  await db('service_sync_configs')
    .where({ service_name: serviceName })
    .delete();
  await db('service_sync_blockers')
    .where({ service_name: serviceName })
    .delete();
  await db('resource_sync_attempts')
    .where({ sync_type: 'SERVICE_SYNC', service_name: serviceName })
    .delete();
}
