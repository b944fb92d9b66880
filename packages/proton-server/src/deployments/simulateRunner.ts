import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type {
  DeploymentOutput,
  DeploymentRunnerFactory,
} from './deploymentRunner';
import type { DeploymentPlanner } from './deploymentPlan';
import {
  LocalDeploymentRunner,
  LocalDeploymentRunnerOptions,
} from './localRunner';
import {
  DeploymentSetupError,
  failureLine,
  shellQuote,
  shortenPaths,
} from './provisioningManifest';
import { AWS_NAMING_RULES } from './awsNamingRules';
import {
  NAMING_FAILURE,
  PROGRAM_FAILURE,
  PULUMI_MISSING_EXIT_CODE,
  PULUMI_MOCK_PROGRAM,
  PulumiMockPlan,
  PulumiMockResult,
} from './pulumiMockProgram';

/**
 * Options of the `simulate` runner.
 *
 * @public
 */
export interface SimulateRunnerOptions
  extends Omit<
    LocalDeploymentRunnerOptions,
    'planner' | 'endpoint' | 'workDirectory'
  > {
  /**
   * Folders searched (five levels deep) for a bundle source whose `package-lock.json` equals the
   * bundle's and that has its `node_modules`, which is then reused, e.g. `templates/proton`.
   */
  nodeModulesSources?: string[];
  /**
   * When no source matches, install the bundle's lockfile with `npm ci --ignore-scripts` once per
   * distinct lockfile (cached under the work directory). Defaults to true.
   */
  install?: boolean;
}

/**
 * The output every simulated deployment reports, so that no one mistakes it for a real one.
 *
 * @public
 */
export const SIMULATED_OUTPUT: DeploymentOutput = {
  key: 'protonServerSimulated',
  valueString: 'true',
};

function lockHash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 32);
}

async function findNodeModules(
  roots: string[],
  hash: string,
): Promise<string | undefined> {
  const visit = async (
    directory: string,
    depth: number,
  ): Promise<string | undefined> => {
    const lock = await fs.promises
      .readFile(path.join(directory, 'package-lock.json'))
      .catch(() => undefined);
    const modules = path.join(directory, 'node_modules');
    if (lock && lockHash(lock) === hash && fs.existsSync(modules)) {
      return modules;
    }
    if (depth === 0) return undefined;
    const entries = await fs.promises
      .readdir(directory, { withFileTypes: true })
      .catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === 'node_modules') continue;
      if (entry.name.startsWith('.')) continue;
      const found = await visit(path.join(directory, entry.name), depth - 1);
      if (found) return found;
    }
    return undefined;
  };
  for (const root of roots) {
    // absolute, so that the link made in the working directory points at the same place
    const found = await visit(path.resolve(root), 5);
    if (found) return found;
  }
  return undefined;
}

/**
 * The stack configuration from proton-inputs.json, as the bundles' `provision.sh` writes it
 * (`config_entries` of `proton.jq`): the inputs (strings as they are, anything else as JSON), plus
 * `protonEnvironmentName` and, for service instances, `protonEnvironmentAccountId`,
 * `protonServiceName`, `protonServiceInstanceName` and `environmentOutputs`; for a pipeline,
 * `protonServiceName`, the repository (`repositoryConnectionArn`, `repositoryId`, `branchName`) and
 * `serviceInstances` (each instance's name and environment).
 */
export function protonStackConfig(
  inputs: Record<string, any>,
): Record<string, string> {
  let values: Record<string, unknown>;
  if (inputs.pipeline) {
    values = {
      ...inputs.pipeline.inputs,
      protonServiceName: inputs.service?.name,
      repositoryConnectionArn: inputs.service?.repository_connection_arn,
      repositoryId: inputs.service?.repository_id,
      branchName: inputs.service?.branch_name,
      serviceInstances: (inputs.service_instances ?? []).map(
        (instance: { name: string; environment?: { name?: string } }) => ({
          name: instance.name,
          environment: instance.environment?.name,
        }),
      ),
    };
  } else if (inputs.service_instance) {
    values = {
      ...inputs.service_instance.inputs,
      protonEnvironmentName: inputs.environment?.name,
      protonEnvironmentAccountId: inputs.environment?.account_id,
      protonServiceName: inputs.service?.name,
      protonServiceInstanceName: inputs.service_instance.name,
      environmentOutputs: inputs.environment?.outputs ?? {},
    };
  } else {
    values = {
      ...inputs.environment?.inputs,
      protonEnvironmentName: inputs.environment?.name,
    };
  }
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    config[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return config;
}

/** The stack of a deployment: the environment's name, `<service>.<instance>` or `<service>._pipeline`. */
function stackName(inputs: Record<string, any>): string {
  if (inputs.pipeline) return `${inputs.service?.name}._pipeline`;
  return inputs.service_instance
    ? `${inputs.service?.name}.${inputs.service_instance.name}`
    : inputs.environment?.name;
}

async function readProject(
  workingDirectory: string,
): Promise<{ name: string; defaults: Record<string, string> }> {
  const text = await fs.promises
    .readFile(path.join(workingDirectory, 'Pulumi.yaml'), 'utf8')
    .catch(() => undefined);
  const project = text ? parse(text) : undefined;
  const defaults: Record<string, string> = {};
  for (const [key, spec] of Object.entries<any>(project?.config ?? {})) {
    const value =
      spec && typeof spec === 'object' && 'default' in spec
        ? spec.default
        : spec;
    if (value !== undefined && value !== null && typeof value !== 'object') {
      defaults[key] = String(value);
    }
  }
  return { name: project?.name ?? 'proton-bundle', defaults };
}

/** Plans a simulated deployment: node_modules, then the mock program. */
export function simulatePlanner(
  options: Pick<SimulateRunnerOptions, 'nodeModulesSources' | 'install'> & {
    workDirectory: string;
  },
): DeploymentPlanner {
  return async (job, { workingDirectory, runDirectory }) => {
    if (job.action === 'deprovision') {
      return {
        commands: [],
        note: 'SIMULATED: the simulate runner created nothing, so there is nothing to destroy',
      };
    }
    const folder = job.infrastructureFolder;
    const packageText = await fs.promises
      .readFile(path.join(workingDirectory, 'package.json'), 'utf8')
      .catch(() => undefined);
    if (!packageText) {
      throw new DeploymentSetupError(
        `The simulate runner runs a Pulumi program: ${folder}/package.json is missing`,
      );
    }
    const commands = [
      `export PATH=${shellQuote(path.dirname(process.execPath))}:"$PATH"`,
    ];
    if (!fs.existsSync(path.join(workingDirectory, 'node_modules'))) {
      const lock = await fs.promises
        .readFile(path.join(workingDirectory, 'package-lock.json'))
        .catch(() => undefined);
      if (!lock) {
        throw new DeploymentSetupError(
          `The simulate runner installs a bundle's dependencies from its lockfile: ${folder}/package-lock.json is missing`,
        );
      }
      const hash = lockHash(lock);
      const reused = await findNodeModules(
        options.nodeModulesSources ?? [],
        hash,
      );
      let modules = reused;
      if (!modules) {
        if (options.install === false) {
          throw new DeploymentSetupError(
            `No node_modules for ${folder}/package-lock.json in the configured sources, and installing is off`,
          );
        }
        const cache = path.join(options.workDirectory, 'node-modules', hash);
        modules = path.join(cache, 'node_modules');
        commands.push(
          `if [ ! -d ${shellQuote(modules)} ]; then ` +
            `mkdir -p ${shellQuote(cache)} && staging=$(mktemp -d ${shellQuote(
              `${cache}.XXXXXX`,
            )}) && cp package.json package-lock.json "$staging"/ && ` +
            `(cd "$staging" && npm ci --ignore-scripts --no-audit --no-fund) && ` +
            `{ mv -T "$staging/node_modules" ${shellQuote(
              modules,
            )} 2>/dev/null || true; } && rm -rf "$staging"; fi`,
        );
      }
      commands.push(`ln -s ${shellQuote(modules)} node_modules`);
    }
    const pkg = JSON.parse(packageText);
    const main =
      pkg.main ??
      (fs.existsSync(path.join(workingDirectory, 'index.ts'))
        ? 'index.ts'
        : 'index.js');
    const project = await readProject(workingDirectory);
    const qualified = (values: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
          key.includes(':') ? key : `${project.name}:${key}`,
          value,
        ]),
      );
    const resultFile = path.join(runDirectory, 'result.json');
    const readResult = async (): Promise<PulumiMockResult> =>
      JSON.parse(await fs.promises.readFile(resultFile, 'utf8'));
    const plan: PulumiMockPlan = {
      project: project.name,
      stack: stackName(job.protonInputs),
      main,
      config: {
        ...qualified(project.defaults),
        ...qualified(protonStackConfig(job.protonInputs)),
      },
      region: job.region,
      accountId: job.accountId,
      resultFile,
      naming: AWS_NAMING_RULES,
    };
    const planFile = path.join(runDirectory, 'simulate-plan.json');
    const scriptFile = path.join(runDirectory, 'simulate.cjs');
    await fs.promises.writeFile(planFile, JSON.stringify(plan, null, 2));
    await fs.promises.writeFile(scriptFile, PULUMI_MOCK_PROGRAM);
    commands.push(`node ${shellQuote(scriptFile)} ${shellQuote(planFile)}`);
    return {
      commands,
      note: `SIMULATED: ${folder}/${main} runs against Pulumi's mock runtime; nothing is created`,
      async outputs() {
        return [...(await readResult()).outputs, SIMULATED_OUTPUT];
      },
      async resources() {
        return (await readResult()).registered;
      },
      async failureMessage(exitCode, tail) {
        if (exitCode === PULUMI_MISSING_EXIT_CODE) {
          return `Simulation failed: ${tail
            .trim()
            .split('\n')
            .pop()}. The bundle's package.json and package-lock.json must depend on @pulumi/pulumi`;
        }
        // the program's failure in words (or the first name AWS would refuse) is its last line; its
        // stack (or every refused name) stays in the log
        const programFailure = tail
          .split('\n')
          .reverse()
          .find(
            line =>
              line.startsWith(PROGRAM_FAILURE) ||
              line.startsWith(NAMING_FAILURE),
          );
        return `Simulation failed (nothing was created): ${
          programFailure ? shortenPaths(programFailure) : failureLine(tail)
        }`;
      },
    };
  };
}

/**
 * The `simulate` runner as a {@link DeploymentRunnerFactory}: runs each bundle's Pulumi program
 * against Pulumi's mock runtime (`pulumi.runtime.setMocks`) with the bundle's own `@pulumi/pulumi`,
 * and reports the program's exports as outputs, plus `protonServerSimulated: "true"`. Every name the
 * program would send to AWS is checked against AWS's documented naming rules (awsNamingRules.ts): a
 * name AWS would refuse fails the deployment, naming the resource, the name and the rule. Nothing is
 * created; deprovisioning has nothing to do. Logs, timeouts, cancellation and concurrency are those
 * of the `local` runner.
 *
 * @public
 */
export function createSimulateRunner(
  options: SimulateRunnerOptions = {},
): DeploymentRunnerFactory {
  return context =>
    new LocalDeploymentRunner({
      ...options,
      endpoint: context.endpoint,
      workDirectory: context.workDirectory,
      planner: simulatePlanner({
        ...options,
        workDirectory: context.workDirectory,
      }),
    });
}
