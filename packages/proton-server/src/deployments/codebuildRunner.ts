import {
  BatchGetBuildsCommand,
  Build,
  CodeBuildClient,
  ComputeType,
  ListBuildsForProjectCommand,
  StartBuildCommand,
  StopBuildCommand,
} from '@aws-sdk/client-codebuild';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DeleteParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type {
  DeploymentJob,
  DeploymentReporter,
  DeploymentRunner,
  DeploymentRunnerFactory,
} from './deploymentRunner';
import { keepLogEnd } from './deploymentRunner';
import { DeploymentQueue, QueuedDeployment } from './deploymentQueue';
import { CodeBuildPlan, codebuildPlan } from './codebuildBuildspec';
import {
  buildEnvironment,
  callbackParameterNames,
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
  failureLine,
  readProvisioningSteps,
} from './provisioningManifest';
import { redactSecrets } from './stepEnvironment';

/** A line CodeBuild's agent writes into a build's log (`[Container] 2026/12/03 10:00:00.123 …`). */
const CODEBUILD_AGENT_LINE = /^\[Container\] /;

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
  /**
   * Where each deployment's secret callback values (the secret key and session token of its
   * temporary credentials) are put in Parameter Store, as SecureString parameters
   * `<prefix><deployment id>/secret-access-key` and `.../session-token`, deleted when the deployment
   * ends; builds receive them as PARAMETER_STORE variables, never as plain text. Defaults to
   * `/proton-server/deployments/`.
   */
  parameterPrefix?: string;
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
  /** The S3 client that uploads each deployment's source; one for `region` by default. */
  s3?: S3Client;
  /** The Systems Manager client that puts and deletes the callback parameters; one for `region` by default. */
  ssm?: SSMClient;
}

/** The default `parameterPrefix`. */
const DEFAULT_PARAMETER_PREFIX = '/proton-server/deployments/';

interface RunningBuild extends QueuedDeployment {
  log: string[];
  buildId?: string;
  /** The Parameter Store parameters this run put, to delete when the deployment ends. */
  parameters?: { secretAccessKey: string; sessionToken: string };
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
 * `AWS_ENDPOINT_URL_PROTON` pointing back at this control plane, and the deployment's temporary
 * callback credentials from Parameter Store. The runner records the build's id with the deployment
 * and polls `BatchGetBuilds` with backoff until the build ends; cancelling stops the build. When the
 * control plane stops, builds keep running, and the server that resumes the deployment follows the
 * same build instead of starting another.
 *
 * @public
 */
export class CodeBuildDeploymentRunner implements DeploymentRunner {
  private readonly queue: DeploymentQueue<RunningBuild>;
  private readonly codeBuild: CodeBuildClient;
  private readonly s3: S3Client;
  private readonly ssm: SSMClient;
  private readonly parameterPrefix: string;
  private stopped = false;

  constructor(private readonly options: CodeBuildRunnerOptions) {
    this.codeBuild =
      options.codeBuild ?? new CodeBuildClient({ region: options.region });
    this.s3 = options.s3 ?? new S3Client({ region: options.region });
    this.ssm = options.ssm ?? new SSMClient({ region: options.region });
    this.parameterPrefix = options.parameterPrefix ?? DEFAULT_PARAMETER_PREFIX;
    this.queue = new DeploymentQueue({
      concurrency: options.concurrency ?? 4,
      execute: entry => this.execute(entry),
      onError: (entry, error) =>
        this.fail(
          entry,
          `The codebuild runner failed: ${describeError(error)}`,
        ),
    });
  }

  /**
   * Queues a deployment; its build starts once fewer than `concurrency` builds are running.
   *
   * @throws Error when the runner has been stopped
   */
  async start(job: DeploymentJob, reporter: DeploymentReporter): Promise<void> {
    if (this.stopped) throw new Error('The codebuild runner has been stopped');
    this.queue.push({ job, reporter, log: [] });
  }

  /**
   * Cancels a deployment: a waiting one is reported cancelled at once; a running one's build is
   * stopped with `StopBuild` (as soon as it has started). Unknown deployments are ignored.
   */
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

  /**
   * The log so far of a deployment this runner is running (secrets redacted, its last 1 MiB);
   * undefined otherwise.
   */
  async readLog(deploymentId: string): Promise<string | undefined> {
    const entry = this.queue.running.get(deploymentId);
    return entry ? this.logOf(entry) : undefined;
  }

  /**
   * Stops polling. Builds keep running: the server that resumes their deployments (this one after a
   * restart, or another sharing the database) follows them to their end.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.clearWaiting();
    const executions: Promise<unknown>[] = [];
    for (const entry of this.queue.running.values()) {
      entry.stopReason = 'shutdown';
      entry.wake?.();
      if (entry.execution) executions.push(entry.execution);
    }
    await Promise.all(executions);
  }

  private note(entry: RunningBuild, text: string): void {
    entry.log.push(`[proton-server] ${text}\n`);
  }

  /** The log to show and keep: the deployment's secrets redacted, its last 1 MiB. */
  private logOf(entry: RunningBuild): string {
    const { secretAccessKey, sessionToken } = entry.job.credentials;
    const log = redactSecrets(entry.log.join(''), [
      secretAccessKey,
      sessionToken,
    ]);
    return keepLogEnd(log);
  }

  private async fail(entry: RunningBuild, message: string): Promise<void> {
    this.note(entry, message);
    const { secretAccessKey, sessionToken } = entry.job.credentials;
    await this.end(entry, () =>
      entry.reporter.failed(
        boundedMessage(redactSecrets(message, [secretAccessKey, sessionToken])),
        this.logOf(entry),
      ),
    );
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
      await this.end(entry, () =>
        entry.reporter.succeeded([], this.logOf(entry)),
      );
      return;
    }
    const plan = codebuildPlan(steps);
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOCAL_TIMEOUT_MS;
    entry.buildId =
      job.runnerState?.buildId ??
      (job.attempt > 1 ? await this.findBuildOf(entry) : undefined);
    if (entry.buildId) {
      // The build an earlier attempt started keeps running when the control plane stops: follow it
      // instead of starting a second one on the same resource.
      this.note(
        entry,
        `Following build ${entry.buildId}, started by an earlier attempt`,
      );
    } else if (!(await this.startBuild(entry, plan, timeoutMs))) {
      return;
    }
    if (entry.stopReason) await this.stopBuild(entry);
    const build = await this.poll(entry, Date.now() + timeoutMs);
    if (!build || (entry.stopReason as string) === 'shutdown') return;
    await this.finish(entry, build, plan.commands, timeoutMs);
  }

  /**
   * Puts the deployment's secret callback values in Parameter Store, uploads the source and starts
   * the build, recording its id with the deployment.
   *
   * @returns whether a build was started (otherwise the deployment has been reported)
   */
  private async startBuild(
    entry: RunningBuild,
    plan: CodeBuildPlan,
    timeoutMs: number,
  ): Promise<boolean> {
    const { job } = entry;
    const options = this.options;
    const parameters = callbackParameterNames(
      this.parameterPrefix,
      job.deploymentId,
    );
    try {
      for (const [name, value] of [
        [parameters.secretAccessKey, job.credentials.secretAccessKey],
        [parameters.sessionToken, job.credentials.sessionToken],
      ]) {
        await this.ssm.send(
          new PutParameterCommand({
            Name: name,
            Value: value,
            Type: 'SecureString',
            Overwrite: true,
            Description: `proton-server: callback credentials of deployment ${job.deploymentId}, deleted when it ends`,
          }),
        );
      }
    } catch (error) {
      await this.fail(
        entry,
        `Could not put the deployment's callback credentials in Parameter Store under ${
          this.parameterPrefix
        }: ${describeError(
          error,
        )} (the control plane needs ssm:PutParameter and ssm:DeleteParameters there, ` +
          'and the project role ssm:GetParameters)',
      );
      return false;
    }
    entry.parameters = parameters;
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
      return false;
    }
    this.note(entry, `Uploaded the source to s3://${location}`);
    if (entry.stopReason === 'shutdown') return false;
    if (entry.stopReason === 'cancel') {
      await this.end(entry, () => entry.reporter.cancelled(this.logOf(entry)));
      return false;
    }
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
            options.callbackEndpoint!,
            parameters,
          ),
          // A StartBuild the SDK retries after a lost answer starts no second build.
          idempotencyToken: `${job.deploymentId}-${job.attempt}`,
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
      return false;
    }
    if (!entry.buildId) {
      await this.fail(entry, 'CodeBuild started a build without an id');
      return false;
    }
    await entry.reporter.recordRunnerState({ buildId: entry.buildId });
    this.note(entry, `Started build ${entry.buildId}`);
    return true;
  }

  /**
   * The build of this deployment an earlier attempt started but could not record (the control plane
   * stopped in between): the newest of the project's last 100 builds whose PROTON_DEPLOYMENT_ID is
   * this deployment's.
   */
  private async findBuildOf(entry: RunningBuild): Promise<string | undefined> {
    try {
      const { ids = [] } = await this.codeBuild.send(
        new ListBuildsForProjectCommand({
          projectName: this.options.projectName,
          sortOrder: 'DESCENDING',
        }),
      );
      if (ids.length === 0) return undefined;
      const { builds = [] } = await this.codeBuild.send(
        new BatchGetBuildsCommand({ ids: ids.slice(0, 100) }),
      );
      return builds.find(build =>
        build.environment?.environmentVariables?.some(
          variable =>
            variable.name === 'PROTON_DEPLOYMENT_ID' &&
            variable.value === entry.job.deploymentId,
        ),
      )?.id;
    } catch (error) {
      this.note(
        entry,
        `Could not look for a build of an earlier attempt: ${describeError(
          error,
        )}`,
      );
      return undefined;
    }
  }

  /** Reports through `report`, then deletes the deployment's callback parameters. */
  private async end(
    entry: RunningBuild,
    report: () => Promise<void>,
  ): Promise<void> {
    await report();
    const parameters =
      entry.parameters ??
      callbackParameterNames(this.parameterPrefix, entry.job.deploymentId);
    try {
      await this.ssm.send(
        new DeleteParametersCommand({
          Names: [parameters.secretAccessKey, parameters.sessionToken],
        }),
      );
    } catch {
      // They expire with the deployment anyway: the credentials stop working once it ended.
    }
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
    // the tool's own error line, as the local runner gives it (CodeBuild's agent lines, which the
    // phase's message already says in words, left out); the rest stays in the log
    const said = output
      ? failureLine(
          output
            .split('\n')
            .filter(line => !CODEBUILD_AGENT_LINE.test(line))
            .join('\n'),
        )
      : '';
    const tail = said
      ? `; the build said: ${said}${
          /[.?!]$/.test(said) ? '' : '.'
        } The deployment's log has its full output`
      : '';
    const status = build.buildStatus;
    if (status === 'SUCCEEDED') {
      await this.end(entry, () =>
        entry.reporter.succeeded([], this.logOf(entry)),
      );
    } else if (status === 'STOPPED' && entry.stopReason === 'cancel') {
      await this.end(entry, () => entry.reporter.cancelled(this.logOf(entry)));
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
 * The `codebuild` runner as a {@link DeploymentRunnerFactory}.
 *
 * @public
 */
export function createCodeBuildRunner(
  options: CodeBuildRunnerOptions,
): DeploymentRunnerFactory {
  return () => new CodeBuildDeploymentRunner(options);
}
