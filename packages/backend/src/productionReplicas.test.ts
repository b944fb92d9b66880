import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AccessDeniedException,
  ConflictException,
  CreateEnvironmentCommand,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  CreateServiceCommand,
  CreateServiceInstanceCommand,
  CreateServiceTemplateCommand,
  CreateServiceTemplateVersionCommand,
  GetServiceInstanceCommand,
  GetServiceTemplateVersionCommand,
  ListDeploymentsCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  ProtonClient,
  UpdateEnvironmentTemplateVersionCommand,
  UpdateServiceInstanceCommand,
  UpdateServiceTemplateVersionCommand,
  waitUntilEnvironmentDeployed,
  waitUntilEnvironmentTemplateVersionRegistered,
  waitUntilServiceTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import { writeTemplateBundle } from '@proton-platform/proton-server';
import {
  BackendProcess,
  describeWithServices,
  dropDatabases,
  eventually,
  PRODUCTION_CONFIGS,
  productionEnvironment,
  startBackend,
  waitForReadiness,
  withPostgres,
} from './__testUtils__/backendProcess';

/**
 * The real backend, twice, with app-config.production.yaml on one PostgreSQL database: the control
 * plane's `local` runner, bundles kept in the database, and nothing shared on disk but the folder
 * standing in for S3. Each acceptance of the production-readiness issue, in one run:
 * concurrent updates spread over both processes, kill -9 of the process running a deployment,
 * a restart, a registration interrupted by kill -9, and what a bundle's steps can see and do.
 */
const INSTANCE_STEPS = [
  // a step that prints its environment
  'env | sort',
  'echo "$PROTON_CALLBACK_ACCESS_KEY_ID $PROTON_CALLBACK_SECRET_ACCESS_KEY $PROTON_CALLBACK_SESSION_TOKEN" > "$PROTON_TEST_SCRATCH/credentials-$PROTON_DEPLOYMENT_ID"',
  'echo "$PROTON_DEPLOYMENT_ATTEMPT" >> "$PROTON_TEST_SCRATCH/attempts-$PROTON_DEPLOYMENT_ID"',
  // how long it takes, as the test says
  'sleep "$(cat "$PROTON_TEST_SCRATCH/sleep" 2>/dev/null || echo 0)"',
];

function manifest(steps: string[]): string {
  return `infrastructure:\n  templates:\n    - rendering_engine: codebuild\n      settings:\n        provision: ${JSON.stringify(
    steps,
  )}\n        deprovision: ["true"]\n`;
}

const SCHEMA = (kind: 'environment' | 'service') =>
  `schema:\n  format:\n    openapi: "3.0.0"\n  ${kind}_input_type: "Inputs"\n  types:\n    Inputs:\n      type: object\n      properties:\n        port:\n          type: integer\n          default: 80\n`;

const SPEC =
  'proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec:\n      port: 8080\n';

describeWithServices('the two-replica production test', ['postgres', 'redis'])(
  'two backends with the production settings on one PostgreSQL database',
  () => {
    const prefix = `backstage_ci_replicas_${process.pid}_${Date.now()}_`;
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'replicas-'));
    const bundles = path.join(scratch, 'bundles');
    const testConfig = path.join(scratch, 'test-config.yaml');
    const credentials = {
      accessKeyId: `PROTONCI${randomBytes(6).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
    };
    // PostgreSQL here trusts every local connection: the password is only there to be looked for.
    const databasePassword = `pg-password-${randomBytes(8).toString('hex')}`;
    const backends: BackendProcess[] = [];
    const clients: ProtonClient[] = [];

    function clientOf(backend: BackendProcess): ProtonClient {
      const client = new ProtonClient({
        region: 'us-east-1',
        endpoint: `${backend.baseUrl}/api/proton-server`,
        credentials,
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    }

    async function start(): Promise<BackendProcess> {
      const backend = await startBackend({
        configs: [...PRODUCTION_CONFIGS, testConfig],
        env: {
          ...productionEnvironment(prefix, credentials),
          POSTGRES_PASSWORD: databasePassword,
          PROTON_SERVER_BUNDLES_DIRECTORY: bundles,
          PROTON_TEST_SCRATCH: scratch,
        },
      });
      backends.push(backend);
      return backend;
    }

    /** The control plane's rows, read from its database as they are stored. */
    function controlPlane<T>(query: string, values: unknown[] = []) {
      return withPostgres(
        `${prefix}proton-server`,
        async client => (await client.query(query, values)).rows as T[],
      );
    }

    async function instance(client: ProtonClient, name = 'dev') {
      return (
        await client.send(
          new GetServiceInstanceCommand({ serviceName: 'api', name }),
        )
      ).serviceInstance!;
    }

    async function settled(client: ProtonClient, name = 'dev') {
      return eventually(
        async () => {
          const current = await instance(client, name);
          return ['SUCCEEDED', 'FAILED'].includes(current.deploymentStatus!)
            ? current
            : undefined;
        },
        `api/${name} ending its deployment`,
        90_000,
      );
    }

    async function publish(
      client: ProtonClient,
      kind: 'environment' | 'service',
      name: string,
      files: Record<string, string>,
    ) {
      const source = await writeTemplateBundle(
        bundles,
        { bucket: 'templates', key: `${name}.tar.gz` },
        { files },
      );
      const version = {
        templateName: name,
        majorVersion: '1',
        minorVersion: '0',
      };
      const waiter = { client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 };
      if (kind === 'environment') {
        await client.send(new CreateEnvironmentTemplateCommand({ name }));
        await client.send(
          new CreateEnvironmentTemplateVersionCommand({
            templateName: name,
            source: { s3: source },
          }),
        );
        await waitUntilEnvironmentTemplateVersionRegistered(waiter, version);
        await client.send(
          new UpdateEnvironmentTemplateVersionCommand({
            ...version,
            status: 'PUBLISHED',
          }),
        );
      } else {
        await client.send(
          new CreateServiceTemplateCommand({
            name,
            pipelineProvisioning: 'CUSTOMER_MANAGED',
          }),
        );
        await client.send(
          new CreateServiceTemplateVersionCommand({
            templateName: name,
            source: { s3: source },
            compatibleEnvironmentTemplates: [
              { templateName: 'vpc', majorVersion: '1' },
            ],
          }),
        );
        await waitUntilServiceTemplateVersionRegistered(waiter, version);
        await client.send(
          new UpdateServiceTemplateVersionCommand({
            ...version,
            status: 'PUBLISHED',
          }),
        );
      }
    }

    beforeAll(async () => {
      // JSON is YAML: a short lease so that a dead process's work is taken up within seconds, and
      // the scratch folder passed to bundle code (nothing else of the backend's environment is).
      fs.writeFileSync(
        testConfig,
        JSON.stringify({
          protonServer: {
            deployments: {
              leaseSeconds: 3,
              passEnvironment: ['PROTON_TEST_SCRATCH'],
            },
          },
        }),
      );
    });

    afterAll(async () => {
      clients.forEach(client => client.destroy());
      await Promise.all(backends.map(backend => backend.stop('SIGKILL')));
      await dropDatabases(prefix);
      fs.rmSync(scratch, { recursive: true, force: true });
    }, 60_000);

    it('serve one control plane: exclusive deployments, crash recovery, restarts and scoped credentials', async () => {
      // One after the other: Backstage's own migrations race on a new, empty database.
      let a = await start();
      await waitForReadiness(a);
      let b = await start();
      await waitForReadiness(b);
      let clientA = clientOf(a);
      let clientB = clientOf(b);

      // Templates registered through one process deploy through the other: bundles are in the database.
      await publish(clientA, 'environment', 'vpc', {
        'schema/schema.yaml': SCHEMA('environment'),
        'infrastructure/manifest.yaml': manifest(['true']),
      });
      await publish(clientA, 'service', 'web', {
        'schema/schema.yaml': SCHEMA('service'),
        'instance_infrastructure/manifest.yaml': manifest(INSTANCE_STEPS),
      });
      await clientB.send(
        new CreateEnvironmentCommand({
          name: 'dev',
          templateName: 'vpc',
          templateMajorVersion: '1',
          spec: 'proton: EnvironmentSpec\nspec: {}\n',
        }),
      );
      await waitUntilEnvironmentDeployed(
        { client: clientA, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
        { name: 'dev' },
      );
      await clientB.send(
        new CreateServiceCommand({
          name: 'api',
          templateName: 'web',
          templateMajorVersion: '1',
          spec: SPEC,
        }),
      );
      expect((await settled(clientA)).deploymentStatus).toBe('SUCCEEDED');

      // 1. Twenty concurrent updates of one instance, spread over both processes.
      fs.writeFileSync(path.join(scratch, 'sleep'), '4');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? clientA : clientB).send(
            new UpdateServiceInstanceCommand({
              serviceName: 'api',
              name: 'dev',
              deploymentType: 'CURRENT_VERSION',
            }),
          ),
        ),
      );
      const accepted = results.filter(r => r.status === 'fulfilled');
      const refused = results.flatMap(r =>
        r.status === 'rejected' ? [r.reason] : [],
      );
      expect(accepted).toHaveLength(1);
      expect(refused).toHaveLength(19);
      refused.forEach(error => expect(error).toBeInstanceOf(ConflictException));
      const updated = await settled(clientB);
      expect(updated.deploymentStatus).toBe('SUCCEEDED');
      const { deployments } = await clientA.send(
        new ListDeploymentsCommand({
          serviceName: 'api',
          serviceInstanceName: 'dev',
        }),
      );
      // the creation and the one accepted update
      expect(deployments).toHaveLength(2);

      // 2. What the bundle's steps saw: neither the database password nor the control plane's key,
      // and credentials that work for their own deployment only, until it ends.
      const [{ log }] = await controlPlane<{ log: string }>(
        'SELECT log FROM deployment_logs WHERE deployment_id = $1',
        [updated.lastAttemptedDeploymentId],
      );
      expect(log).toContain('PROTON_DEPLOYMENT_ID=');
      expect(log).toContain('PROTON_CALLBACK_SECRET_ACCESS_KEY=[redacted]');
      for (const secret of [
        databasePassword,
        credentials.secretAccessKey,
        credentials.accessKeyId,
        'POSTGRES_PASSWORD',
      ]) {
        expect(log).not.toContain(secret);
      }
      const [accessKeyId, secretAccessKey, sessionToken] = fs
        .readFileSync(
          path.join(
            scratch,
            `credentials-${updated.lastAttemptedDeploymentId}`,
          ),
          'utf8',
        )
        .trim()
        .split(' ');
      expect(log).not.toContain(secretAccessKey);
      const stepClient = new ProtonClient({
        region: 'us-east-1',
        endpoint: `${b.baseUrl}/api/proton-server`,
        credentials: { accessKeyId, secretAccessKey, sessionToken },
        maxAttempts: 1,
      });
      clients.push(stepClient);
      await expect(
        stepClient.send(
          new NotifyResourceDeploymentStatusChangeCommand({
            resourceArn:
              'arn:aws:proton:us-east-1:000000000000:environment/dev',
            status: 'FAILED',
          }),
        ),
      ).rejects.toThrow(AccessDeniedException);
      await expect(
        stepClient.send(
          new NotifyResourceDeploymentStatusChangeCommand({
            resourceArn: updated.arn!,
            status: 'FAILED',
          }),
        ),
      ).rejects.toThrow(/expired when it ended \(SUCCEEDED\)/);

      // 3. kill -9 of the process running a deployment: the other one finishes it.
      fs.writeFileSync(path.join(scratch, 'sleep'), '5');
      const resumed = await clientA.send(
        new UpdateServiceInstanceCommand({
          serviceName: 'api',
          name: 'dev',
          deploymentType: 'CURRENT_VERSION',
        }),
      );
      const deploymentId = resumed.serviceInstance!.lastAttemptedDeploymentId!;
      const holder = await eventually(async () => {
        const [row] = await controlPlane<{ claimed_by: string | null }>(
          'SELECT claimed_by FROM deployments WHERE id = $1',
          [deploymentId],
        );
        return row?.claimed_by ?? undefined;
      }, 'a process claiming the deployment');
      const pid = Number(holder.split(':')[1]);
      const running = [a, b].find(backend => backend.child.pid === pid)!;
      expect(running).toBeDefined();
      const survivor = running === a ? b : a;
      // started its steps, then killed
      await eventually(
        async () =>
          fs.existsSync(path.join(scratch, `attempts-${deploymentId}`))
            ? true
            : undefined,
        'the deployment starting its steps',
      );
      await running.stop('SIGKILL');
      const recovered = await settled(clientOf(survivor));
      expect(recovered.deploymentStatus).toBe('SUCCEEDED');
      expect(recovered.lastSucceededDeploymentId).toBe(deploymentId);
      expect(
        fs
          .readFileSync(path.join(scratch, `attempts-${deploymentId}`), 'utf8')
          .trim()
          .split('\n'),
      ).toEqual(['1', '2']);
      expect(
        await controlPlane(
          "SELECT id FROM deployments WHERE deployment_status IN ('IN_PROGRESS', 'CANCELLING', 'DELETE_IN_PROGRESS')",
        ),
      ).toEqual([]);

      // 4. A restart: templates registered before it deploy on the restarted process and on the other.
      fs.writeFileSync(path.join(scratch, 'sleep'), '0');
      const restarted = await start();
      await waitForReadiness(restarted);
      [clientA, clientB] = [clientOf(restarted), clientOf(survivor)];
      a = restarted;
      b = survivor;
      await clientA.send(
        new CreateServiceInstanceCommand({
          serviceName: 'api',
          name: 'second',
          spec: `${SPEC}  - name: second\n    environment: dev\n    spec:\n      port: 9090\n`,
        }),
      );
      expect((await settled(clientA, 'second')).deploymentStatus).toBe(
        'SUCCEEDED',
      );
      await clientB.send(
        new UpdateServiceInstanceCommand({
          serviceName: 'api',
          name: 'second',
          deploymentType: 'CURRENT_VERSION',
        }),
      );
      expect((await settled(clientB, 'second')).deploymentStatus).toBe(
        'SUCCEEDED',
      );

      // 5. A registration interrupted by kill -9 ends DRAFT or REGISTRATION_FAILED, never stuck.
      const files: Record<string, string> = {
        'schema/schema.yaml': SCHEMA('service'),
        'instance_infrastructure/manifest.yaml': manifest(['true']),
      };
      for (let i = 0; i < 400; i++) {
        files[`instance_infrastructure/data/${i}.txt`] =
          randomBytes(15_000).toString('base64');
      }
      const source = await writeTemplateBundle(
        bundles,
        { bucket: 'templates', key: 'web-1.1.tar.gz' },
        { files },
      );
      await clientA.send(
        new CreateServiceTemplateVersionCommand({
          templateName: 'web',
          majorVersion: '1',
          source: { s3: source },
          compatibleEnvironmentTemplates: [
            { templateName: 'vpc', majorVersion: '1' },
          ],
        }),
      );
      await a.stop('SIGKILL');
      const [left] = await controlPlane<{ status: string }>(
        "SELECT status FROM template_versions WHERE template_name = 'web' AND minor = 1",
      );
      const again = await start();
      await waitForReadiness(again);
      const ended = await eventually(
        async () => {
          const { serviceTemplateVersion } = await clientOf(again).send(
            new GetServiceTemplateVersionCommand({
              templateName: 'web',
              majorVersion: '1',
              minorVersion: '1',
            }),
          );
          return serviceTemplateVersion?.status === 'REGISTRATION_IN_PROGRESS'
            ? undefined
            : serviceTemplateVersion;
        },
        'the interrupted registration ending',
        60_000,
      );
      expect(['DRAFT', 'REGISTRATION_FAILED']).toContain(ended.status);
      // What the kill left, for the record (almost always REGISTRATION_IN_PROGRESS)
      expect(['REGISTRATION_IN_PROGRESS', 'DRAFT']).toContain(left.status);
    }, 900_000);
  },
);
