import {
  expectError,
  expectOk,
  protonClientKinds,
} from '../__testUtils__/protonClients';
import { useConformanceServer } from '../__testUtils__/conformanceServer';
import { codebuildManifest } from '../__testUtils__/shellBundles';
import { writeBundle } from '../__testUtils__/templateBundles';

/**
 * Customer managed environments (AWS Proton user guide: "Customer managed environments"): a template
 * registered with `provisioning: CUSTOMER_MANAGED` from a schema-only bundle; its environments run no
 * deployment, succeed, and hand their spec values to service instances as `environment.outputs`.
 */

const IMPORTED_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "ExistingInfrastructure"
  types:
    ExistingInfrastructure:
      type: object
      properties:
        cluster_name:
          type: string
        task_role_arn:
          type: string
        vpc_id:
          type: string
        subnet_count:
          type: number
          default: 3
        note:
          type: string
          default: ""
`;

const SERVICE_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "ServiceInput"
  types:
    ServiceInput:
      type: object
      properties:
        port:
          type: number
          default: 80
`;

const MANIFEST = codebuildManifest(['echo provision'], ['echo deprovision']);

const ENVIRONMENT_SPEC = `proton: EnvironmentSpec
spec:
  cluster_name: "cluster-team-a"
  task_role_arn: "arn:aws:iam::111122223333:role/ecs-task-execution"
  vpc_id: "vpc-0123456789abcdef0"
`;

// Each client runs a process a call (boto3, the AWS CLI): calls take up to a second.
jest.setTimeout(60_000);

const { kinds } = protonClientKinds();

describe.each(kinds.map(kind => [kind.name, kind] as const))(
  'customer managed environments with %s',
  (_name, kind) => {
    const harness = useConformanceServer(kind);
    const { call } = harness;

    async function registerEnvironmentVersion(
      key: string,
      files: Record<string, string>,
    ) {
      const source = await writeBundle(
        harness.test.bundlesDirectory,
        'templates',
        key,
        files,
      );
      const { environmentTemplateVersion } = expectOk(
        await call('CreateEnvironmentTemplateVersion', {
          templateName: 'imported',
          source: { s3: source },
        }),
      );
      return expectOk(
        await call('GetEnvironmentTemplateVersion', {
          templateName: 'imported',
          majorVersion: environmentTemplateVersion.majorVersion,
          minorVersion: environmentTemplateVersion.minorVersion,
        }),
      ).environmentTemplateVersion;
    }

    beforeAll(async () => {
      expectOk(
        await call('CreateEnvironmentTemplate', {
          name: 'imported',
          provisioning: 'CUSTOMER_MANAGED',
        }),
      );
    }, 60_000);

    it('refuses a bundle with infrastructure/, and registers a schema-only one', async () => {
      const refused = await registerEnvironmentVersion('with-infra.tar.gz', {
        'schema/schema.yaml': IMPORTED_SCHEMA,
        'infrastructure/manifest.yaml': MANIFEST,
      });
      expect(refused.status).toBe('REGISTRATION_FAILED');
      expect(refused.statusMessage).toContain('infrastructure/');
      expect(refused.statusMessage).toContain('customer managed');
      expectOk(
        await call('DeleteEnvironmentTemplateVersion', {
          templateName: 'imported',
          majorVersion: refused.majorVersion,
          minorVersion: refused.minorVersion,
        }),
      );

      const version = await registerEnvironmentVersion('schema-only.tar.gz', {
        'schema/schema.yaml': IMPORTED_SCHEMA,
      });
      expect(version.status).toBe('DRAFT');
      expectOk(
        await call('UpdateEnvironmentTemplateVersion', {
          templateName: 'imported',
          majorVersion: version.majorVersion,
          minorVersion: version.minorVersion,
          status: 'PUBLISHED',
        }),
      );
    });

    it('creates an environment that runs no deployment, succeeds, and has its values as outputs', async () => {
      const started = harness.runner.jobs.length;
      expectOk(
        await call('CreateEnvironment', {
          name: 'team-a',
          templateName: 'imported',
          templateMajorVersion: '1',
          spec: ENVIRONMENT_SPEC,
        }),
      );
      const { environment } = expectOk(
        await call('GetEnvironment', { name: 'team-a' }),
      );
      expect(environment.deploymentStatus).toBe('SUCCEEDED');
      expect(harness.runner.jobs.length).toBe(started);
      const { outputs } = expectOk(
        await call('ListEnvironmentOutputs', { environmentName: 'team-a' }),
      );
      expect(
        Object.fromEntries(
          outputs.map((o: { key: string; valueString: string }) => [
            o.key,
            o.valueString,
          ]),
        ),
      ).toEqual({
        cluster_name: 'cluster-team-a',
        task_role_arn: 'arn:aws:iam::111122223333:role/ecs-task-execution',
        vpc_id: 'vpc-0123456789abcdef0',
        subnet_count: '3',
      });
      const { deployments } = expectOk(
        await call('ListDeployments', { environmentName: 'team-a' }),
      );
      expect(deployments).toHaveLength(1);
      expect(deployments[0].deploymentStatus).toBe('SUCCEEDED');
    });

    it('hands its values to the instances deployed into it as environment.outputs', async () => {
      expectOk(
        await call('CreateServiceTemplate', {
          name: 'svc',
          pipelineProvisioning: 'CUSTOMER_MANAGED',
        }),
      );
      const source = await writeBundle(
        harness.test.bundlesDirectory,
        'templates',
        'svc.tar.gz',
        {
          'schema/schema.yaml': SERVICE_SCHEMA,
          'instance_infrastructure/manifest.yaml': MANIFEST,
        },
      );
      expectOk(
        await call('CreateServiceTemplateVersion', {
          templateName: 'svc',
          source: { s3: source },
          compatibleEnvironmentTemplates: [
            { templateName: 'imported', majorVersion: '1' },
          ],
        }),
      );
      expectOk(
        await call('UpdateServiceTemplateVersion', {
          templateName: 'svc',
          majorVersion: '1',
          minorVersion: '0',
          status: 'PUBLISHED',
        }),
      );
      expectOk(
        await call('CreateService', {
          name: 'api',
          templateName: 'svc',
          templateMajorVersion: '1',
          spec: 'proton: ServiceSpec\ninstances:\n  - name: main\n    environment: team-a\n    spec: {}\n',
        }),
      );
      const job = harness.runner.jobs[harness.runner.jobs.length - 1];
      expect(job.resourceArn).toMatch(/:service\/api\/service-instance\/main$/);
      expect(job.protonInputs.environment).toMatchObject({
        name: 'team-a',
        outputs: {
          cluster_name: 'cluster-team-a',
          vpc_id: 'vpc-0123456789abcdef0',
          subnet_count: '3',
        },
      });
      const { serviceInstance } = expectOk(
        await call('GetServiceInstance', { serviceName: 'api', name: 'main' }),
      );
      expect(serviceInstance.deploymentStatus).toBe('SUCCEEDED');
    });

    it('takes new values with an update at once, and is deleted without a deployment', async () => {
      expectOk(
        await call('UpdateEnvironment', {
          name: 'team-a',
          deploymentType: 'CURRENT_VERSION',
          spec: ENVIRONMENT_SPEC.replace('cluster-team-a', 'cluster-team-b'),
        }),
      );
      const { outputs } = expectOk(
        await call('ListEnvironmentOutputs', { environmentName: 'team-a' }),
      );
      expect(outputs).toContainEqual({
        key: 'cluster_name',
        valueString: 'cluster-team-b',
      });
      expect(
        expectOk(await call('GetEnvironment', { name: 'team-a' })).environment
          .deploymentStatus,
      ).toBe('SUCCEEDED');

      expectOk(await call('DeleteService', { name: 'api' }));
      const started = harness.runner.jobs.length;
      expectOk(await call('DeleteEnvironment', { name: 'team-a' }));
      expectError(
        await call('GetEnvironment', { name: 'team-a' }),
        'ResourceNotFoundException',
      );
      expect(harness.runner.jobs.length).toBe(started);
    });
  },
);
