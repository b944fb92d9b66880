import type { Knex } from 'knex';
import {
  SyncedBranch,
  templateSyncBranches,
  templateSyncConfigsOf,
} from './repositoryStore';

type Db = Knex | Knex.Transaction;

/** A service whose instances follow a proton-ops file (a row of `service_sync_configs`). */
export interface ServiceSyncConfigRecord {
  serviceName: string;
  repositoryProvider: string;
  repositoryName: string;
  /** The branch the proton-ops file is read from. */
  branch: string;
  /** The proton-ops file's path in the repository. */
  filePath: string;
}

/**
 * What stops automatic deployments of a synced service instance (a row of
 * `service_sync_blockers`): AWS Proton raises one when a synced instance is updated by hand.
 */
export interface SyncBlockerRecord {
  id: string;
  serviceName: string;
  /** Absent: the blocker holds every instance of the service. */
  serviceInstanceName?: string;
  status: 'ACTIVE' | 'RESOLVED';
  type: 'AUTOMATED';
  createdReason: string;
  createdAt: Date;
  resolvedReason?: string;
  resolvedAt?: Date;
  contexts: Array<{ key: string; value: string }>;
}

export function toServiceSyncConfigRecord(
  row: Record<string, any>,
): ServiceSyncConfigRecord {
  return {
    serviceName: row.service_name,
    repositoryProvider: row.repository_provider,
    repositoryName: row.repository_name,
    branch: row.branch,
    filePath: row.file_path,
  };
}

export async function findServiceSyncConfig(
  db: Db,
  serviceName: string,
): Promise<ServiceSyncConfigRecord | undefined> {
  const row = await db('service_sync_configs')
    .where({ service_name: serviceName })
    .first();
  return row ? toServiceSyncConfigRecord(row) : undefined;
}

/** Every service sync configuration reading its proton-ops file from `repository`. */
export async function serviceSyncConfigsOf(
  db: Db,
  repositoryProvider: string,
  repositoryName: string,
): Promise<ServiceSyncConfigRecord[]> {
  const rows = await db('service_sync_configs')
    .where({
      repository_provider: repositoryProvider,
      repository_name: repositoryName,
    })
    .orderBy('service_name');
  return rows.map(toServiceSyncConfigRecord);
}

export function toSyncBlockerRecord(
  row: Record<string, any>,
): SyncBlockerRecord {
  return {
    id: row.id,
    serviceName: row.service_name,
    serviceInstanceName: row.service_instance_name ?? undefined,
    status: row.status,
    type: row.type,
    createdReason: row.created_reason,
    createdAt: new Date(Number(row.created_at)),
    resolvedReason: row.resolved_reason ?? undefined,
    resolvedAt:
      row.resolved_at === null ? undefined : new Date(Number(row.resolved_at)),
    contexts: JSON.parse(row.contexts),
  };
}

export async function insertSyncBlocker(
  db: Db,
  blocker: SyncBlockerRecord,
): Promise<void> {
  await db('service_sync_blockers').insert({
    id: blocker.id,
    service_name: blocker.serviceName,
    service_instance_name: blocker.serviceInstanceName ?? null,
    status: blocker.status,
    type: blocker.type,
    created_reason: blocker.createdReason,
    created_at: blocker.createdAt.getTime(),
    contexts: JSON.stringify(blocker.contexts),
  });
}

/**
 * The active blockers of a service that hold `instanceName` (its own, and the service's), or, with
 * no instance, of the service as a whole.
 */
export async function activeSyncBlockers(
  db: Db,
  serviceName: string,
  instanceName?: string,
): Promise<SyncBlockerRecord[]> {
  const rows = await db('service_sync_blockers')
    .where({ service_name: serviceName, status: 'ACTIVE' })
    .where(query => {
      query.whereNull('service_instance_name');
      if (instanceName) query.orWhere({ service_instance_name: instanceName });
    })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  return rows.map(toSyncBlockerRecord);
}

/**
 * The syncs a push to `branch` of a repository asks for: the template sync of the branch when
 * templates follow it, and the service sync of every service reading its proton-ops file from the
 * repository (the file may name the pushed branch for its instances).
 */
export async function branchesToSync(
  db: Db,
  repositoryProvider: string,
  repositoryName: string,
  branch: string,
): Promise<SyncedBranch[]> {
  const branches: SyncedBranch[] = [];
  const key = { repositoryProvider, repositoryName };
  if ((await templateSyncConfigsOf(db, { ...key, branch })).length > 0) {
    branches.push({ ...key, branch, syncType: 'TEMPLATE_SYNC' });
  }
  const services = await serviceSyncConfigsOf(
    db,
    repositoryProvider,
    repositoryName,
  );
  for (const configBranch of new Set(services.map(s => s.branch))) {
    branches.push({ ...key, branch: configBranch, syncType: 'SERVICE_SYNC' });
  }
  return branches;
}

/** Every branch a template sync or service sync configuration follows. */
export async function syncedBranches(db: Db): Promise<SyncedBranch[]> {
  const rows = await db('service_sync_configs').distinct(
    'repository_provider',
    'repository_name',
    'branch',
  );
  return [
    ...(await templateSyncBranches(db)),
    ...rows.map(row => ({
      repositoryProvider: row.repository_provider,
      repositoryName: row.repository_name,
      branch: row.branch,
      syncType: 'SERVICE_SYNC' as const,
    })),
  ];
}
