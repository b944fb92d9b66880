import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { parse } from 'yaml';
import { ProtonApiError } from '../protocol/errors';
import { branchNameProblem } from '../protocol/gitNames';
import type { Revision, SyncEvent } from '../store/repositoryStore';
import {
  activeSyncBlockers,
  ServiceSyncConfigRecord,
} from '../store/serviceSyncStore';
import { findServiceInstance } from '../store/serviceStore';
import {
  insertResourceAttempt,
  latestInstanceAttempt,
} from '../store/syncAttemptStore';
import {
  GitMirrors,
  GitOperationError,
  MirroredRepository,
} from './gitMirrors';

/** What service sync needs. */
export interface ServiceSyncDependencies {
  knex: Knex;
  mirrors: GitMirrors;
  /** Calls a Proton operation as service sync (its updates raise no sync blocker). */
  invoke(operation: string, input: Record<string, unknown>): Promise<unknown>;
  onInternalError(error: unknown): void;
}

/** One instance a proton-ops file names, with what its branch's spec file asks for. */
interface PlannedInstance {
  serviceName: string;
  instanceName: string;
  revision: Revision;
  /** The spec file's text, handed to CreateServiceInstance or UpdateServiceInstance. */
  specText?: string;
  /** The instance's entry of the spec file, as deployed: environment and inputs. */
  entry?: { environment: unknown; spec: unknown };
  /** Why the instance cannot be synced at this commit. */
  problem?: string;
}

/** What a commit of a proton-ops file's branch asks of the services following it. */
export interface ServiceSyncPlan {
  /**
   * The commits the plan was read from, as one id: the ops file's branch and every instance branch
   * it names (a push to any of them is a new state to sync).
   */
  stateId: string;
  instances: PlannedInstance[];
  /** Problems of a whole service (its ops file missing or unreadable). */
  events: SyncEvent[];
}

function event(type: string, text: string, externalId?: string): SyncEvent {
  return { type, event: text, time: new Date(), externalId };
}

/** `./a/b.yaml`, `/a/b.yaml` and `a/b.yaml` name the same file of the repository. */
function repositoryPath(file: string): string | undefined {
  const normalized = file.replace(/^(\.\/|\/)+/, '');
  return normalized.split('/').some(s => s === '..' || s === '')
    ? undefined
    : normalized;
}

/** JSON with object keys in order, so that equal specs give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(key => `${JSON.stringify(key)}:${canonical((value as any)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function entryOf(specText: string, instanceName: string) {
  const parsed = parse(specText);
  const instances = Array.isArray(parsed?.instances) ? parsed.instances : [];
  const entry = instances.find(
    (candidate: any) => candidate?.name === instanceName,
  );
  return entry
    ? { environment: entry.environment, spec: entry.spec ?? {} }
    : undefined;
}

/**
 * Reads the proton-ops files of `configs` at commit `sha` of their branch and, for each instance
 * they name, the spec file at its own branch's head (AWS Proton User Guide, "Service sync
 * configurations": `sync.services.<service>.<instance>: {branch, spec}`).
 */
export async function planServiceSync(
  deps: ServiceSyncDependencies,
  repository: MirroredRepository,
  branch: string,
  sha: string,
  configs: ServiceSyncConfigRecord[],
): Promise<ServiceSyncPlan> {
  const heads = new Map<string, string>([[branch, sha]]);
  const events: SyncEvent[] = [];
  const instances: PlannedInstance[] = [];
  for (const config of configs) {
    const opsPath = repositoryPath(config.filePath);
    const opsText = opsPath
      ? await deps.mirrors.readFile(repository, sha, opsPath)
      : undefined;
    if (opsText === undefined) {
      events.push(
        event(
          'FAILED',
          `${config.serviceName}: the proton-ops file ${
            config.filePath
          } does not exist at commit ${sha.slice(0, 12)} of ${branch}`,
        ),
      );
      continue;
    }
    let named: Record<string, any> | undefined;
    try {
      named = parse(opsText)?.sync?.services?.[config.serviceName];
    } catch (error) {
      events.push(
        event(
          'FAILED',
          `${config.serviceName}: ${config.filePath} is not YAML: ${
            (error as Error).message.split('\n')[0]
          }`,
        ),
      );
      continue;
    }
    if (!named || typeof named !== 'object') {
      events.push(
        event(
          'FAILED',
          `${config.serviceName}: ${config.filePath} names no instance of the service under sync.services.${config.serviceName}`,
        ),
      );
      continue;
    }
    for (const instanceName of Object.keys(named).sort()) {
      const target = named[instanceName];
      const instanceBranch =
        typeof target?.branch === 'string' ? target.branch : '';
      const specPath =
        typeof target?.spec === 'string'
          ? repositoryPath(target.spec)
          : undefined;
      const planned: PlannedInstance = {
        serviceName: config.serviceName,
        instanceName,
        revision: {
          repositoryName: repository.name,
          repositoryProvider: repository.provider,
          branch: instanceBranch,
          sha: '',
          directory: specPath ?? '',
        },
      };
      instances.push(planned);
      if (!instanceBranch || !specPath) {
        planned.problem = `${config.filePath}: sync.services.${config.serviceName}.${instanceName} needs a branch and a spec file path in the repository`;
        continue;
      }
      const badBranch = branchNameProblem(instanceBranch);
      if (badBranch) {
        planned.problem = `${config.filePath}: sync.services.${config.serviceName}.${instanceName}: ${badBranch}`;
        continue;
      }
      try {
        if (!heads.has(instanceBranch)) {
          heads.set(
            instanceBranch,
            await deps.mirrors.fetch(repository, instanceBranch),
          );
        }
      } catch (error) {
        if (!(error instanceof GitOperationError)) throw error;
        planned.problem = `fetching ${instanceBranch} failed: ${error.message}`;
        continue;
      }
      planned.revision.sha = heads.get(instanceBranch)!;
      planned.specText = await deps.mirrors.readFile(
        repository,
        planned.revision.sha,
        specPath,
      );
      if (planned.specText === undefined) {
        planned.problem = `the spec file ${specPath} does not exist at commit ${planned.revision.sha.slice(
          0,
          12,
        )} of ${instanceBranch}`;
        continue;
      }
      try {
        planned.entry = entryOf(planned.specText, instanceName);
      } catch (error) {
        planned.problem = `the spec file ${specPath} is not YAML: ${
          (error as Error).message.split('\n')[0]
        }`;
        continue;
      }
      if (!planned.entry) {
        planned.problem = `the spec file ${specPath} has no entry for the instance ${instanceName} under instances`;
      }
    }
  }
  const stateId = createHash('sha256')
    .update(
      [...heads.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, head]) => `${name}\n${head}`)
        .join('\n'),
    )
    .digest('hex');
  return { stateId, instances, events };
}

/**
 * Deploys what a plan changed: every instance whose entry (environment and inputs) differs from
 * the last attempt's is created (CreateServiceInstance) or updated (UpdateServiceInstance,
 * CURRENT_VERSION) with its spec file, unless an active sync blocker holds it; an instance already
 * running that entry is recorded as synced without a deployment.
 *
 * @returns the events of the branch's attempt
 */
export async function syncServiceInstances(
  deps: ServiceSyncDependencies,
  plan: ServiceSyncPlan,
  generation: number,
  repositoryAttemptId: string,
): Promise<SyncEvent[]> {
  const events = [...plan.events];
  for (const planned of plan.instances) {
    const label = `${planned.serviceName}/${planned.instanceName}`;
    const hash = planned.entry
      ? createHash('sha256').update(canonical(planned.entry)).digest('hex')
      : undefined;
    const last = await latestInstanceAttempt(
      deps.knex,
      planned.serviceName,
      planned.instanceName,
    );
    const lastBlocked = last?.events.some(e => e.type === 'BLOCKED') ?? false;
    const record = async (
      status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED',
      recorded: SyncEvent,
    ) => {
      await insertResourceAttempt(deps.knex, {
        id: randomUUID(),
        syncType: 'SERVICE_SYNC',
        serviceName: planned.serviceName,
        target: planned.instanceName,
        status,
        startedAt: new Date(),
        initialRevision: last?.targetRevision ?? planned.revision,
        targetRevision: planned.revision,
        treeId: hash,
        generation,
        events: [recorded],
        repositoryAttemptId,
      });
      events.push(
        event(
          recorded.type,
          `${label}: ${recorded.event}`,
          recorded.externalId,
        ),
      );
    };
    if (planned.problem || !hash || !planned.specText) {
      if (
        last?.status === 'FAILED' &&
        last.events[0]?.event === planned.problem
      ) {
        continue;
      }
      await record(
        'FAILED',
        event('FAILED', planned.problem ?? 'nothing to sync'),
      );
      continue;
    }
    const blockers = await activeSyncBlockers(
      deps.knex,
      planned.serviceName,
      planned.instanceName,
    );
    if (blockers.length > 0) {
      if (lastBlocked && last?.treeId === hash) continue;
      const [blocker] = blockers;
      await record(
        'FAILED',
        event(
          'BLOCKED',
          `not deployed: the sync blocker ${blocker.id} holds it (${blocker.createdReason}); ` +
            'resolve it with UpdateServiceSyncBlocker',
          blocker.id,
        ),
      );
      continue;
    }
    if (
      last?.treeId === hash &&
      !lastBlocked &&
      (last.status !== 'FAILED' || last.generation === generation)
    ) {
      continue;
    }
    const instance = await findServiceInstance(
      deps.knex,
      planned.serviceName,
      planned.instanceName,
    );
    if (instance) {
      let deployed: string | undefined;
      try {
        const current = instance.spec
          ? entryOf(instance.spec, planned.instanceName)
          : undefined;
        deployed = current ? canonical(current) : undefined;
      } catch {
        deployed = undefined;
      }
      if (deployed === canonical(planned.entry)) {
        await record(
          'SUCCEEDED',
          event('SUCCEEDED', 'already runs this spec; nothing to deploy'),
        );
        continue;
      }
    }
    try {
      const output = (await deps.invoke(
        instance ? 'UpdateServiceInstance' : 'CreateServiceInstance',
        instance
          ? {
              serviceName: planned.serviceName,
              name: planned.instanceName,
              deploymentType: 'CURRENT_VERSION',
              spec: planned.specText,
            }
          : {
              serviceName: planned.serviceName,
              name: planned.instanceName,
              spec: planned.specText,
            },
      )) as { serviceInstance?: { lastAttemptedDeploymentId?: string } };
      const deploymentId = output.serviceInstance?.lastAttemptedDeploymentId;
      const action = instance ? 'updating' : 'creating';
      const deployment = deploymentId ? ` (deployment ${deploymentId})` : '';
      await record(
        'IN_PROGRESS',
        event(
          'DEPLOYING',
          `${action} the instance from ${
            planned.revision.directory
          } at commit ${planned.revision.sha.slice(0, 12)}${deployment}`,
          deploymentId,
        ),
      );
    } catch (error) {
      if (!(error instanceof ProtonApiError)) {
        deps.onInternalError(error);
      }
      await record(
        'FAILED',
        event(
          'FAILED',
          error instanceof ProtonApiError
            ? `${error.errorName}: ${error.message}`
            : 'the deployment could not be started (an internal error)',
        ),
      );
    }
  }
  return events;
}
