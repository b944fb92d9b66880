import type { Knex } from 'knex';
import { databaseNow, databaseNowPlus } from './databaseDialect';
import type { TemplateKind } from './templateStore';

type Db = Knex | Knex.Transaction;

/** A linked repository (a row of `repositories`). */
export interface RepositoryRecord {
  provider: string;
  name: string;
  connectionArn: string;
  encryptionKey?: string;
  createdAt: Date;
}

/** A template that follows a branch of a linked repository (a row of `template_sync_configs`). */
export interface TemplateSyncConfigRecord {
  kind: TemplateKind;
  templateName: string;
  repositoryProvider: string;
  repositoryName: string;
  branch: string;
  subdirectory?: string;
}

/** A commit of a folder of a linked repository, as the Proton API's `Revision` names it. */
export interface Revision {
  repositoryName: string;
  repositoryProvider: string;
  branch: string;
  sha: string;
  directory: string;
}

/** What happened during a sync attempt, as the Proton API's sync events give it. */
export interface SyncEvent {
  type: string;
  event: string;
  time: Date;
  externalId?: string;
}

/** Sync attempt states (AWS Proton API reference: RepositorySyncStatus, ResourceSyncStatus). */
export type SyncStatus =
  | 'INITIATED'
  | 'IN_PROGRESS'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'QUEUED';

/** A synced branch: repository, branch and kind of sync. */
export interface SyncedBranch {
  repositoryProvider: string;
  repositoryName: string;
  branch: string;
  syncType: 'TEMPLATE_SYNC' | 'SERVICE_SYNC';
}

/** A sync of one commit of a branch (a row of `repository_sync_attempts`). */
export interface RepositorySyncAttemptRecord extends SyncedBranch {
  id: string;
  generation: number;
  /** The attempt the branch had been synced by before this one (absent for the first). */
  afterAttempt?: string;
  sha?: string;
  status: SyncStatus;
  startedAt: Date;
  events: SyncEvent[];
}

/** A sync of one template major version (a row of `resource_sync_attempts`). */
export interface ResourceSyncAttemptRecord {
  id: string;
  syncType: 'TEMPLATE_SYNC' | 'SERVICE_SYNC';
  templateKind?: TemplateKind;
  /** For service sync, the service; `target` is then the instance. */
  serviceName?: string;
  target: string;
  major?: number;
  status: SyncStatus;
  startedAt: Date;
  initialRevision: Revision;
  targetRevision: Revision;
  /** The folder's Git tree id: equal ids, equal content. */
  treeId?: string;
  /** The branch's configuration generation the attempt ran under. */
  generation: number;
  templateMinor?: number;
  events: SyncEvent[];
  repositoryAttemptId: string;
}

function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

/** The key columns of a synced branch's rows. */
export function branchKey(branch: SyncedBranch) {
  return {
    repository_provider: branch.repositoryProvider,
    repository_name: branch.repositoryName,
    branch: branch.branch,
    sync_type: branch.syncType,
  };
}

export function toRepositoryRecord(row: Record<string, any>): RepositoryRecord {
  return {
    provider: row.provider,
    name: row.name,
    connectionArn: row.connection_arn,
    encryptionKey: optional(row.encryption_key),
    createdAt: new Date(Number(row.created_at)),
  };
}

export async function findRepository(
  db: Db,
  provider: string,
  name: string,
): Promise<RepositoryRecord | undefined> {
  const row = await db('repositories').where({ provider, name }).first();
  return row ? toRepositoryRecord(row) : undefined;
}

export function toTemplateSyncConfigRecord(
  row: Record<string, any>,
): TemplateSyncConfigRecord {
  return {
    kind: row.kind,
    templateName: row.template_name,
    repositoryProvider: row.repository_provider,
    repositoryName: row.repository_name,
    branch: row.branch,
    subdirectory: optional(row.subdirectory),
  };
}

export async function findTemplateSyncConfig(
  db: Db,
  kind: TemplateKind,
  templateName: string,
): Promise<TemplateSyncConfigRecord | undefined> {
  const row = await db('template_sync_configs')
    .where({ kind, template_name: templateName })
    .first();
  return row ? toTemplateSyncConfigRecord(row) : undefined;
}

/** Every template sync configuration following `branch`. */
export async function templateSyncConfigsOf(
  db: Db,
  branch: Omit<SyncedBranch, 'syncType'>,
): Promise<TemplateSyncConfigRecord[]> {
  const rows = await db('template_sync_configs')
    .where({
      repository_provider: branch.repositoryProvider,
      repository_name: branch.repositoryName,
      branch: branch.branch,
    })
    .orderBy(['kind', 'template_name']);
  return rows.map(toTemplateSyncConfigRecord);
}

/**
 * Records a request to sync `branch` (a webhook, a poll, a configuration change): creates the
 * branch's row on first use and moves its request counter on. With `resync`, the commit synced
 * last is synced again (the branch's configurations changed).
 */
export async function requestBranchSync(
  db: Db,
  branch: SyncedBranch,
  resync = false,
): Promise<void> {
  await db('repository_branches')
    .insert({ ...branchKey(branch), request_count: 0, generation: 0 })
    .onConflict([
      'repository_provider',
      'repository_name',
      'branch',
      'sync_type',
    ])
    .ignore();
  await db('repository_branches')
    .where(branchKey(branch))
    .update({
      request_count: db.raw('?? + 1', ['request_count']),
      ...(resync ? { generation: db.raw('?? + 1', ['generation']) } : {}),
    });
}

/** The state of a synced branch. */
export interface BranchState {
  requestCount: number;
  generation: number;
  syncedSha?: string;
  syncedGeneration?: number;
  /** The attempt that synced `syncedSha`. */
  syncedAttemptId?: string;
}

export async function readBranchState(
  db: Db,
  branch: SyncedBranch,
): Promise<BranchState | undefined> {
  const row = await db('repository_branches').where(branchKey(branch)).first();
  if (!row) return undefined;
  return {
    requestCount: Number(row.request_count),
    generation: Number(row.generation),
    syncedSha: optional(row.synced_sha),
    syncedGeneration:
      row.synced_generation === null
        ? undefined
        : Number(row.synced_generation),
    syncedAttemptId: optional(row.synced_attempt_id ?? null),
  };
}

/**
 * Claims `branch` for `owner` when no live server holds it (a conditional UPDATE judged by the
 * database's clock, atomic in SQLite and PostgreSQL).
 *
 * @returns whether `owner` now holds the branch
 */
export async function claimBranch(
  db: Db,
  branch: SyncedBranch,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const claimed = await db('repository_branches')
    .where(branchKey(branch))
    .where(query =>
      query
        .whereNull('claimed_by')
        .orWhere('lease_expires_at', '<', databaseNow(db)),
    )
    .update({
      claimed_by: owner,
      lease_expires_at: databaseNowPlus(db, leaseMs),
    });
  return claimed === 1;
}

/** Extends `owner`'s claim; false when it lost it. */
export async function renewBranch(
  db: Db,
  branch: SyncedBranch,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const renewed = await db('repository_branches')
    .where({ ...branchKey(branch), claimed_by: owner })
    .update({ lease_expires_at: databaseNowPlus(db, leaseMs) });
  return renewed === 1;
}

/**
 * Lets go of `owner`'s claim if no request came in since the holder read `requestCount`.
 *
 * @returns false when a request came in meanwhile: the holder keeps the claim and syncs again
 */
export async function releaseBranch(
  db: Db,
  branch: SyncedBranch,
  owner: string,
  requestCount: number,
): Promise<boolean> {
  const released = await db('repository_branches')
    .where({
      ...branchKey(branch),
      claimed_by: owner,
      request_count: requestCount,
    })
    .update({ claimed_by: null, lease_expires_at: null });
  if (released === 1) return true;
  // a lost claim has nothing to release: only a moved counter means "run again"
  const held = await db('repository_branches')
    .where({ ...branchKey(branch), claimed_by: owner })
    .first('request_count');
  return !held;
}

/** Records that `sha` was synced under configuration `generation` by attempt `attemptId`. */
export async function markBranchSynced(
  db: Db,
  branch: SyncedBranch,
  sha: string,
  generation: number,
  attemptId: string,
): Promise<void> {
  await db('repository_branches').where(branchKey(branch)).update({
    synced_sha: sha,
    synced_generation: generation,
    synced_attempt_id: attemptId,
  });
}

/** Every synced branch some template sync configuration follows. */
export async function templateSyncBranches(db: Db): Promise<SyncedBranch[]> {
  const rows = await db('template_sync_configs').distinct(
    'repository_provider',
    'repository_name',
    'branch',
  );
  return rows.map(row => ({
    repositoryProvider: row.repository_provider,
    repositoryName: row.repository_name,
    branch: row.branch,
    syncType: 'TEMPLATE_SYNC' as const,
  }));
}
