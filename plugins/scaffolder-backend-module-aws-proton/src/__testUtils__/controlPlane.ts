import {
  CreateEnvironmentCommand,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  CreateServiceTemplateCommand,
  CreateServiceTemplateVersionCommand,
  GetEnvironmentTemplateVersionCommand,
  GetServiceTemplateVersionCommand,
  ListEnvironmentsCommand,
  ListServiceInstancesCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  ProtonClient,
  UpdateEnvironmentTemplateVersionCommand,
  UpdateServiceTemplateVersionCommand,
} from '@aws-sdk/client-proton';
import { ConfigReader } from '@backstage/config';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import {
  createProtonServer,
  ProtonServer,
} from '@proton-platform/proton-server';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  environmentBundle,
  FARGATE_ENV_SCHEMA,
  fargateServiceSchema,
  serviceBundle,
  writeBundle,
} from './templateBundles';

const CREDENTIALS = {
  accessKeyId: 'AKIDSCAFFOLDERTEST',
  secretAccessKey: 'scaffolder-test-secret',
};

/** How the fake deployer ends the deployment of one resource. */
export interface DeploymentOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  statusMessage?: string;
  outputs?: Record<string, string>;
  /** How long the deployment takes, from when the deployer first sees it. */
  delayMs?: number;
}

/**
 * Plays the provisioning side of self-managed Proton: it polls the control plane for deployments in
 * progress and reports their outcome with NotifyResourceDeploymentStatusChange, as a pipeline would.
 */
export class FakeDeployer {
  /** Outcomes by service instance name or environment name; SUCCEEDED with a serviceUrl otherwise. */
  readonly outcomes = new Map<string, DeploymentOutcome>();
  /** When each resource's deployment was reported, by ARN (ms since epoch). */
  readonly completedAt = new Map<string, number>();
  /** While true, deployments stay IN_PROGRESS. */
  paused = false;
  private readonly firstSeen = new Map<string, number>();
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;

  constructor(private readonly client: ProtonClient) {}

  start() {
    const tick = async () => {
      try {
        if (!this.paused) await this.round();
      } catch {
        // the next round tries again
      }
      if (!this.stopped) this.timer = setTimeout(tick, 20);
    };
    this.timer = setTimeout(tick, 20);
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async round() {
    const { serviceInstances = [] } = await this.client.send(
      new ListServiceInstancesCommand({
        filters: [{ key: 'deploymentStatus', value: 'IN_PROGRESS' }],
      }),
    );
    const { environments = [] } = await this.client.send(
      new ListEnvironmentsCommand({}),
    );
    const pending = [
      ...serviceInstances.map(i => ({ name: i.name!, arn: i.arn! })),
      ...environments
        .filter(e => e.deploymentStatus === 'IN_PROGRESS')
        .map(e => ({ name: e.name!, arn: e.arn! })),
    ];
    for (const { name, arn } of pending) {
      const outcome = this.outcomes.get(name) ?? {
        status: 'SUCCEEDED',
        outputs: { serviceUrl: `http://${name}.example` },
      };
      const seen = this.firstSeen.get(arn) ?? Date.now();
      this.firstSeen.set(arn, seen);
      if (Date.now() - seen < (outcome.delayMs ?? 0)) continue;
      this.firstSeen.delete(arn);
      await this.client.send(
        new NotifyResourceDeploymentStatusChangeCommand({
          resourceArn: arn,
          status: outcome.status,
          statusMessage: outcome.statusMessage,
          outputs: Object.entries(outcome.outputs ?? {}).map(
            ([key, valueString]) => ({ key, valueString }),
          ),
        }),
      );
      this.completedAt.set(arn, Date.now());
    }
  }
}

/** A running control plane with the test templates published and environments deployed. */
export interface TestControlPlane {
  server: ProtonServer;
  /** A client for the test's own calls (setup, checks, the deployer). */
  admin: ProtonClient;
  /** The factory the actions use, pointed at the control plane. */
  clients: ProtonClientFactory;
  deployer: FakeDeployer;
  /** The directory standing in for S3: a bundle source `{bucket, key}` is `<dir>/<bucket>/<key>`. */
  bundlesDirectory: string;
  stop(): Promise<void>;
}

/** Fails with the registration's status message when a template version did not register. */
async function requireRegistered(
  admin: ProtonClient,
  kind: 'service' | 'environment',
  majorVersion: string,
  minorVersion: string,
) {
  const input = {
    templateName: kind === 'service' ? 'fargate-service' : 'fargate-env',
    majorVersion,
    minorVersion,
  };
  const version =
    kind === 'service'
      ? (await admin.send(new GetServiceTemplateVersionCommand(input)))
          .serviceTemplateVersion
      : (await admin.send(new GetEnvironmentTemplateVersionCommand(input)))
          .environmentTemplateVersion;
  if (version?.status !== 'DRAFT') {
    throw new Error(
      `${input.templateName} ${majorVersion}.${minorVersion} did not register: ${version?.statusMessage}`,
    );
  }
}

async function publishServiceVersion(
  admin: ProtonClient,
  server: ProtonServer,
  bundles: string,
  minor: 0 | 1,
) {
  const source = await writeBundle(
    bundles,
    'templates',
    `fargate-service-1.${minor}.tar.gz`,
    serviceBundle(fargateServiceSchema(minor)),
  );
  const { serviceTemplateVersion } = await admin.send(
    new CreateServiceTemplateVersionCommand({
      templateName: 'fargate-service',
      majorVersion: minor === 0 ? undefined : '1',
      source: { s3: source },
      compatibleEnvironmentTemplates: [
        { templateName: 'fargate-env', majorVersion: '1' },
      ],
    }),
  );
  await server.settled();
  await requireRegistered(
    admin,
    'service',
    serviceTemplateVersion!.majorVersion!,
    serviceTemplateVersion!.minorVersion!,
  );
  await admin.send(
    new UpdateServiceTemplateVersionCommand({
      templateName: 'fargate-service',
      majorVersion: serviceTemplateVersion!.majorVersion!,
      minorVersion: serviceTemplateVersion!.minorVersion!,
      status: 'PUBLISHED',
    }),
  );
}

/**
 * Starts the project's control plane on 127.0.0.1 with an in-memory database, publishes
 * `fargate-env` 1.0 and `fargate-service` 1.0 and 1.1 (recommended), deploys the environments
 * `environments`, and starts a {@link FakeDeployer}.
 */
export async function startTestControlPlane(
  environments: string[] = ['dev', 'prod', 'staging'],
): Promise<TestControlPlane> {
  const bundles = await fs.mkdtemp(
    path.join(os.tmpdir(), 'scaffolder-proton-'),
  );
  const server = createProtonServer({
    credentials: CREDENTIALS,
    bundlesDirectory: bundles,
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  });
  await server.start();
  const admin = new ProtonClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  await admin.send(
    new CreateEnvironmentTemplateCommand({ name: 'fargate-env' }),
  );
  // CUSTOMER_MANAGED: no Proton-managed pipeline, so bundles need no pipeline_infrastructure/
  await admin.send(
    new CreateServiceTemplateCommand({
      name: 'fargate-service',
      pipelineProvisioning: 'CUSTOMER_MANAGED',
    }),
  );
  const envSource = await writeBundle(
    bundles,
    'templates',
    'fargate-env-1.0.tar.gz',
    environmentBundle(FARGATE_ENV_SCHEMA),
  );
  await admin.send(
    new CreateEnvironmentTemplateVersionCommand({
      templateName: 'fargate-env',
      source: { s3: envSource },
    }),
  );
  await server.settled();
  await requireRegistered(admin, 'environment', '1', '0');
  await admin.send(
    new UpdateEnvironmentTemplateVersionCommand({
      templateName: 'fargate-env',
      majorVersion: '1',
      minorVersion: '0',
      status: 'PUBLISHED',
    }),
  );
  await publishServiceVersion(admin, server, bundles, 0);
  await publishServiceVersion(admin, server, bundles, 1);
  for (const name of environments) {
    await admin.send(
      new CreateEnvironmentCommand({
        name,
        templateName: 'fargate-env',
        templateMajorVersion: '1',
        spec: 'proton: EnvironmentSpec\nspec: {}\n',
      }),
    );
    await admin.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: `arn:aws:proton:us-east-1:000000000000:environment/${name}`,
        status: 'SUCCEEDED',
      }),
    );
  }
  const clients = ProtonClientFactory.fromConfig(
    new ConfigReader({
      aws: {
        accounts: [{ accountId: '000000000000', ...CREDENTIALS }],
      },
      awsProton: {
        regions: ['us-east-1'],
        accountIds: ['000000000000'],
        endpoint: server.endpoint,
        maxAttempts: 2,
      },
    }),
  );
  const deployer = new FakeDeployer(admin);
  deployer.start();
  return {
    server,
    admin,
    clients,
    deployer,
    bundlesDirectory: bundles,
    async stop() {
      deployer.stop();
      (await clients.getClient()).destroy();
      admin.destroy();
      await server.stop();
      await fs.rm(bundles, { recursive: true, force: true });
    },
  };
}
