import { parse } from 'yaml';
import {
  expectError,
  expectOk,
  protonClientKinds,
} from '../__testUtils__/protonClients';
import { useConformanceServer } from '../__testUtils__/conformanceServer';
import { codebuildManifest } from '../__testUtils__/shellBundles';
import { publishEnvironmentVersion } from '../__testUtils__/templateFixtures';
import { writeBundle } from '../__testUtils__/templateBundles';

/**
 * Service pipelines (AWS Proton API reference: CreateService, GetService, UpdateServicePipeline,
 * CancelServicePipelineDeployment, ListServicePipelineOutputs), through the three clients.
 */

const MARKER = '${Proton::CURRENT_VAL}';

function schema(pipelineExtra = ''): string {
  return `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "ServiceInput"
  pipeline_input_type: "PipelineInput"
  types:
    ServiceInput:
      type: object
      properties:
        port:
          type: number
          default: 80
    PipelineInput:
      type: object
      required:
        - unit_test_command
      properties:
        dockerfile:
          type: string
          default: "Dockerfile"
        unit_test_command:
          type: string
          minLength: 1
${pipelineExtra}`;
}

const MANIFEST = codebuildManifest(['echo provision'], ['echo deprovision']);

function bundle(schemaYaml: string): Record<string, string> {
  return {
    'schema/schema.yaml': schemaYaml,
    'instance_infrastructure/manifest.yaml': MANIFEST,
    'pipeline_infrastructure/manifest.yaml': MANIFEST,
  };
}

function spec(pipeline: Record<string, string> | undefined): string {
  return `proton: ServiceSpec
${
  pipeline
    ? `pipeline:\n${Object.entries(pipeline)
        .map(([key, value]) => `  ${key}: "${value}"\n`)
        .join('')}`
    : ''
}instances:
  - name: "dev"
    environment: "dev"
    spec: {}
`;
}

const REPOSITORY = {
  repositoryConnectionArn:
    'arn:aws:codestar-connections:us-east-1:000000000000:connection/a1b2c3d4-5678-90ab-cdef-000000000001',
  repositoryId: 'acme/orders',
  branchName: 'main',
};

jest.setTimeout(60_000);

const { kinds } = protonClientKinds();

describe.each(kinds.map(kind => [kind.name, kind] as const))(
  'service pipelines with %s',
  (_name, kind) => {
    const harness = useConformanceServer(kind);
    const { call } = harness;

    async function pipelineOutputs() {
      const { outputs } = expectOk(
        await call('ListServicePipelineOutputs', { serviceName: 'orders' }),
      );
      return Object.fromEntries(
        (outputs as Array<{ key: string; valueString: string }>).map(o => [
          o.key,
          o.valueString,
        ]),
      );
    }

    async function pipeline() {
      return expectOk(await call('GetService', { name: 'orders' })).service
        .pipeline;
    }

    async function publishServiceVersion(
      key: string,
      files: Record<string, string>,
      majorVersion?: string,
    ) {
      const source = await writeBundle(
        harness.test.bundlesDirectory,
        'templates',
        key,
        files,
      );
      const { serviceTemplateVersion } = expectOk(
        await call('CreateServiceTemplateVersion', {
          templateName: 'piped',
          majorVersion,
          source: { s3: source },
          compatibleEnvironmentTemplates: [
            { templateName: 'vpc', majorVersion: '1' },
          ],
        }),
      );
      expectOk(
        await call('UpdateServiceTemplateVersion', {
          templateName: 'piped',
          majorVersion: serviceTemplateVersion.majorVersion,
          minorVersion: serviceTemplateVersion.minorVersion,
          status: 'PUBLISHED',
        }),
      );
    }

    beforeAll(async () => {
      expectOk(await call('CreateEnvironmentTemplate', { name: 'vpc' }));
      await publishEnvironmentVersion(harness.test);
      expectOk(
        await call('CreateEnvironment', {
          name: 'dev',
          templateName: 'vpc',
          templateMajorVersion: '1',
          spec: 'proton: EnvironmentSpec\nspec: {}\n',
        }),
      );
      // no pipelineProvisioning: Proton provisions the template's pipeline
      expectOk(await call('CreateServiceTemplate', { name: 'piped' }));
      await publishServiceVersion('piped-1.0.tar.gz', bundle(schema()));
      await publishServiceVersion(
        'piped-1.1.tar.gz',
        bundle(
          schema(
            '        cache:\n          type: string\n          default: "on"\n',
          ),
        ),
        '1',
      );
    });

    it('needs the repository the pipeline builds from, and valid pipeline inputs', async () => {
      const missing = expectError(
        await call('CreateService', {
          name: 'orders',
          templateName: 'piped',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: spec({ unit_test_command: 'npm test' }),
        }),
        'ValidationException',
      );
      expect(missing).toContain(
        'repositoryConnectionArn, repositoryId, branchName are required',
      );
      const invalid = expectError(
        await call('CreateService', {
          name: 'orders',
          templateName: 'piped',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: spec(undefined),
          ...REPOSITORY,
        }),
        'ValidationException',
      );
      expect(invalid).toContain('pipeline.unit_test_command');
      expectError(
        await call('GetService', { name: 'orders' }),
        'ResourceNotFoundException',
      );
    });

    it('provisions the pipeline with its inputs and the service instances, and reports it in GetService', async () => {
      expectOk(
        await call('CreateService', {
          name: 'orders',
          templateName: 'piped',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: spec({ unit_test_command: 'npm test' }),
          ...REPOSITORY,
        }),
      );
      const { service } = expectOk(
        await call('GetService', { name: 'orders' }),
      );
      expect(service.status).toBe('ACTIVE');
      expect(service.pipeline).toMatchObject({
        deploymentStatus: 'SUCCEEDED',
        templateName: 'piped',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
      });
      expect(service.pipeline.arn).toMatch(
        /^arn:aws:proton:us-east-1:000000000000:service\/orders\/pipeline\/[0-9a-f-]{36}$/,
      );
      expect(await pipelineOutputs()).toEqual({
        dockerfile: 'Dockerfile',
        unit_test_command: 'npm test',
        serviceInstances: 'dev',
      });
      const { deployments } = expectOk(
        await call('ListDeployments', { serviceName: 'orders' }),
      );
      expect(
        deployments.map((d: any) => [d.targetResourceType, d.deploymentStatus]),
      ).toEqual(
        expect.arrayContaining([
          ['SERVICE_PIPELINE', 'SUCCEEDED'],
          ['SERVICE_INSTANCE', 'SUCCEEDED'],
        ]),
      );
      const job = harness.runner.jobs.find(
        j => j.targetResourceType === 'SERVICE_PIPELINE',
      )!;
      expect(job.infrastructureFolder).toBe('pipeline_infrastructure');
      expect(job.protonInputs.service).toEqual({
        name: 'orders',
        branch_name: 'main',
        repository_connection_arn: REPOSITORY.repositoryConnectionArn,
        repository_id: 'acme/orders',
      });
    });

    it('updates the pipeline, keeping a current value, and upgrades it to a new minor version', async () => {
      expectOk(
        await call('UpdateServicePipeline', {
          serviceName: 'orders',
          deploymentType: 'CURRENT_VERSION',
          spec: spec({
            unit_test_command: MARKER,
            dockerfile: 'Dockerfile.ci',
          }),
        }),
      );
      expect(await pipelineOutputs()).toMatchObject({
        dockerfile: 'Dockerfile.ci',
        unit_test_command: 'npm test',
      });
      const current = await pipeline();
      expect(current.spec).not.toContain('CURRENT_VAL');
      expect(parse(current.spec).pipeline.unit_test_command).toBe('npm test');

      const upgraded = expectOk(
        await call('UpdateServicePipeline', {
          serviceName: 'orders',
          deploymentType: 'MINOR_VERSION',
          templateMajorVersion: '1',
          templateMinorVersion: '1',
          spec: current.spec,
        }),
      ).pipeline;
      expect(upgraded.deploymentStatus).toBe('IN_PROGRESS');
      expect(await pipeline()).toMatchObject({
        deploymentStatus: 'SUCCEEDED',
        templateMinorVersion: '1',
      });
      expect(await pipelineOutputs()).toMatchObject({ cache: 'on' });
    });

    it('keeps the pipeline’s current values in a service update’s spec too', async () => {
      expectOk(
        await call('UpdateService', {
          name: 'orders',
          spec: spec({ unit_test_command: MARKER, dockerfile: MARKER }),
        }),
      );
      const { service } = expectOk(
        await call('GetService', { name: 'orders' }),
      );
      expect(service.spec).not.toContain('CURRENT_VAL');
      expect(parse(service.spec).pipeline).toMatchObject({
        unit_test_command: 'npm test',
        dockerfile: 'Dockerfile.ci',
      });
    });

    it('keeps a new spec without deploying for NONE, and refuses what cannot be done', async () => {
      const before = (
        expectOk(await call('ListDeployments', { serviceName: 'orders' }))
          .deployments as unknown[]
      ).length;
      expectOk(
        await call('UpdateServicePipeline', {
          serviceName: 'orders',
          deploymentType: 'NONE',
          spec: spec({ unit_test_command: 'make test' }),
        }),
      );
      expect(parse((await pipeline()).spec).pipeline.unit_test_command).toBe(
        'make test',
      );
      expect(
        expectOk(await call('ListDeployments', { serviceName: 'orders' }))
          .deployments,
      ).toHaveLength(before);

      expect(
        expectError(
          await call('CancelServicePipelineDeployment', {
            serviceName: 'orders',
          }),
          'ConflictException',
        ),
      ).toContain('has no deployment in progress');
      expect(
        expectError(
          await call('UpdateServicePipeline', {
            serviceName: 'orders',
            deploymentType: 'CURRENT_VERSION',
            spec: spec({ unit_test_command: '' }),
          }),
          'ValidationException',
        ),
      ).toContain('pipeline.unit_test_command');
    });

    it('deprovisions the pipeline with the service', async () => {
      expectOk(await call('DeleteService', { name: 'orders' }));
      expectError(
        await call('GetService', { name: 'orders' }),
        'ResourceNotFoundException',
      );
      const last = harness.runner.jobs[harness.runner.jobs.length - 1];
      expect(
        harness.runner.jobs
          .filter(j => j.action === 'deprovision')
          .map(j => j.targetResourceType)
          .sort(),
      ).toEqual(['SERVICE_INSTANCE', 'SERVICE_PIPELINE']);
      expect(last.action).toBe('deprovision');
    });
  },
);
