import { TEMPLATE_SYNC_TAG_KEYS } from '@proton-platform/plugin-aws-proton-common';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { parse } from 'yaml';
import { ProtonApiError } from '../protocol/errors';
import type { OperationContext } from '../operations/operationContext';
import { createTemplateVersion } from '../operations/templateVersions';
import {
  Revision,
  SyncEvent,
  SyncStatus,
  TemplateSyncConfigRecord,
} from '../store/repositoryStore';
import {
  insertResourceAttempt,
  latestTemplateAttempt,
  updateResourceAttempt,
} from '../store/syncAttemptStore';
import { findTemplateVersion } from '../store/templateStore';
import {
  GitMirrors,
  GitOperationError,
  MirroredRepository,
} from './gitMirrors';

/** The file of a service template's `v<major>` folder naming what AWS Proton's API asks for on registration. */
export const TEMPLATE_REGISTRATION_FILE = '.template-registration.yaml';

/** Folder names of major versions: `v1`, `v2`, ... */
const MAJOR_FOLDER = /^v([1-9][0-9]{0,8})$/;

/** A problem with what a repository holds, reported as the sync's failure. */
class SyncRejectedError extends Error {}

/** What syncing templates needs. */
export interface TemplateSyncDependencies {
  knex: Knex;
  mirrors: GitMirrors;
  /** Runs work as an operator's mutation in one transaction (see OperationInvoker.transact). */
  transact<T>(work: (context: OperationContext) => Promise<T>): Promise<T>;
  /** Where bundles are written while they are registered. */
  scratchDirectory: string;
  onInternalError(error: unknown): void;
}

/** A commit of a branch being synced. */
export interface BranchCommit {
  repository: MirroredRepository;
  branch: string;
  sha: string;
  /** The configuration generation of the branch (a failed folder is tried again in a new one). */
  generation: number;
  repositoryAttemptId: string;
}

/** Removes leading and trailing slashes: `/templates/` and `templates` name the same folder. */
export function normalizeSubdirectory(subdirectory?: string): string {
  return (subdirectory ?? '').replace(/^\/+|\/+$/g, '');
}

function event(type: string, text: string, externalId?: string): SyncEvent {
  return { type, event: text, time: new Date(), externalId };
}

/**
 * Reads a service template's `.template-registration.yaml` (AWS Proton's template sync format):
 * `compatible_environments` as `<environment template>:<major version>` entries and, optionally,
 * `supported_component_sources`.
 */
function parseRegistrationFile(text: string | undefined, folder: string) {
  if (text === undefined) {
    throw new SyncRejectedError(
      `${folder}/${TEMPLATE_REGISTRATION_FILE} is missing: a synced service template names its ` +
        'compatible environment templates there (compatible_environments: [<template>:<major version>])',
    );
  }
  let parsed: any;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new SyncRejectedError(
      `${folder}/${TEMPLATE_REGISTRATION_FILE} is not YAML: ${
        (error as Error).message.split('\n')[0]
      }`,
    );
  }
  const compatible = parsed?.compatible_environments;
  if (!Array.isArray(compatible) || compatible.length === 0) {
    throw new SyncRejectedError(
      `${folder}/${TEMPLATE_REGISTRATION_FILE} must list compatible_environments as <template>:<major version> entries`,
    );
  }
  const compatibleEnvironmentTemplates = compatible.map((entry: unknown) => {
    const match = /^([0-9A-Za-z][0-9A-Za-z_-]{0,99}):([1-9][0-9]{0,8})$/.exec(
      String(entry),
    );
    if (!match) {
      throw new SyncRejectedError(
        `${folder}/${TEMPLATE_REGISTRATION_FILE}: compatible_environments entry ${JSON.stringify(
          entry,
        )} is not <environment template name>:<major version>, such as fargate-env:1`,
      );
    }
    return { templateName: match[1], majorVersion: match[2] };
  });
  const sources = parsed?.supported_component_sources;
  if (
    sources !== undefined &&
    (!Array.isArray(sources) || sources.some(s => s !== 'DIRECTLY_DEFINED'))
  ) {
    throw new SyncRejectedError(
      `${folder}/${TEMPLATE_REGISTRATION_FILE}: supported_component_sources may only list DIRECTLY_DEFINED`,
    );
  }
  return {
    compatibleEnvironmentTemplates,
    supportedComponentSources: sources as string[] | undefined,
  };
}

function syncTags(revision: Revision): Array<{ key: string; value: string }> {
  const tags = [
    {
      key: TEMPLATE_SYNC_TAG_KEYS.repository,
      value: `${revision.repositoryProvider}:${revision.repositoryName}`,
    },
    { key: TEMPLATE_SYNC_TAG_KEYS.branch, value: revision.branch },
    { key: TEMPLATE_SYNC_TAG_KEYS.commit, value: revision.sha },
    { key: TEMPLATE_SYNC_TAG_KEYS.directory, value: revision.directory },
  ];
  // a tag value holds 256 characters; longer folders are named by the sync status only
  return tags.filter(tag => tag.value.length <= 256);
}

/**
 * Syncs one template major version folder: registers its bundle as a new minor version (or, for a
 * major version the template does not have, as N.0) unless its content equals the last attempt's.
 *
 * @returns the events for the branch's attempt, or nothing when the folder did not change
 */
async function syncMajorVersion(
  deps: TemplateSyncDependencies,
  commit: BranchCommit,
  config: TemplateSyncConfigRecord,
  folder: string,
  major: number,
  treeId: string,
): Promise<SyncEvent | undefined> {
  const { knex, mirrors } = deps;
  const succeeded = await latestTemplateAttempt(
    knex,
    config.kind,
    config.templateName,
    major,
    'SUCCEEDED',
  );
  // unchanged since the last successful sync: nothing to register (AWS Proton's rule)
  if (succeeded?.treeId === treeId) return undefined;
  const latest = await latestTemplateAttempt(
    knex,
    config.kind,
    config.templateName,
    major,
  );
  if (latest?.treeId === treeId) {
    // registering this content already (or another server takes the registration up)
    if (latest.status === 'IN_PROGRESS' && latest.templateMinor !== undefined) {
      return undefined;
    }
    // this content failed: tried again when the folder or the configuration changes, not on every
    // commit (each try would leave one more REGISTRATION_FAILED version)
    if (latest.status === 'FAILED' && latest.generation === commit.generation) {
      return undefined;
    }
  }
  const revision: Revision = {
    repositoryName: commit.repository.name,
    repositoryProvider: commit.repository.provider,
    branch: commit.branch,
    sha: commit.sha,
    directory: folder,
  };
  const attemptId = randomUUID();
  const events: SyncEvent[] = [
    event('STARTED', `Syncing ${folder} at commit ${commit.sha.slice(0, 12)}`),
  ];
  await insertResourceAttempt(knex, {
    id: attemptId,
    syncType: 'TEMPLATE_SYNC',
    templateKind: config.kind,
    target: config.templateName,
    major,
    status: 'IN_PROGRESS',
    startedAt: new Date(),
    initialRevision: succeeded?.targetRevision ?? revision,
    targetRevision: revision,
    treeId,
    generation: commit.generation,
    events,
    repositoryAttemptId: commit.repositoryAttemptId,
  });
  const bundleFile = path.join(
    deps.scratchDirectory,
    `sync-${attemptId}.tar.gz`,
  );
  let status: SyncStatus = 'FAILED';
  let minor: number | undefined;
  try {
    const registration =
      config.kind === 'service'
        ? parseRegistrationFile(
            await mirrors.readFile(
              commit.repository,
              commit.sha,
              `${folder}/${TEMPLATE_REGISTRATION_FILE}`,
            ),
            folder,
          )
        : undefined;
    await fs.promises.mkdir(deps.scratchDirectory, { recursive: true });
    await mirrors.archiveFolder(
      commit.repository,
      commit.sha,
      folder,
      bundleFile,
    );
    const subject = await mirrors.commitSubject(commit.repository, commit.sha);
    const record = await deps.transact(context =>
      createTemplateVersion(context, {
        kind: config.kind,
        templateName: config.templateName,
        major,
        newMajorAllowed: true,
        description: subject.slice(0, 500) || undefined,
        bundleFile: async () => bundleFile,
        source: { revision },
        compatibleEnvironmentTemplates:
          registration?.compatibleEnvironmentTemplates,
        supportedComponentSources: registration?.supportedComponentSources,
        tags: syncTags(revision),
      }),
    );
    minor = record.minor;
    const version = `${major}.${record.minor}`;
    const registered = await findTemplateVersion(
      knex,
      config.kind,
      config.templateName,
      major,
      record.minor,
    );
    if (registered?.status === 'DRAFT' || registered?.status === 'PUBLISHED') {
      status = 'SUCCEEDED';
      events.push(
        event('SUCCEEDED', `Registered version ${version} as DRAFT`, version),
      );
    } else if (registered?.status === 'REGISTRATION_IN_PROGRESS') {
      status = 'IN_PROGRESS';
      events.push(
        event('REGISTERING', `Registering version ${version}`, version),
      );
    } else {
      events.push(
        event(
          'FAILED',
          `Version ${version} failed to register: ${
            registered?.statusMessage ?? 'it was deleted while registering'
          }`,
          version,
        ),
      );
    }
  } catch (error) {
    if (
      error instanceof SyncRejectedError ||
      error instanceof GitOperationError ||
      error instanceof ProtonApiError
    ) {
      events.push(event('FAILED', `${folder}: ${error.message}`));
    } else {
      deps.onInternalError(error);
      events.push(
        event('FAILED', `${folder}: the sync failed on an internal error`),
      );
    }
  } finally {
    await fs.promises.rm(bundleFile, { force: true });
  }
  await updateResourceAttempt(knex, attemptId, {
    status,
    events,
    templateMinor: minor,
  });
  const last = events[events.length - 1];
  return event(
    last.type,
    `${config.templateName}: ${last.event}`,
    last.externalId,
  );
}

/**
 * Syncs every template following a branch to one fetched commit: looks for
 * `[subdirectory/]<template>/v<major>/` folders and syncs each major version whose folder content
 * (its Git tree) differs from the last attempt's, as AWS Proton's template sync does.
 *
 * @returns the events of the branch's attempt, one per template folder synced or missing
 */
export async function syncTemplates(
  deps: TemplateSyncDependencies,
  commit: BranchCommit,
  configs: TemplateSyncConfigRecord[],
): Promise<SyncEvent[]> {
  const events: SyncEvent[] = [];
  for (const config of configs) {
    const base = normalizeSubdirectory(config.subdirectory);
    const templateFolder = base
      ? `${base}/${config.templateName}`
      : config.templateName;
    const entries = await deps.mirrors.listFolder(
      commit.repository,
      commit.sha,
      templateFolder,
    );
    if (!entries) {
      events.push(
        event(
          'TEMPLATE_NOT_FOUND',
          `${
            config.templateName
          }: ${templateFolder}/ does not exist at commit ${commit.sha.slice(
            0,
            12,
          )}`,
        ),
      );
      continue;
    }
    const majors = entries
      .filter(entry => entry.type === 'tree' && MAJOR_FOLDER.test(entry.name))
      .map(entry => ({
        major: Number(MAJOR_FOLDER.exec(entry.name)![1]),
        folder: `${templateFolder}/${entry.name}`,
        treeId: entry.oid,
      }))
      .sort((a, b) => a.major - b.major);
    if (majors.length === 0) {
      events.push(
        event(
          'TEMPLATE_NOT_FOUND',
          `${config.templateName}: ${templateFolder}/ holds no v<major> folder (v1, v2, ...)`,
        ),
      );
    }
    for (const { major, folder, treeId } of majors) {
      const synced = await syncMajorVersion(
        deps,
        commit,
        config,
        folder,
        major,
        treeId,
      );
      if (synced) events.push(synced);
    }
  }
  return events;
}
