import type {
  DeploymentJob,
  DeploymentReporter,
  DeploymentRunner,
} from '../deployments/deploymentRunner';

/** A runner that runs nothing: it records the jobs, and the test reports their outcome. */
export class RecordingRunner implements DeploymentRunner {
  readonly jobs: Array<{ job: DeploymentJob; reporter: DeploymentReporter }> =
    [];
  readonly cancelled: string[] = [];

  async start(job: DeploymentJob, reporter: DeploymentReporter): Promise<void> {
    this.jobs.push({ job, reporter });
  }

  async cancel(deploymentId: string): Promise<void> {
    this.cancelled.push(deploymentId);
  }

  /** The last job started, failing the test when there is none. */
  last(): { job: DeploymentJob; reporter: DeploymentReporter } {
    const entry = this.jobs[this.jobs.length - 1];
    if (!entry) throw new Error('no deployment was started');
    return entry;
  }
}
