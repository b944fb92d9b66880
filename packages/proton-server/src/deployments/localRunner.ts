import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type {
  DeploymentJob,
  DeploymentReporter,
  DeploymentRunner,
  DeploymentRunnerFactory,
  ResourcePlanJob,
} from './deploymentRunner';
import type { PlannedResource } from './resourceChanges';
import { keepLogEnd } from './deploymentRunner';
import { DeploymentQueue, QueuedDeployment } from './deploymentQueue';
import {
  DeploymentPlan,
  DeploymentPlanner,
  manifestPlanner,
  PlannedJob,
} from './deploymentPlan';
import {
  boundedMessage,
  DeploymentSetupError,
  failureLine,
  stepFailureMessage,
  stepOutputTail,
  stepScript,
} from './provisioningManifest';
import {
  CALLBACK_PRELUDE,
  callbackVariables,
  deploymentVariables,
  HOST_VARIABLES,
  isSecretVariableName,
  redactSecrets,
} from './stepEnvironment';

/**
 * Options of {@link LocalDeploymentRunner}.
 *
 * @public
 */
export interface LocalDeploymentRunnerOptions {
  /** The control plane's endpoint, which the `aws` CLI in the steps calls back; read per deployment. */
  endpoint: () => string;
  /** Where working directories (`runs/`) and logs (`logs/<deployment id>.log`) are kept. */
  workDirectory: string;
  /** How long a deployment may run; defaults to 60 minutes, as CodeBuild. */
  timeoutMs?: number;
  /** How many deployments run at once; more wait in order. Defaults to 4. */
  concurrency?: number;
  /** The shell that runs the steps; defaults to `bash`. */
  shell?: string;
  /** Keep working directories after a deployment, for debugging. */
  keepWorkingDirectories?: boolean;
  /**
   * Variables the steps get besides the deployment's own (e.g. `PULUMI_BACKEND_URL`). Values of
   * variables whose names say they hold a secret (`*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*KEY*`, ...)
   * are redacted from the stored log.
   */
  environment?: Record<string, string>;
  /**
   * Names of variables of this process's environment the steps get too (e.g. `AWS_PROFILE` for the
   * cloud credentials a Pulumi program deploys with). Nothing else of this process's environment
   * reaches the steps but those in `HOST_VARIABLES` (PATH, HOME, the locale, TZ, CA bundles).
   */
  passEnvironment?: string[];
  /** What a deployment runs; defaults to the steps of the bundle's CodeBuild manifest. */
  planner?: DeploymentPlanner;
  /** How long planning a deployment's resources (for a preview) may take; defaults to 2 minutes. */
  planTimeoutMs?: number;
}

/**
 * The default deployment timeout: 60 minutes, CodeBuild's default build timeout.
 *
 * @public
 */
export const DEFAULT_LOCAL_TIMEOUT_MS = 60 * 60 * 1000;
const DEFAULT_PLAN_TIMEOUT_MS = 2 * 60 * 1000;
/** The most resource plans that wait for their turn; more are refused (ResourcePlansBusyError). */
const MAX_WAITING_PLANS = 8;

/**
 * Thrown when more resource plans wait than the runner queues: try again later.
 *
 * @public
 */
export class ResourcePlansBusyError extends Error {}

/**
 * Raised by a resource plan that the control plane's shutdown stopped (or that was asked for once it
 * began): the preview is unavailable for now, nothing about the deployment is known.
 *
 * @public
 */
export class RunnerStoppingError extends Error {
  constructor() {
    super('The control plane is stopping; preview again once it is back');
    this.name = 'RunnerStoppingError';
  }
}
const KILL_GRACE_MS = 5000;

/** `what`, followed by the tool's own error line when the step printed one. */
function withLine(what: string, output: string): string {
  const line = failureLine(output);
  return line ? `${what}: ${line}` : what;
}

/** The session running a deployment's (or a plan's) steps. */
interface SpawnedSteps {
  child?: ChildProcess;
  /** Why the process group was killed. */
  stopReason?: 'cancel' | 'timeout' | 'shutdown';
}

interface RunningDeployment extends QueuedDeployment, SpawnedSteps {
  /** The values to redact from this deployment's log. */
  secrets?: string[];
}

async function removeFile(file: string): Promise<void> {
  await fs.promises.rm(file, { force: true });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Runs CodeBuild provisioning bundles as child processes on this host, the way Proton's CodeBuild
 * provisioning runs them: a fresh working directory with the infrastructure folder's files and
 * `proton-inputs.json`, `RESOURCE_ARN` and `AWS_DEFAULT_REGION` set, and the `aws` CLI pointed back
 * at the control plane (`AWS_ENDPOINT_URL_PROTON`) so that
 * `aws proton notify-resource-deployment-status-change` reports outputs. The manifest's steps run in
 * order in one bash session; the first failing step fails the deployment with its output's tail as
 * the statusMessage.
 *
 * @public
 */
export class LocalDeploymentRunner implements DeploymentRunner {
  private readonly queue: DeploymentQueue<RunningDeployment>;
  private stopped = false;
  /** Resource plans run one at a time, beside the deployments. */
  private planning: Promise<unknown> = Promise.resolve();
  private waitingPlans = 0;
  /** The sessions of the plan running now, killed by stop(). */
  private readonly runningPlans = new Set<SpawnedSteps>();

  constructor(private readonly options: LocalDeploymentRunnerOptions) {
    this.queue = new DeploymentQueue({
      concurrency: options.concurrency ?? 4,
      execute: entry => this.execute(entry),
      onError: (entry, error) =>
        entry.reporter.failed(
          boundedMessage(
            `The local runner failed: ${(error as Error).message}`,
          ),
        ),
    });
  }

  private get logDirectory(): string {
    return path.join(this.options.workDirectory, 'logs');
  }

  /** The log file of a deployment. */
  logFile(deploymentId: string): string {
    return path.join(this.logDirectory, `${deploymentId}.log`);
  }

  /**
   * Queues a deployment; it runs once fewer than `concurrency` deployments are running.
   *
   * @throws Error when the runner has been stopped
   */
  async start(job: DeploymentJob, reporter: DeploymentReporter): Promise<void> {
    if (this.stopped) throw new Error('The local runner has been stopped');
    this.queue.push({ job, reporter });
  }

  /**
   * Cancels a deployment: a waiting one is reported cancelled at once; a running one's process group
   * gets SIGTERM, then SIGKILL after 5 seconds. Unknown deployments are ignored.
   */
  async cancel(deploymentId: string): Promise<void> {
    const queued = this.queue.removeWaiting(deploymentId);
    if (queued) {
      await queued.reporter.cancelled(
        'The deployment was cancelled before it started.\n',
      );
      return;
    }
    const entry = this.queue.running.get(deploymentId);
    if (!entry) return;
    entry.stopReason = 'cancel';
    // Not spawned yet: the runner checks stopReason right after spawning.
    if (entry.child) this.terminate(entry.child);
  }

  /** The log of a deployment this runner is running, secrets redacted. */
  async readLog(deploymentId: string): Promise<string | undefined> {
    const entry = this.queue.running.get(deploymentId);
    if (!entry?.secrets) return undefined;
    try {
      return redactSecrets(
        await fs.promises.readFile(this.logFile(deploymentId), 'utf8'),
        entry.secrets,
      );
    } catch {
      return undefined;
    }
  }

  /**
   * The environment of a deployment's steps, and the values to redact from its log: only what is
   * allowed to reach bundle code (see `HOST_VARIABLES` and the options `passEnvironment` and
   * `environment`), the deployment's variables and its temporary credentials; never this process's
   * own secrets or the control plane's credentials.
   */
  private stepEnvironment(
    job: DeploymentJob,
    workingDirectory: string,
    temporaryDirectory: string,
  ): { env: Record<string, string>; secrets: string[] } {
    const { env, secrets } = this.hostEnvironment();
    const add = (name: string, value: string | undefined) => {
      if (value === undefined) return;
      env[name] = value;
      if (isSecretVariableName(name)) secrets.push(value);
    };
    for (const [name, value] of Object.entries({
      ...deploymentVariables(job, this.options.endpoint()),
      ...callbackVariables(job),
      AWS_PAGER: '',
      CODEBUILD_SRC_DIR: workingDirectory,
      TMPDIR: temporaryDirectory,
    })) {
      add(name, value);
    }
    return { env, secrets };
  }

  /**
   * What every run's steps get of this host: `HOST_VARIABLES`, the `passEnvironment` variables and
   * the configured `environment`, with the values to redact (those whose names say they are secret).
   */
  private hostEnvironment(): {
    env: Record<string, string>;
    secrets: string[];
  } {
    const env: Record<string, string> = {};
    const secrets: string[] = [];
    const add = (name: string, value: string | undefined) => {
      if (value === undefined) return;
      env[name] = value;
      if (isSecretVariableName(name)) secrets.push(value);
    };
    for (const name of [
      ...HOST_VARIABLES,
      ...(this.options.passEnvironment ?? []),
    ]) {
      add(name, process.env[name]);
    }
    for (const [name, value] of Object.entries(
      this.options.environment ?? {},
    )) {
      add(name, value);
    }
    return { env, secrets };
  }

  /**
   * Kills every running deployment's process group and drops the waiting ones, without reporting
   * their outcome (another start of the control plane resumes them); resolves once all have ended.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.clearWaiting();
    const executions: Promise<unknown>[] = [];
    for (const plan of this.runningPlans) {
      plan.stopReason = 'shutdown';
      if (plan.child) killGroup(plan.child, 'SIGKILL');
    }
    executions.push(this.planning);
    for (const entry of this.queue.running.values()) {
      entry.stopReason = 'shutdown';
      if (entry.child) killGroup(entry.child, 'SIGKILL');
      if (entry.execution) executions.push(entry.execution);
    }
    await Promise.all(executions);
  }

  private terminate(child: ChildProcess): void {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS);
    timer.unref();
    child.once('close', () => clearTimeout(timer));
  }

  private async execute(entry: RunningDeployment): Promise<void> {
    const { job } = entry;
    await fs.promises.mkdir(this.logDirectory, { recursive: true });
    const logFile = this.logFile(job.deploymentId);
    // Once reported, the log is kept with the deployment: the file can go.
    const reporter: DeploymentReporter = {
      succeeded: (outputs, log) =>
        entry.reporter.succeeded(outputs, log).then(() => removeFile(logFile)),
      failed: (message, log) =>
        entry.reporter.failed(message, log).then(() => removeFile(logFile)),
      cancelled: log =>
        entry.reporter.cancelled(log).then(() => removeFile(logFile)),
      recordRunnerState: state => entry.reporter.recordRunnerState(state),
    };
    const note = (text: string) =>
      fs.promises.appendFile(logFile, `[proton-server] ${text}\n`);
    const runs = path.join(this.options.workDirectory, 'runs');
    await fs.promises.mkdir(runs, { recursive: true });
    const runDirectory = await fs.promises.mkdtemp(
      path.join(runs, `${job.deploymentId}-`),
    );
    const workingDirectory = path.join(runDirectory, 'src');
    const temporaryDirectory = path.join(runDirectory, 'tmp');
    const { env, secrets } = this.stepEnvironment(
      job,
      workingDirectory,
      temporaryDirectory,
    );
    entry.secrets = secrets;
    await note(
      `${new Date().toISOString()} ${job.action} ${
        job.resourceArn
      } (deployment ${job.deploymentId}, attempt ${job.attempt})`,
    );
    try {
      await this.prepare(job, workingDirectory, temporaryDirectory);
      let plan: DeploymentPlan;
      try {
        plan = await (this.options.planner ?? manifestPlanner)(job, {
          workingDirectory,
          runDirectory,
        });
      } catch (error) {
        if (!(error instanceof DeploymentSetupError)) throw error;
        await note(error.message);
        await reporter.failed(
          boundedMessage(error.message),
          await this.log(job),
        );
        return;
      }
      const commands = plan.commands;
      if (plan.note) await note(plan.note);
      const stepFile = path.join(runDirectory, 'step');
      const scriptFile = path.join(runDirectory, 'steps.sh');
      await fs.promises.writeFile(
        scriptFile,
        stepScript(commands, stepFile, process.pid, CALLBACK_PRELUDE),
      );
      const result = await this.spawnSteps(
        entry,
        scriptFile,
        workingDirectory,
        logFile,
        env,
      );
      // Changed by cancel(), stop() or the timeout while the steps ran.
      const stopReason = entry.stopReason as RunningDeployment['stopReason'];
      if (!result || stopReason === 'shutdown') return;
      const log = await this.log(job);
      if (stopReason === 'cancel') {
        await reporter.cancelled(log);
        return;
      }
      const step = Number(
        await fs.promises.readFile(stepFile, 'utf8').catch(() => '0'),
      );
      const command = commands[step - 1]?.split('\n')[0] ?? '';
      const tail = stepOutputTail(log ?? '', step, commands.length);
      if (
        result.code !== 0 &&
        stopReason !== 'timeout' &&
        plan.failureMessage
      ) {
        const message = await plan.failureMessage(result.code, tail);
        if (message) {
          await reporter.failed(boundedMessage(message), log);
          return;
        }
      }
      if (stopReason === 'timeout') {
        const seconds = Math.round(
          (this.options.timeoutMs ?? DEFAULT_LOCAL_TIMEOUT_MS) / 1000,
        );
        await reporter.failed(
          boundedMessage(
            stepFailureMessage({
              step,
              total: commands.length,
              command,
              ending: { timedOutAfterSeconds: seconds },
              output: tail,
            }),
          ),
          log,
        );
      } else if (result.code === 0) {
        const outputs = (await plan.outputs?.()) ?? [];
        await reporter.succeeded(outputs, await this.log(job));
      } else {
        const status =
          result.code !== null
            ? `exit status ${result.code}`
            : `signal ${result.signal}`;
        await reporter.failed(
          boundedMessage(
            stepFailureMessage({
              step,
              total: commands.length,
              command,
              ending: status,
              output: tail,
            }),
          ),
          log,
        );
      }
    } finally {
      if (!this.options.keepWorkingDirectories) {
        await fs.promises.rm(runDirectory, { recursive: true, force: true });
      }
    }
  }

  /** Copies the job's infrastructure folder to `workingDirectory` with its `proton-inputs.json`. */
  private async prepare(
    job: PlannedJob,
    workingDirectory: string,
    temporaryDirectory: string,
  ): Promise<void> {
    await fs.promises.mkdir(temporaryDirectory);
    await fs.promises.cp(
      path.join(job.templateDirectory, job.infrastructureFolder),
      workingDirectory,
      { recursive: true },
    );
    await fs.promises.writeFile(
      path.join(workingDirectory, 'proton-inputs.json'),
      JSON.stringify(job.protonInputs, null, 2),
    );
  }

  /**
   * The resources the job's provisioning would register, when the planner can tell without
   * deploying (the `simulate` runner's); undefined for the bundle's own steps, which deploy. Plans run
   * one at a time, in a working directory of their own, with the host variables and the configured
   * `environment` (no deployment credentials: nothing may call back), within `planTimeoutMs`; the
   * failure's lines are redacted as a deployment's log is.
   *
   * @throws DeploymentSetupError with the failing step's last lines when the plan fails or times out;
   *   ResourcePlansBusyError when 8 plans are waiting already; RunnerStoppingError when the control
   *   plane stops before the plan ends
   */
  async planResources(
    job: ResourcePlanJob,
  ): Promise<PlannedResource[] | undefined> {
    if (this.waitingPlans >= MAX_WAITING_PLANS) {
      throw new ResourcePlansBusyError(
        `${MAX_WAITING_PLANS} previews are waiting for the runner already; try again in a minute`,
      );
    }
    this.waitingPlans += 1;
    const run = this.planning.then(() => {
      this.waitingPlans -= 1;
      return this.computeResources(job);
    });
    this.planning = run.catch(() => {});
    return run;
  }

  private async computeResources(
    job: ResourcePlanJob,
  ): Promise<PlannedResource[] | undefined> {
    if (this.stopped) throw new RunnerStoppingError();
    const runs = path.join(this.options.workDirectory, 'runs');
    await fs.promises.mkdir(runs, { recursive: true });
    const runDirectory = await fs.promises.mkdtemp(path.join(runs, 'plan-'));
    const workingDirectory = path.join(runDirectory, 'src');
    const temporaryDirectory = path.join(runDirectory, 'tmp');
    try {
      const planned: PlannedJob = { ...job, action: 'provision' };
      await this.prepare(planned, workingDirectory, temporaryDirectory);
      const plan = await (this.options.planner ?? manifestPlanner)(planned, {
        workingDirectory,
        runDirectory,
      });
      if (!plan.resources) return undefined;
      const stepFile = path.join(runDirectory, 'step');
      const scriptFile = path.join(runDirectory, 'steps.sh');
      const logFile = path.join(runDirectory, 'plan.log');
      await fs.promises.writeFile(
        scriptFile,
        stepScript(plan.commands, stepFile, process.pid),
      );
      const { env, secrets } = this.hostEnvironment();
      Object.assign(env, {
        RESOURCE_ARN: job.resourceArn,
        AWS_DEFAULT_REGION: job.region,
        CODEBUILD_SRC_DIR: workingDirectory,
        TMPDIR: temporaryDirectory,
      });
      // a stop while the plan was being prepared: nothing is spawned
      const entry: SpawnedSteps = this.stopped
        ? { stopReason: 'shutdown' }
        : {};
      this.runningPlans.add(entry);
      let result: Awaited<ReturnType<LocalDeploymentRunner['spawnSteps']>>;
      try {
        result = await this.spawnSteps(
          entry,
          scriptFile,
          workingDirectory,
          logFile,
          env,
          this.options.planTimeoutMs ?? DEFAULT_PLAN_TIMEOUT_MS,
        );
      } finally {
        this.runningPlans.delete(entry);
      }
      if (entry.stopReason === 'shutdown') throw new RunnerStoppingError();
      if (result?.code !== 0) {
        const log = redactSecrets(
          await fs.promises.readFile(logFile, 'utf8'),
          secrets,
        );
        const step = Number(
          await fs.promises.readFile(stepFile, 'utf8').catch(() => '0'),
        );
        const tail = stepOutputTail(log, step, plan.commands.length);
        let message: string | undefined;
        if (entry.stopReason === 'timeout') {
          const seconds = Math.round(
            (this.options.planTimeoutMs ?? DEFAULT_PLAN_TIMEOUT_MS) / 1000,
          );
          message = withLine(
            `Planning the resources took longer than ${seconds} s`,
            tail,
          );
        } else {
          message =
            (result && (await plan.failureMessage?.(result.code, tail))) ??
            withLine('Planning the resources failed', tail);
        }
        throw new DeploymentSetupError(
          boundedMessage(redactSecrets(message, secrets)),
        );
      }
      return await plan.resources();
    } finally {
      if (!this.options.keepWorkingDirectories) {
        await fs.promises.rm(runDirectory, { recursive: true, force: true });
      }
    }
  }

  private async spawnSteps(
    entry: SpawnedSteps,
    scriptFile: string,
    workingDirectory: string,
    logFile: string,
    env: Record<string, string>,
    timeoutMs = this.options.timeoutMs ?? DEFAULT_LOCAL_TIMEOUT_MS,
  ): Promise<
    { code: number | null; signal: NodeJS.Signals | null } | undefined
  > {
    if (entry.stopReason === 'shutdown') return undefined;
    const output = await fs.promises.open(logFile, 'a');
    try {
      const child = spawn(this.options.shell ?? 'bash', [scriptFile], {
        cwd: workingDirectory,
        detached: true,
        stdio: ['ignore', output.fd, output.fd],
        env,
      });
      entry.child = child;
      if (entry.stopReason) this.terminate(child);
      const timer = setTimeout(() => {
        entry.stopReason ??= 'timeout';
        this.terminate(child);
      }, timeoutMs);
      timer.unref();
      return await new Promise((resolve, reject) => {
        child.once('error', error => {
          clearTimeout(timer);
          reject(error);
        });
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          // Background processes a step left behind go with the session, as with a CodeBuild container.
          killGroup(child, 'SIGKILL');
          resolve({ code, signal });
        });
      });
    } finally {
      await output.close();
    }
  }

  /** The log to keep with the deployment: redacted, its end when it is longer than 1 MiB (keepLogEnd). */
  private async log(job: DeploymentJob): Promise<string | undefined> {
    return keepLogEnd(await this.readLog(job.deploymentId));
  }
}

/**
 * The `local` runner as a {@link DeploymentRunnerFactory} for the `deploymentRunner` option of
 * `createProtonServer`: endpoint and work directory come from the server.
 *
 * @public
 */
export function createLocalRunner(
  options: Omit<LocalDeploymentRunnerOptions, 'endpoint' | 'workDirectory'> &
    Partial<LocalDeploymentRunnerOptions> = {},
): DeploymentRunnerFactory {
  return context =>
    new LocalDeploymentRunner({
      endpoint: context.endpoint,
      workDirectory: context.workDirectory,
      ...options,
    });
}
