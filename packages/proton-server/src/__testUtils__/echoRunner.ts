import fs from 'node:fs';
import path from 'node:path';
import type {
  DeploymentJob,
  DeploymentOutput,
  DeploymentReporter,
  DeploymentRunner,
} from '../deployments/deploymentRunner';

/**
 * The inputs a job deploys: a component's name with its service instance's inputs; the instance's;
 * the pipeline's (with `serviceInstances`, the names of the instances it was given); else the
 * environment's.
 */
function deployedInputs(job: DeploymentJob): Record<string, unknown> {
  const inputs = job.protonInputs as {
    component?: { name: string };
    service_instance?: { inputs?: Record<string, unknown> };
    pipeline?: { inputs?: Record<string, unknown> };
    service_instances?: Array<{ name: string }>;
    environment?: { inputs?: Record<string, unknown> };
  };
  if (inputs.component) {
    return {
      component: inputs.component.name,
      ...inputs.service_instance?.inputs,
    };
  }
  if (inputs.pipeline) {
    return {
      ...inputs.pipeline.inputs,
      serviceInstances: (inputs.service_instances ?? [])
        .map(instance => instance.name)
        .join(','),
    };
  }
  return inputs.service_instance?.inputs ?? inputs.environment?.inputs ?? {};
}

/**
 * A runner that runs no steps: each provisioning succeeds at once and reports every input it was
 * given as an output of the same name (strings as they are, other values as JSON), as a bundle that
 * echoes `proton-inputs.json` would; so any client can see what a deployment received.
 */
export class EchoRunner implements DeploymentRunner {
  readonly jobs: DeploymentJob[] = [];
  /** The files of each component deployment's folder as the run found them, by deployment id. */
  readonly componentFiles = new Map<string, Record<string, string>>();
  private readonly pending = new Set<Promise<void>>();

  async start(job: DeploymentJob, reporter: DeploymentReporter): Promise<void> {
    this.jobs.push(job);
    if (job.targetResourceType === 'COMPONENT') {
      const folder = path.join(job.templateDirectory, job.infrastructureFolder);
      this.componentFiles.set(
        job.deploymentId,
        Object.fromEntries(
          fs
            .readdirSync(folder)
            .map(name => [
              name,
              fs.readFileSync(path.join(folder, name), 'utf8'),
            ]),
        ),
      );
    }
    const outputs: DeploymentOutput[] =
      job.action === 'provision'
        ? Object.entries(deployedInputs(job)).map(([key, value]) => ({
            key,
            valueString:
              typeof value === 'string' ? value : JSON.stringify(value),
          }))
        : [];
    const done: Promise<void> = Promise.resolve()
      .then(() => reporter.succeeded(outputs))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  async cancel(): Promise<void> {}

  /** Resolves once every deployment started so far has reported its outcome. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
