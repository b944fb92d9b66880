import {
  GetEnvironmentCommand,
  ListEnvironmentOutputsCommand,
  ListServiceInstanceOutputsCommand,
  ListServiceInstancesCommand,
  Output,
  ServiceInstanceSummary,
} from '@aws-sdk/client-proton';
import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { describeDeploymentStatus } from '@proton-platform/plugin-aws-proton-common';
import { isNotFound, ProtonSession } from './ProtonSession';

/**
 * How often a deployment is polled: the first wait, growing by half each round up to the longest,
 * and back to the first whenever something changed (others are then likely to change soon).
 *
 * @public
 */
export interface PollIntervals {
  /** The first wait, and the wait after any status changed, in milliseconds (default 1000). */
  initialMs: number;
  /** The longest wait between two polls, in milliseconds (default 10000). */
  maxMs: number;
}

/** Polls after 1 s, then 1.5 s, 2.25 s… up to 10 s. */
export const DEFAULT_POLL_INTERVALS: PollIntervals = {
  initialMs: 1_000,
  maxMs: 10_000,
};

/** What a wait needs besides the resource. */
export interface WaitOptions {
  logger: LoggerService;
  signal?: AbortSignal;
  intervals: PollIntervals;
  /** Gives up after this long, failing with the statuses at that time. */
  maxWaitMs: number;
  /**
   * Told each round the deployment of each resource awaited, by resource (`instance dev`,
   * `environment dev`), to record who started them.
   */
  onDeployments?: (ids: Record<string, string | undefined>) => Promise<void>;
}

/** A service instance after its deployment, as the actions output it. */
export interface InstanceResult {
  name: string;
  environment: string;
  arn: string;
  deploymentStatus: string;
  statusMessage?: string;
  outputs: Record<string, string>;
}

class WaitAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitAbortedError';
  }
}

/** Waits `ms`, or fails at once when the task is cancelled (`signal`), saying what was awaited. */
export function pause(
  ms: number,
  signal: AbortSignal | undefined,
  what: string,
) {
  return new Promise<void>((resolve, reject) => {
    const cancelled = () =>
      new WaitAbortedError(
        `The task was cancelled while waiting for ${what}; Proton carries on deploying`,
      );
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(cancelled());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls until `isSettled` says every item is settled, calling `read` once per round. `describe`
 * lists what is still pending when the wait gives up. Honours `options.signal`.
 */
async function pollUntilSettled<T>(
  what: string,
  options: WaitOptions,
  read: () => Promise<{ value: T; changed: boolean; settled: boolean }>,
  describe: (value: T) => string,
): Promise<T> {
  const deadline = Date.now() + options.maxWaitMs;
  let delay = options.intervals.initialMs;
  for (;;) {
    if (options.signal?.aborted) await pause(0, options.signal, what);
    const { value, changed, settled } = await read();
    if (settled) return value;
    // something changed: others are likely to change soon, so look again soon
    if (changed) delay = options.intervals.initialMs;
    if (Date.now() + delay > deadline) {
      throw new Error(
        `Gave up waiting for ${what} after ${Math.round(
          options.maxWaitMs / 1000,
        )} s (maxWaitSeconds); still deploying: ${describe(value)}`,
      );
    }
    await pause(delay, options.signal, what);
    delay = Math.min(delay * 1.5, options.intervals.maxMs);
  }
}

/**
 * Hands the runner's log lines of the deployments a wait follows on to the task's log, each line
 * once, prefixed with what it deploys (`[dev] ...`): whole lines while a deployment runs, the rest
 * once it ended. Only the control plane keeps logs (`awsProton.endpoint`); against AWS Proton
 * nothing is read. A log that cannot be read is said once, and the wait goes on without logs.
 */
class DeploymentLogLines {
  /** How many characters of each deployment's log were handed on. */
  private readonly handedOn = new Map<string, number>();
  private readonly ended = new Set<string>();
  private unreadable = false;

  constructor(
    private readonly session: ProtonSession,
    private readonly logger: LoggerService,
  ) {}

  async follow(
    label: string,
    deploymentId: string | undefined,
    inProgress: boolean,
  ): Promise<void> {
    if (!this.session.hasDeploymentLogs || this.unreadable) return;
    if (!deploymentId || this.ended.has(deploymentId)) return;
    let text: string;
    try {
      ({ text } = await this.session.readDeploymentLog(deploymentId));
    } catch (error) {
      if (isNotFound(error)) return; // the runner has not started it yet
      this.unreadable = true;
      this.logger.warn(
        `The deployment logs could not be read, so they are not shown here: ${
          (error as Error).message
        }`,
      );
      return;
    }
    if (!inProgress) this.ended.add(deploymentId);
    const from = Math.min(this.handedOn.get(deploymentId) ?? 0, text.length);
    const to = inProgress ? text.lastIndexOf('\n') + 1 : text.length;
    if (to <= from) return;
    for (const line of text.slice(from, to).split('\n')) {
      if (line.trim()) this.logger.info(`[${label}] ${line.trimEnd()}`);
    }
    this.handedOn.set(deploymentId, to);
  }
}

/**
 * Waits until every named instance of a service has settled. Each round is one ListServiceInstances
 * call for the whole service (not one call per instance); every status change is logged, and so are
 * the runner's log lines of each instance's deployment, where the control plane keeps them.
 */
export async function waitForServiceInstances(
  session: ProtonSession,
  serviceName: string,
  instanceNames: string[],
  options: WaitOptions,
): Promise<ServiceInstanceSummary[]> {
  const seen = new Map<string, string | undefined>();
  const logs = new DeploymentLogLines(session, options.logger);
  const what = `the instances of the service ${serviceName}`;
  return pollUntilSettled(
    what,
    options,
    async () => {
      const all: ServiceInstanceSummary[] = [];
      let token: string | undefined;
      do {
        const nextToken = token;
        const page = await session.call(
          'ListServiceInstances',
          `service "${serviceName}"`,
          c =>
            c.send(
              new ListServiceInstancesCommand({
                serviceName,
                nextToken,
                maxResults: 100,
              }),
            ),
        );
        all.push(...(page.serviceInstances ?? []));
        token = page.nextToken;
      } while (token);
      const wanted = instanceNames.map(name => {
        const found = all.find(instance => instance.name === name);
        if (!found) {
          throw new NotFoundError(
            `The AWS Proton service ${serviceName} has no instance ${name}`,
          );
        }
        return found;
      });
      await options.onDeployments?.(
        Object.fromEntries(
          wanted.map(i => [`instance ${i.name}`, i.lastAttemptedDeploymentId]),
        ),
      );
      // the deployments' log lines first, then what their status became
      await Promise.all(
        wanted.map(instance =>
          logs.follow(
            instance.name!,
            instance.lastAttemptedDeploymentId,
            describeDeploymentStatus(instance.deploymentStatus).inProgress,
          ),
        ),
      );
      let changed = false;
      for (const instance of wanted) {
        if (seen.get(instance.name!) !== instance.deploymentStatus) {
          changed = changed || seen.has(instance.name!);
          seen.set(instance.name!, instance.deploymentStatus);
          options.logger.info(
            `Instance ${instance.name} (environment ${
              instance.environmentName
            }): ${describeDeploymentStatus(instance.deploymentStatus).label}${
              instance.deploymentStatusMessage
                ? ` - ${instance.deploymentStatusMessage}`
                : ''
            }`,
          );
        }
      }
      return {
        value: wanted,
        changed,
        settled: wanted.every(
          i => !describeDeploymentStatus(i.deploymentStatus).inProgress,
        ),
      };
    },
    value =>
      value
        .filter(i => describeDeploymentStatus(i.deploymentStatus).inProgress)
        .map(i => `${i.name} (${i.deploymentStatus})`)
        .join(', '),
  );
}

function outputMap(outputs: Output[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (outputs ?? [])
      .filter(o => o.key !== undefined)
      .map(o => [o.key!, o.valueString ?? '']),
  );
}

/** The results of settled instances, with the outputs of those that succeeded. */
export async function collectInstanceResults(
  session: ProtonSession,
  serviceName: string,
  instances: ServiceInstanceSummary[],
): Promise<InstanceResult[]> {
  return Promise.all(
    instances.map(async instance => {
      let outputs: Record<string, string> = {};
      if (instance.deploymentStatus === 'SUCCEEDED') {
        const all: Output[] = [];
        let token: string | undefined;
        do {
          const nextToken = token;
          const page = await session.call(
            'ListServiceInstanceOutputs',
            `service instance "${serviceName}/${instance.name}"`,
            c =>
              c.send(
                new ListServiceInstanceOutputsCommand({
                  serviceName,
                  serviceInstanceName: instance.name,
                  nextToken,
                }),
              ),
          );
          all.push(...(page.outputs ?? []));
          token = page.nextToken;
        } while (token);
        outputs = outputMap(all);
      }
      return {
        name: instance.name!,
        environment: instance.environmentName!,
        arn: instance.arn!,
        deploymentStatus: instance.deploymentStatus!,
        ...(instance.deploymentStatusMessage
          ? { statusMessage: instance.deploymentStatusMessage }
          : {}),
        outputs,
      };
    }),
  );
}

const URL_KEYS = ['serviceUrl', 'ServiceURL', 'ServiceEndpoint', 'url'];

/** The service URL the first instance reports, under one of the usual output names. */
export function findServiceUrl(results: InstanceResult[]): string | undefined {
  for (const result of results) {
    for (const key of URL_KEYS) {
      if (result.outputs[key]) return result.outputs[key];
    }
  }
  return undefined;
}

/** The environment after its deployment. */
export interface EnvironmentResult {
  arn: string;
  deploymentStatus: string;
  statusMessage?: string;
  outputs: Record<string, string>;
}

/** Waits until an environment's deployment has settled: one GetEnvironment per round. */
export async function waitForEnvironment(
  session: ProtonSession,
  name: string,
  options: WaitOptions,
): Promise<EnvironmentResult> {
  let last: string | undefined;
  const logs = new DeploymentLogLines(session, options.logger);
  const environment = await pollUntilSettled(
    `the environment ${name}`,
    options,
    async () => {
      const { environment: value } = await session.call(
        'GetEnvironment',
        `environment "${name}"`,
        c => c.send(new GetEnvironmentCommand({ name })),
      );
      const status = value?.deploymentStatus;
      await options.onDeployments?.({
        [`environment ${name}`]: value?.lastAttemptedDeploymentId,
      });
      await logs.follow(
        name,
        value?.lastAttemptedDeploymentId,
        describeDeploymentStatus(status).inProgress,
      );
      const changed = last !== undefined && last !== status;
      if (last !== status) {
        options.logger.info(
          `Environment ${name}: ${describeDeploymentStatus(status).label}${
            value?.deploymentStatusMessage
              ? ` - ${value.deploymentStatusMessage}`
              : ''
          }`,
        );
        last = status;
      }
      return {
        value,
        changed,
        settled: !describeDeploymentStatus(status).inProgress,
      };
    },
    value => `${name} (${value?.deploymentStatus})`,
  );
  let outputs: Record<string, string> = {};
  if (environment?.deploymentStatus === 'SUCCEEDED') {
    const { outputs: list } = await session.call(
      'ListEnvironmentOutputs',
      `environment "${name}"`,
      c => c.send(new ListEnvironmentOutputsCommand({ environmentName: name })),
    );
    outputs = outputMap(list);
  }
  return {
    arn: environment?.arn ?? '',
    deploymentStatus: environment?.deploymentStatus ?? 'UNKNOWN',
    ...(environment?.deploymentStatusMessage
      ? { statusMessage: environment.deploymentStatusMessage }
      : {}),
    outputs,
  };
}

/** Fails with every failed instance's status message, unless partial success is allowed. */
export function failOnUnsuccessful(
  results: Array<{
    name: string;
    deploymentStatus: string;
    statusMessage?: string;
  }>,
  subject: string,
  allowPartial: boolean,
  logger: LoggerService,
): void {
  const failed = results.filter(r => r.deploymentStatus !== 'SUCCEEDED');
  if (failed.length === 0) return;
  const lines = failed.map(
    r =>
      `${r.name}: ${describeDeploymentStatus(r.deploymentStatus).label}${
        r.statusMessage ? ` - ${r.statusMessage}` : ''
      }`,
  );
  if (allowPartial && failed.length < results.length) {
    logger.warn(
      `${failed.length} of ${
        results.length
      } ${subject} did not deploy (allowPartial): ${lines.join('; ')}`,
    );
    return;
  }
  throw new Error(
    `${failed.length} of ${
      results.length
    } ${subject} did not deploy:\n  - ${lines.join('\n  - ')}`,
  );
}
