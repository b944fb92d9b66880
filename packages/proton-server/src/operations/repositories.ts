import {
  conflictError,
  resourceNotFound,
  validationError,
} from '../protocol/errors';
import {
  findRepository,
  RepositoryRecord,
  SyncEvent,
  toRepositoryRecord,
  toTemplateSyncConfigRecord,
} from '../store/repositoryStore';
import {
  latestRepositoryAttempt,
  serviceSyncInstances,
} from '../store/syncAttemptStore';
import { deleteAllTags, putTags } from '../store/tagStore';
import { repositoryNameProblem } from '../protocol/gitNames';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import { fetchPage } from './pagination';
import { repositoryArn } from './resourceArns';

/**
 * Linked repositories (AWS Proton API reference: CreateRepository, GetRepository, ListRepositories,
 * DeleteRepository), and the sync state of their branches (GetRepositorySyncStatus,
 * ListRepositorySyncDefinitions). A repository is reached through a Git connection of the control
 * plane's configuration, named by its ARN as AWS Proton named a CodeStar connection.
 */

function describeRepository(
  context: OperationContext,
  record: RepositoryRecord,
  summary = false,
): Record<string, unknown> {
  return {
    arn: repositoryArn(context.settings, record.provider, record.name),
    provider: record.provider,
    name: record.name,
    connectionArn: record.connectionArn,
    encryptionKey: summary ? undefined : record.encryptionKey,
  };
}

/** The linked repository `provider`/`name`. @throws ResourceNotFoundException */
export async function requireRepository(
  context: OperationContext,
  provider: string,
  name: string,
): Promise<RepositoryRecord> {
  const record = await findRepository(context.db, provider, name);
  if (!record) {
    throw resourceNotFound(`The ${provider} repository ${name}`);
  }
  return record;
}

/** A repository a sync configuration names must be linked: a ValidationException otherwise. */
export async function requireLinkedRepository(
  context: OperationContext,
  provider: string,
  name: string,
): Promise<RepositoryRecord> {
  const record = await findRepository(context.db, provider, name);
  if (!record) {
    throw validationError(
      `The ${provider} repository ${name} is not linked; link it with CreateRepository first`,
    );
  }
  return record;
}

async function createRepository(
  input: OperationInput,
  context: OperationContext,
) {
  const badName = repositoryNameProblem(input.name);
  if (badName) throw validationError(badName);
  const provider = context.repositorySync.connectionProvider(
    input.connectionArn,
  );
  if (!provider) {
    throw validationError(
      `The connection ${input.connectionArn} is not configured on this control plane; ` +
        'add it under protonServer.git.connections with the Git server it reaches',
    );
  }
  if (provider !== input.provider) {
    throw validationError(
      `The connection ${input.connectionArn} reaches ${provider} repositories, not ${input.provider}`,
    );
  }
  const existing = await findRepository(context.db, input.provider, input.name);
  if (existing) {
    if (
      existing.connectionArn === input.connectionArn &&
      (existing.encryptionKey ?? undefined) === input.encryptionKey
    ) {
      return { repository: describeRepository(context, existing) };
    }
    throw conflictError(
      `The ${input.provider} repository ${input.name} is already linked through ${existing.connectionArn}`,
    );
  }
  const record: RepositoryRecord = {
    provider: input.provider,
    name: input.name,
    connectionArn: input.connectionArn,
    encryptionKey: input.encryptionKey,
    createdAt: context.now,
  };
  await context.db('repositories').insert({
    provider: record.provider,
    name: record.name,
    connection_arn: record.connectionArn,
    encryption_key: record.encryptionKey ?? null,
    created_at: record.createdAt.getTime(),
  });
  await putTags(
    context.db,
    repositoryArn(context.settings, record.provider, record.name),
    input.tags ?? [],
  );
  return { repository: describeRepository(context, record) };
}

async function getRepository(input: OperationInput, context: OperationContext) {
  const record = await requireRepository(context, input.provider, input.name);
  return { repository: describeRepository(context, record) };
}

async function listRepositories(
  input: OperationInput,
  context: OperationContext,
) {
  const page = await fetchPage(context.db('repositories'), {
    listing: 'ListRepositories',
    keyColumns: ['provider', 'name'],
    maxResults: input.maxResults,
    nextToken: input.nextToken,
  });
  return {
    repositories: page.rows.map(row =>
      describeRepository(context, toRepositoryRecord(row), true),
    ),
    nextToken: page.nextToken,
  };
}

async function deleteRepository(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireRepository(context, input.provider, input.name);
  const users = await context
    .db('template_sync_configs')
    .where({
      repository_provider: record.provider,
      repository_name: record.name,
    })
    .orderBy(['kind', 'template_name']);
  const services = await context
    .db('service_sync_configs')
    .where({
      repository_provider: record.provider,
      repository_name: record.name,
    })
    .orderBy('service_name');
  const using = [
    ...users.map(
      row =>
        `the template sync configuration of ${row.kind} template ${row.template_name}`,
    ),
    ...services.map(
      row => `the service sync configuration of service ${row.service_name}`,
    ),
  ];
  if (using.length > 0) {
    throw conflictError(
      `The repository ${record.name} is used by ${using.join(
        ', ',
      )}; delete those first`,
    );
  }
  await context
    .db('repositories')
    .where({ provider: record.provider, name: record.name })
    .delete();
  // its sync state goes with it: linked again, it starts afresh
  for (const table of ['repository_branches', 'repository_sync_attempts']) {
    await context
      .db(table)
      .where({
        repository_provider: record.provider,
        repository_name: record.name,
      })
      .delete();
  }
  await deleteAllTags(
    context.db,
    repositoryArn(context.settings, record.provider, record.name),
  );
  return { repository: describeRepository(context, record) };
}

/** Sync events as the Proton API returns them. */
export function describeEvents(events: SyncEvent[]) {
  return events.map(e => ({
    type: e.type,
    event: e.event,
    time: e.time,
    externalId: e.externalId,
  }));
}

async function getRepositorySyncStatus(
  input: OperationInput,
  context: OperationContext,
) {
  await requireRepository(
    context,
    input.repositoryProvider,
    input.repositoryName,
  );
  const latest = await latestRepositoryAttempt(context.db, {
    repositoryProvider: input.repositoryProvider,
    repositoryName: input.repositoryName,
    branch: input.branch,
    syncType: input.syncType,
  });
  if (!latest) return {};
  return {
    latestSync: {
      startedAt: latest.startedAt,
      status: latest.status,
      events: describeEvents(latest.events),
    },
  };
}

/**
 * What a repository defines for a sync type. TEMPLATE_SYNC: one definition per template following
 * it (parent and target: the template; directory: its subdirectory). SERVICE_SYNC: one per instance
 * a proton-ops file of the repository names, as its newest sync read it (parent: the service;
 * target: the instance; branch and directory: the instance's branch and spec file).
 */
async function listRepositorySyncDefinitions(
  input: OperationInput,
  context: OperationContext,
) {
  if (input.syncType === 'SERVICE_SYNC') {
    const instances = await serviceSyncInstances(
      context.db,
      input.repositoryProvider,
      input.repositoryName,
    );
    return {
      syncDefinitions: instances.map(instance => ({
        branch: instance.revision.branch,
        directory: instance.revision.directory,
        parent: instance.serviceName,
        target: instance.instanceName,
      })),
    };
  }
  const rows = await context
    .db('template_sync_configs')
    .where({
      repository_provider: input.repositoryProvider,
      repository_name: input.repositoryName,
    })
    .orderBy(['kind', 'template_name']);
  return {
    syncDefinitions: rows.map(row => {
      const config = toTemplateSyncConfigRecord(row);
      return {
        branch: config.branch,
        directory: config.subdirectory ?? '',
        parent: config.templateName,
        target: config.templateName,
      };
    }),
  };
}

export const repositoryOperations: Record<string, OperationDefinition> = {
  CreateRepository: { handler: createRepository },
  GetRepository: { handler: getRepository, readOnly: true },
  ListRepositories: { handler: listRepositories, readOnly: true },
  DeleteRepository: { handler: deleteRepository },
  GetRepositorySyncStatus: {
    handler: getRepositorySyncStatus,
    readOnly: true,
  },
  ListRepositorySyncDefinitions: {
    handler: listRepositorySyncDefinitions,
    readOnly: true,
  },
};
