import {
  BatchGetBuildsCommand,
  Build,
  CodeBuildClient,
  ComputeType,
  StartBuildCommand,
  StopBuildCommand,
} from '@aws-sdk/client-codebuild';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ProtonServerCredentials } from '../protocol/sigv4Verification';
import type {
  DeploymentJob,
  DeploymentReporter,
  DeploymentRunner,
  DeploymentRunnerFactory,
} from './deploymentRunner';
import { DeploymentQueue, QueuedDeployment } from './deploymentQueue';
import { codebuildPlan } from './codebuildBuildspec';
import {
  buildEnvironment,
  buildFailureMessage,
  CodeBuildLogReader,
  describeError,
  readBuildOutput,
} from './codebuildBuilds';
import { workingDirectoryFiles, zipArchive } from './codebuildSource';
import { DEFAULT_LOCAL_TIMEOUT_MS } from './localRunner';
import {
  boundedMessage,
  DeploymentSetupError,
  readProvisioningSteps,
} from './provisioningManifest';

/**
 * Options of the `codebuild` runner.
 *
 * @public
 */
export interface CodeBuildRunnerOptions {
  /** The CodeBuild project that runs the builds; its service role deploys the bundles. */
  projectName: string;
  /** The S3 bucket that receives each deployment's source (`<prefix><deployment id>/source.zip`). */
  sourceBucket: string;
  /** Prefix of the source keys; defaults to `proton-server/`. */
  sourcePrefix?: string;
  /**
   * This control plane's endpoint as CodeBuild reaches it (`AWS_ENDPOINT_URL_PROTON` in the build).
   * Without it a build could not report its outputs, so deployments fail before any build starts.
   */
  callbackEndpoint?: string;
  /** The credentials `aws proton ...` in a build signs with; the server's by default. */
  callbackCredentials: ProtonServerCredentials;
  /**
   * A Systems Manager parameter holding the callback secret key, passed as a `PARAMETER_STORE`
   * variable instead of a plaintext one (which anyone who can read the build's details sees).
   */
  callbackSecretParameter?: string;
  /** Region of the CodeBuild and S3 clients; defaults to the AWS SDK's (AWS_REGION, profile). */
  region?: string;
  /** `computeTypeOverride`, e.g. `BUILD_GENERAL1_MEDIUM`; the project's by default. */
  computeType?: string;
  /** How long a deployment may run; defaults to 60 minutes. Also the build's timeout. */
  timeoutMs?: number;
  /** How many builds run at once; more deployments wait in order. Defaults to 4. */
  concurrency?: number;
  /** First and longest wait between two `BatchGetBuilds`; default 2 s and 15 s. */
  pollIntervalMs?: { initial: number; max: number };
  /** Reads a finished build's log; without it the log holds the build's CloudWatch deep link. */
  readBuildLog?: CodeBuildLogReader;
  /** Clients to use instead of default ones (credentials from the default AWS chain). */
  codeBuild?: CodeBuildClient;
  s3?: S3Client;
}

const MAX_STORED_LOG_CHARS = 1024 * 1024;

interface RunningBuild extends QueuedDeployment {
  log: string[];
  buildId?: string;
  stopReason?: 'cancel' | 'timeout' | 'shutdown';
  wake?: () => void;
}

/** Waits `ms`, or until `entry.wake()`. */
function sleep(entry: RunningBuild, ms: number): Promise<void> {
  return new Promise<void>(resolve => {
    const timer = setTimeout(() => {
      entry.wake = undefined;
      resolve();
    }, ms);
    entry.wake = () => {
      clearTimeout(timer);
      entry.wake = undefined;
      resolve();
    };
  });
}

/**
 * Runs deployments as AWS CodeBuild builds, the way Proton's CodeBuild provisioning did: each
 * deployment's working directory (the infrastructure folder and `proton-inputs.json`) is zipped to
 * S3, and a build of the configured project runs the manifest's steps from that source with a
 * generated buildspec (see `codebuildPlan`), `RESOURCE_ARN`, `AWS_DEFAULT_REGION` and
 * `AWS_ENDPOINT_URL_PROTON` pointing back at this control plane. The runner polls `BatchGetBuilds`
 * with backoff until the build ends; cancelling stops the build.
 *
 * @public
 */
export class CodeBuildDeploymentRunner implements DeploymentRunner {
  private readonly queue: DeploymentQueue<RunningBuild>;
  private readonly codeBuild: CodeBuildClient;
  private readonly s3: S3Client;
  private stopped = false;

  constructor(private readonly options: CodeBuildRunnerOptions) {
    this.codeBuild =
      options.codeBuild ?? new CodeBuildClient({ region: options.region });
    this.s3 = options.s3 ?? new S3Client({ region: options.region });
    this.queue = new DeploymentQueue({
      concurrency: options.concurrency ?? 4,
      execute: entry => this.execute(entry),
      onError: (entry, error) =>
        entry.reporter.failed(
          boundedMessage(
            `The codebuild runner failed: ${describeError(error)}`,
          ),
          this.logOf(entry),
        ),
    });
  }

  async start(job: DeploymentJob, reporter: DeploymentReporter): Promise<void> {
    if (this.stopped) throw new Error('The codebuild runner has been stopped');
    this.queue.push({ job, reporter, log: [] });
  }

  async cancel(deploymentId: string): Promise<void> {
    const queued = this.queue.removeWaiting(deploymentId);
    if (queued) {
      await queued.reporter.cancelled(
        'The deployment was cancelled before its build started.\n',
      );
      return;
    }
    const entry = this.queue.running.get(deploymentId);
    if (!entry) return;
    entry.stopReason = 'cancel';
    // Without a build id yet, execute() stops the build as soon as it has started.
    if (entry.buildId) await this.stopBuild(entry);
  }

  async readLog(deploymentId: string): Promise<string | undefined> {
    const entry = this.queue.running.get(deploymentId);
    return entry ? entry.log.join('') : undefined;
  }

  /** Stops the builds of running deployments (a restart runs them again) and stops polling. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.clearWaiting();
    const executions: Promise<unknown>[] = [];
    for (const entry of this.queue.running.values()) {
      entry.stopReason = 'shutdown';
      if (entry.buildId) await this.stopBuild(entry);
      entry.wake?.();
      if (entry.execution) executions.push(entry.execution);
    }
    await Promise.all(executions);
  }

  private note(entry: RunningBuild, text: string): void {
    entry.log.push(`[proton-server] ${text}\n`);
  }

  private logOf(entry: RunningBuild): string {
    const log = entry.log.join('');
    return log.length > MAX_STORED_LOG_CHARS
      ? log.slice(-MAX_STORED_LOG_CHARS)
      : log;
  }

  private async fail(entry: RunningBuild, message: string): Promise<void> {
    this.note(entry, message);
    await entry.reporter.failed(boundedMessage(message), this.logOf(entry));
  }

  private async stopBuild(entry: RunningBuild): Promise<void> {
    try {
      await this.codeBuild.send(new StopBuildCommand({ id: entry.buildId }));
      this.note(entry, `StopBuild ${entry.buildId} (${entry.stopReason})`);
    } catch (error) {
      this.note(
        entry,
        `StopBuild ${entry.buildId} failed: ${describeError(error)}`,
      );
    }
  }

  private async execute(entry: RunningBuild): Promise<void> {
    const { job } = entry;
    const options = this.options;
    this.note(
      entry,
      `${new Date().toISOString()} ${job.action} ${
        job.resourceArn
      } (deployment ${job.deploymentId}) on CodeBuild project ${
        options.projectName
      }`,
    );
    if (!options.callbackEndpoint) {
      await this.fail(
        entry,
        'The codebuild runner has no callback endpoint, so a build could not report its status and ' +
          'outputs to this control plane: set protonServer.codebuild.callbackEndpoint ' +
          '(--codebuild-callback-endpoint) to a URL of this server that CodeBuild can reach. No build was started.',
      );
      return;
    }
    let steps;
    try {
      steps = await readProvisioningSteps(job);
    } catch (error) {
      if (!(error instanceof DeploymentSetupError)) throw error;
      await this.fail(entry, error.message);
      return;
    }
    if (steps.commands.length === 0) {
      this.note(entry, `settings.${job.action} has no steps: no build needed`);
      await entry.reporter.succeeded([], this.logOf(entry));
      return;
    }
    const plan = codebuildPlan(steps);
    const key = `${options.sourcePrefix ?? 'proton-server/'}${
      job.deploymentId
    }/source.zip`;
    const location = `${options.sourceBucket}/${key}`;
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: options.sourceBucket,
          Key: key,
          Body: zipArchive(await workingDirectoryFiles(job)),
          ContentType: 'application/zip',
        }),
      );
    } catch (error) {
      await this.fail(
        entry,
        `Could not upload the build's source to s3://${location}: ${describeError(
          error,
        )}`,
      );
      return;
    }
    this.note(entry, `Uploaded the source to s3://${location}`);
    if (entry.stopReason === 'shutdown') return;
    if (entry.stopReason === 'cancel') {
      await entry.reporter.cancelled(this.logOf(entry));
      return;
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOCAL_TIMEOUT_MS;
    try {
      const started = await this.codeBuild.send(
        new StartBuildCommand({
          projectName: options.projectName,
          sourceTypeOverride: 'S3',
          sourceLocationOverride: location,
          buildspecOverride: plan.buildspec,
          imageOverride: plan.image,
          computeTypeOverride: options.computeType as ComputeType | undefined,
          timeoutInMinutesOverride: Math.min(
            2160,
            Math.max(5, Math.ceil(timeoutMs / 60_000)),
          ),
          environmentVariablesOverride: buildEnvironment(
            job,
            options.callbackEndpoint,
            options.callbackCredentials,
            options.callbackSecretParameter,
          ),
        }),
      );
      entry.buildId = started.build?.id;
    } catch (error) {
      await this.fail(
        entry,
        `CodeBuild could not start a build of project ${
          options.projectName
        }: ${describeError(error)}`,
      );
      return;
    }
    if (!entry.buildId) {
      await this.fail(entry, 'CodeBuild started a build without an id');
      return;
    }
    this.note(entry, `Started build ${entry.buildId}`);
    if (entry.stopReason) await this.stopBuild(entry);
    const build = await this.poll(entry, Date.now() + timeoutMs);
    if (!build || (entry.stopReason as string) === 'shutdown') return;
    await this.finish(entry, build, plan.commands, timeoutMs);
  }

  /** Polls the build with backoff until it ends; undefined when the runner stops first. */
  private async poll(
    entry: RunningBuild,
    deadline: number,
  ): Promise<Build | undefined> {
    const { initial, max } = this.options.pollIntervalMs ?? {
      initial: 2000,
      max: 15_000,
    };
    let delay = initial;
    for (;;) {
      await sleep(entry, delay);
      if (entry.stopReason === 'shutdown') return undefined;
      delay = Math.min(max, Math.round(delay * 1.5));
      if (Date.now() > deadline && !entry.stopReason) {
        entry.stopReason = 'timeout';
        await this.stopBuild(entry);
      }
      // A build that StopBuild did not stop within a minute is left to CodeBuild's own timeout.
      const givenUp =
        entry.stopReason === 'timeout' && Date.now() > deadline + 60_000;
      let build: Build | undefined;
      try {
        const result = await this.codeBuild.send(
          new BatchGetBuildsCommand({ ids: [entry.buildId!] }),
        );
        build = result.builds?.[0];
      } catch (error) {
        // Throttling and network trouble pass; the deadline still applies.
        this.note(entry, `BatchGetBuilds failed: ${describeError(error)}`);
        if (givenUp) return { id: entry.buildId, buildStatus: 'IN_PROGRESS' };
        continue;
      }
      if (
        build?.buildStatus &&
        (build.buildStatus !== 'IN_PROGRESS' || givenUp)
      ) {
        return build;
      }
    }
  }

  private async finish(
    entry: RunningBuild,
    build: Build,
    commands: string[],
    timeoutMs: number,
  ): Promise<void> {
    this.note(entry, `Build ${build.id} ended ${build.buildStatus}`);
    const { output, notes } = await readBuildOutput(
      build,
      this.options.readBuildLog,
    );
    notes.forEach(text => this.note(entry, text));
    if (output !== undefined) {
      entry.log.push(output.endsWith('\n') ? output : `${output}\n`);
    }
    const tail = output
      ? `\n${output.trimEnd().split('\n').slice(-20).join('\n')}`
      : '';
    const status = build.buildStatus;
    if (status === 'SUCCEEDED') {
      await entry.reporter.succeeded([], this.logOf(entry));
    } else if (status === 'STOPPED' && entry.stopReason === 'cancel') {
      await entry.reporter.cancelled(this.logOf(entry));
    } else if (entry.stopReason === 'timeout' || status === 'TIMED_OUT') {
      await this.fail(
        entry,
        `The deployment timed out after ${Math.round(
          timeoutMs / 1000,
        )} s: ${buildFailureMessage(build, commands)}${tail}`,
      );
    } else {
      await this.fail(entry, `${buildFailureMessage(build, commands)}${tail}`);
    }
  }
}

/**
 * The `codebuild` runner as a {@link DeploymentRunnerFactory}: the callback credentials default to
 * the server's.
 *
 * @public
 */
export function createCodeBuildRunner(
  options: Omit<CodeBuildRunnerOptions, 'callbackCredentials'> &
    Partial<Pick<CodeBuildRunnerOptions, 'callbackCredentials'>>,
): DeploymentRunnerFactory {
  return context =>
    new CodeBuildDeploymentRunner({
      callbackCredentials: context.credentials,
      ...options,
    });
}
