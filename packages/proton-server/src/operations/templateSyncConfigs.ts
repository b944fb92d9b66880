import {
  conflictError,
  resourceNotFound,
  validationError,
} from '../protocol/errors';
import {
  findTemplateSyncConfig,
  readBranchState,
  ResourceSyncAttemptRecord,
  TemplateSyncConfigRecord,
} from '../store/repositoryStore';
import { latestTemplateAttempt } from '../store/syncAttemptStore';
import {
  findTemplate,
  findTemplateVersion,
  TemplateKind,
} from '../store/templateStore';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import { describeEvents, requireLinkedRepository } from './repositories';
import { TEMPLATE_KIND_NAMES } from './templates';
import { requestBranchSync } from '../store/repositoryStore';
import { branchNameProblem } from '../protocol/gitNames';

/**
 * Template sync configurations (AWS Proton API reference: CreateTemplateSyncConfig,
 * GetTemplateSyncConfig, UpdateTemplateSyncConfig, DeleteTemplateSyncConfig, GetTemplateSyncStatus):
 * a template follows a branch of a linked repository, whose `[subdirectory/]<template>/v<major>/`
 * folders become template versions as commits change them (see sync/templateSync.ts).
 */

function templateKind(templateType: string): TemplateKind {
  return templateType === 'SERVICE' ? 'service' : 'environment';
}

function describeConfig(config: TemplateSyncConfigRecord) {
  return {
    templateName: config.templateName,
    templateType: config.kind === 'service' ? 'SERVICE' : 'ENVIRONMENT',
    repositoryProvider: config.repositoryProvider,
    repositoryName: config.repositoryName,
    branch: config.branch,
    subdirectory: config.subdirectory,
  };
}

async function requireConfig(
  context: OperationContext,
  input: OperationInput,
): Promise<TemplateSyncConfigRecord> {
  const kind = templateKind(input.templateType);
  const config = await findTemplateSyncConfig(
    context.db,
    kind,
    input.templateName,
  );
  if (!config) {
    throw resourceNotFound(
      `The template sync configuration of the ${TEMPLATE_KIND_NAMES[kind].label} ${input.templateName}`,
    );
  }
  return config;
}

/** The branch a configuration follows, as sync requests name it. */
function branchOf(config: TemplateSyncConfigRecord) {
  return {
    repositoryProvider: config.repositoryProvider,
    repositoryName: config.repositoryName,
    branch: config.branch,
    syncType: 'TEMPLATE_SYNC' as const,
  };
}

function checkSubdirectory(subdirectory: string | undefined): void {
  if (
    subdirectory !== undefined &&
    subdirectory.split('/').some(segment => segment === '..' || segment === '.')
  ) {
    throw validationError(
      `The subdirectory ${subdirectory} must be a folder of the repository, without "." or ".." segments`,
    );
  }
}

async function createConfig(input: OperationInput, context: OperationContext) {
  const kind = templateKind(input.templateType);
  if (!(await findTemplate(context.db, kind, input.templateName))) {
    throw validationError(
      `The ${TEMPLATE_KIND_NAMES[kind].label} ${input.templateName} does not exist; create it before its sync configuration`,
    );
  }
  await requireLinkedRepository(
    context,
    input.repositoryProvider,
    input.repositoryName,
  );
  checkSubdirectory(input.subdirectory);
  const badBranch = branchNameProblem(input.branch);
  if (badBranch) throw validationError(badBranch);
  if (await findTemplateSyncConfig(context.db, kind, input.templateName)) {
    throw conflictError(
      `The ${TEMPLATE_KIND_NAMES[kind].label} ${input.templateName} already has a template sync configuration; ` +
        'change it with UpdateTemplateSyncConfig',
    );
  }
  const config: TemplateSyncConfigRecord = {
    kind,
    templateName: input.templateName,
    repositoryProvider: input.repositoryProvider,
    repositoryName: input.repositoryName,
    branch: input.branch,
    subdirectory: input.subdirectory,
  };
  await context.db('template_sync_configs').insert({
    kind,
    template_name: config.templateName,
    repository_provider: config.repositoryProvider,
    repository_name: config.repositoryName,
    branch: config.branch,
    subdirectory: config.subdirectory ?? null,
    created_at: context.now.getTime(),
    last_modified_at: context.now.getTime(),
  });
  // the configuration changed: its branch's commit is synced again (recorded with the change)
  await requestBranchSync(context.db, branchOf(config), true);
  context.afterCommit(() =>
    context.repositorySync.request(branchOf(config), false),
  );
  return { templateSyncConfig: describeConfig(config) };
}

async function getConfig(input: OperationInput, context: OperationContext) {
  return {
    templateSyncConfig: describeConfig(await requireConfig(context, input)),
  };
}

async function updateConfig(input: OperationInput, context: OperationContext) {
  const current = await requireConfig(context, input);
  await requireLinkedRepository(
    context,
    input.repositoryProvider,
    input.repositoryName,
  );
  checkSubdirectory(input.subdirectory);
  const badBranch = branchNameProblem(input.branch);
  if (badBranch) throw validationError(badBranch);
  const config: TemplateSyncConfigRecord = {
    ...current,
    repositoryProvider: input.repositoryProvider,
    repositoryName: input.repositoryName,
    branch: input.branch,
    subdirectory: input.subdirectory,
  };
  await context
    .db('template_sync_configs')
    .where({ kind: current.kind, template_name: current.templateName })
    .update({
      repository_provider: config.repositoryProvider,
      repository_name: config.repositoryName,
      branch: config.branch,
      subdirectory: config.subdirectory ?? null,
      last_modified_at: context.now.getTime(),
    });
  // the configuration changed: its branch's commit is synced again (recorded with the change)
  await requestBranchSync(context.db, branchOf(config), true);
  context.afterCommit(() =>
    context.repositorySync.request(branchOf(config), false),
  );
  return { templateSyncConfig: describeConfig(config) };
}

async function deleteConfig(input: OperationInput, context: OperationContext) {
  const config = await requireConfig(context, input);
  await context
    .db('template_sync_configs')
    .where({ kind: config.kind, template_name: config.templateName })
    .delete();
  return { templateSyncConfig: describeConfig(config) };
}

/**
 * An attempt as the API shows it. An attempt left IN_PROGRESS (its server stopped while the
 * version registered) shows the outcome of its version's registration, which another server
 * finished.
 */
async function describeAttempt(
  context: OperationContext,
  attempt: ResourceSyncAttemptRecord,
) {
  let status = attempt.status;
  const events = [...attempt.events];
  if (status === 'IN_PROGRESS' && attempt.templateMinor !== undefined) {
    const version = await findTemplateVersion(
      context.db,
      attempt.templateKind!,
      attempt.target,
      attempt.major!,
      attempt.templateMinor,
    );
    const label = `${attempt.major}.${attempt.templateMinor}`;
    if (version?.status === 'DRAFT' || version?.status === 'PUBLISHED') {
      status = 'SUCCEEDED';
      events.push({
        type: 'SUCCEEDED',
        event: `Registered version ${label} as DRAFT`,
        time: version.lastModifiedAt,
        externalId: label,
      });
    } else if (version?.status !== 'REGISTRATION_IN_PROGRESS') {
      status = 'FAILED';
      events.push({
        type: 'FAILED',
        event: `Version ${label} failed to register: ${
          version?.statusMessage ?? 'it was deleted while registering'
        }`,
        time: version?.lastModifiedAt ?? attempt.startedAt,
        externalId: label,
      });
    }
  }
  return {
    initialRevision: attempt.initialRevision,
    targetRevision: attempt.targetRevision,
    target: attempt.target,
    startedAt: attempt.startedAt,
    status,
    events: describeEvents(events),
  };
}

async function getTemplateSyncStatus(
  input: OperationInput,
  context: OperationContext,
) {
  const config = await requireConfig(context, input);
  const major = Number(input.templateVersion);
  if (!Number.isInteger(major) || major < 1) {
    throw validationError(
      `templateVersion must be a major version number such as 1, not ${input.templateVersion}`,
    );
  }
  const latest = await latestTemplateAttempt(
    context.db,
    config.kind,
    config.templateName,
    major,
  );
  const succeeded =
    latest?.status === 'SUCCEEDED'
      ? latest
      : await latestTemplateAttempt(
          context.db,
          config.kind,
          config.templateName,
          major,
          'SUCCEEDED',
        );
  const branch = await readBranchState(context.db, branchOf(config));
  const base = (config.subdirectory ?? '').replace(/^\/+|\/+$/g, '');
  return {
    latestSync: latest ? await describeAttempt(context, latest) : undefined,
    latestSuccessfulSync: succeeded
      ? await describeAttempt(context, succeeded)
      : undefined,
    desiredState: branch?.syncedSha
      ? {
          repositoryName: config.repositoryName,
          repositoryProvider: config.repositoryProvider,
          branch: config.branch,
          sha: branch.syncedSha,
          directory: `${base ? `${base}/` : ''}${
            config.templateName
          }/v${major}`,
        }
      : undefined,
  };
}

export const templateSyncConfigOperations: Record<string, OperationDefinition> =
  {
    CreateTemplateSyncConfig: { handler: createConfig },
    GetTemplateSyncConfig: { handler: getConfig, readOnly: true },
    UpdateTemplateSyncConfig: { handler: updateConfig },
    DeleteTemplateSyncConfig: { handler: deleteConfig },
    GetTemplateSyncStatus: { handler: getTemplateSyncStatus, readOnly: true },
  };
