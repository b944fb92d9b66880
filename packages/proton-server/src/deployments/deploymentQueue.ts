import { DeploymentJob, DeploymentReporter } from './deploymentRunner';

/** A deployment a runner holds: waiting for a slot, or running. */
export interface QueuedDeployment {
  job: DeploymentJob;
  reporter: DeploymentReporter;
  /** The running execution, settled once the deployment's outcome is reported. */
  execution?: Promise<void>;
}

/**
 * The runners' queue: deployments start in order as long as fewer than `concurrency` run. An execution
 * that throws fails its deployment through `onError`; either way its slot goes to the next one.
 */
export class DeploymentQueue<T extends QueuedDeployment> {
  private readonly waiting: T[] = [];
  /** The running deployments, by deployment id. */
  readonly running = new Map<string, T>();

  constructor(
    private readonly options: {
      concurrency: number;
      execute(entry: T): Promise<void>;
      onError(entry: T, error: unknown): Promise<void>;
    },
  ) {}

  push(entry: T): void {
    this.waiting.push(entry);
    this.drain();
  }

  /** Takes a deployment that has not started yet out of the queue, if it is there. */
  removeWaiting(deploymentId: string): T | undefined {
    const index = this.waiting.findIndex(
      entry => entry.job.deploymentId === deploymentId,
    );
    return index >= 0 ? this.waiting.splice(index, 1)[0] : undefined;
  }

  /** Forgets every deployment that has not started, as at shutdown. */
  clearWaiting(): void {
    this.waiting.length = 0;
  }

  private drain(): void {
    while (
      this.running.size < this.options.concurrency &&
      this.waiting.length > 0
    ) {
      const entry = this.waiting.shift()!;
      this.running.set(entry.job.deploymentId, entry);
      entry.execution = this.options
        .execute(entry)
        .catch(error => this.options.onError(entry, error))
        .catch(() => {})
        .finally(() => {
          this.running.delete(entry.job.deploymentId);
          this.drain();
        });
    }
  }
}
