import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ProtonServerCredentials } from '../protocol/sigv4Verification';
import type {
  DeploymentJob,
  DeploymentReporter,
  DeploymentRunner,
  DeploymentRunnerFactory,
} from './deploymentRunner';
import { DeploymentQueue, QueuedDeployment } from './deploymentQueue';
import {
  DeploymentPlan,
  DeploymentPlanner,
  manifestPlanner,
} from './deploymentPlan';
import {
  boundedMessage,
  DeploymentSetupError,
  stepOutputTail,
  stepScript,
} from './provisioningManifest';

/**
 * Options of {@link LocalDeploymentRunner}.
 *
 * @public
 */
export interface LocalDeploymentRunnerOptions {
  /** The control plane's endpoint, which the `aws` CLI in the steps calls back; read per deployment. */
  endpoint: () => string;
  /** The credentials the steps' `aws` CLI signs with (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). */
  credentials: ProtonServerCredentials;
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
  /** Extra environment variables for the steps. */
  environment?: Record<string, string>;
  /** What a deployment runs; defaults to the steps of the bundle's CodeBuild manifest. */
  planner?: DeploymentPlanner;
}

/**
 * The default deployment timeout: 60 minutes, CodeBuild's default build timeout.
 *
 * @public
 */
export const DEFAULT_LOCAL_TIMEOUT_MS = 60 * 60 * 1000;
const KILL_GRACE_MS = 5000;
const MAX_STORED_LOG_CHARS = 1024 * 1024;

interface RunningDeployment extends QueuedDeployment {
  child?: ChildProcess;
  /** Why the process group was killed. */
  stopReason?: 'cancel' | 'timeout' | 'shutdown';
}

/** Everything the parent environment holds except AWS and control plane settings. */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key.startsWith('AWS_') || key.startsWith('PROTON_SERVER_')) continue;
    env[key] = value;
  }
  return env;
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

  async start(job: DeploymentJob, reporter: DeploymentReporter): Promise<void> {
    if (this.stopped) throw new Error('The local runner has been stopped');
    this.queue.push({ job, reporter });
  }

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

  async readLog(deploymentId: string): Promise<string | undefined> {
    try {
      return await fs.promises.readFile(this.logFile(deploymentId), 'utf8');
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.clearWaiting();
    const executions: Promise<unknown>[] = [];
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
    };
    const note = (text: string) =>
      fs.promises.appendFile(logFile, `[proton-server] ${text}\n`);
    await note(
      `${new Date().toISOString()} ${job.action} ${
        job.resourceArn
      } (deployment ${job.deploymentId})`,
    );
    const runs = path.join(this.options.workDirectory, 'runs');
    await fs.promises.mkdir(runs, { recursive: true });
    const runDirectory = await fs.promises.mkdtemp(
      path.join(runs, `${job.deploymentId}-`),
    );
    try {
      const workingDirectory = path.join(runDirectory, 'src');
      await fs.promises.cp(
        path.join(job.templateDirectory, job.infrastructureFolder),
        workingDirectory,
        { recursive: true },
      );
      await fs.promises.writeFile(
        path.join(workingDirectory, 'proton-inputs.json'),
        JSON.stringify(job.protonInputs, null, 2),
      );
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
        stepScript(commands, stepFile, process.pid),
      );
      const result = await this.spawnSteps(
        entry,
        scriptFile,
        workingDirectory,
        logFile,
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
            `The deployment timed out after ${seconds} s in step ${step}/${commands.length} (${command})\n${tail}`,
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
            `Step ${step}/${commands.length} failed with ${status}: ${command}\n${tail}`,
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

  private async spawnSteps(
    entry: RunningDeployment,
    scriptFile: string,
    workingDirectory: string,
    logFile: string,
  ): Promise<
    { code: number | null; signal: NodeJS.Signals | null } | undefined
  > {
    const { job } = entry;
    if (entry.stopReason === 'shutdown') return undefined;
    const output = await fs.promises.open(logFile, 'a');
    try {
      const child = spawn(this.options.shell ?? 'bash', [scriptFile], {
        cwd: workingDirectory,
        detached: true,
        stdio: ['ignore', output.fd, output.fd],
        env: {
          ...baseEnvironment(),
          ...this.options.environment,
          RESOURCE_ARN: job.resourceArn,
          AWS_DEFAULT_REGION: job.region,
          AWS_REGION: job.region,
          AWS_ACCESS_KEY_ID: this.options.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: this.options.credentials.secretAccessKey,
          AWS_ENDPOINT_URL_PROTON: this.options.endpoint(),
          AWS_PAGER: '',
          PROTON_DEPLOYMENT_ID: job.deploymentId,
          CODEBUILD_SRC_DIR: workingDirectory,
        },
      });
      entry.child = child;
      if (entry.stopReason) this.terminate(child);
      const timer = setTimeout(() => {
        entry.stopReason ??= 'timeout';
        this.terminate(child);
      }, this.options.timeoutMs ?? DEFAULT_LOCAL_TIMEOUT_MS);
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

  private async log(job: DeploymentJob): Promise<string | undefined> {
    const log = await this.readLog(job.deploymentId);
    return log && log.length > MAX_STORED_LOG_CHARS
      ? log.slice(-MAX_STORED_LOG_CHARS)
      : log;
  }
}

/**
 * The `local` runner as a {@link DeploymentRunnerFactory} for the `deploymentRunner` option of
 * `createProtonServer`: endpoint, credentials and work directory come from the server.
 *
 * @public
 */
export function createLocalRunner(
  options: Omit<
    LocalDeploymentRunnerOptions,
    'endpoint' | 'credentials' | 'workDirectory'
  > &
    Partial<LocalDeploymentRunnerOptions> = {},
): DeploymentRunnerFactory {
  return context =>
    new LocalDeploymentRunner({
      endpoint: context.endpoint,
      credentials: context.credentials,
      workDirectory: context.workDirectory,
      ...options,
    });
}
