import fs from 'node:fs';
import {
  expectError,
  expectOk,
  protonClientKinds,
} from '../__testUtils__/protonClients';
import { useConformanceServer } from '../__testUtils__/conformanceServer';
import { codebuildManifest } from '../__testUtils__/shellBundles';
import { publishEnvironmentVersion } from '../__testUtils__/templateFixtures';
import { serviceSchema, writeBundle } from '../__testUtils__/templateBundles';

/**
 * Directly defined components (AWS Proton API reference: CreateComponent, UpdateComponent,
 * DeleteComponent, ListComponents, ListComponentOutputs), through the three clients.
 */

const MANIFEST = `infrastructure:
  templates:
    - file: "cache.sh"
      rendering_engine: codebuild
      settings:
        image: aws/codebuild/amazonlinux2-x86_64-standard:5.0
        provision:
          - bash cache.sh up
        deprovision:
          - bash cache.sh down
`;

const INSTANCE_MANIFEST = codebuildManifest(
  ['echo provision'],
  ['echo deprovision'],
);

const ROLE = 'arn:aws:iam::000000000000:role/proton-components';

jest.setTimeout(60_000);

const { kinds } = protonClientKinds();

describe.each(kinds.map(kind => [kind.name, kind] as const))(
  'components with %s',
  (_name, kind) => {
    const harness = useConformanceServer(kind);
    const { call } = harness;

    async function publishServiceTemplate(
      name: string,
      supportedComponentSources?: string[],
    ) {
      expectOk(
        await call('CreateServiceTemplate', {
          name,
          pipelineProvisioning: 'CUSTOMER_MANAGED',
        }),
      );
      const source = await writeBundle(
        harness.test.bundlesDirectory,
        'templates',
        `${name}.tar.gz`,
        {
          'schema/schema.yaml': serviceSchema(),
          'instance_infrastructure/manifest.yaml': INSTANCE_MANIFEST,
        },
      );
      expectOk(
        await call('CreateServiceTemplateVersion', {
          templateName: name,
          source: { s3: source },
          compatibleEnvironmentTemplates: [
            { templateName: 'vpc', majorVersion: '1' },
          ],
          supportedComponentSources,
        }),
      );
      expectOk(
        await call('UpdateServiceTemplateVersion', {
          templateName: name,
          majorVersion: '1',
          minorVersion: '0',
          status: 'PUBLISHED',
        }),
      );
    }

    async function createService(name: string, template: string, env: string) {
      expectOk(
        await call('CreateService', {
          name,
          templateName: template,
          templateMajorVersion: '1',
          spec: `proton: ServiceSpec\ninstances:\n  - name: main\n    environment: ${env}\n    spec:\n      port: 8080\n`,
        }),
      );
    }

    const component = (changes: Record<string, unknown> = {}) => ({
      name: 'cache',
      manifest: MANIFEST,
      templateFile: 'echo "cache $1"\n',
      serviceName: 'api',
      serviceInstanceName: 'main',
      ...changes,
    });

    beforeAll(async () => {
      expectOk(await call('CreateEnvironmentTemplate', { name: 'vpc' }));
      await publishEnvironmentVersion(harness.test);
      for (const [name, componentRoleArn] of [
        ['dev', ROLE],
        ['plain', undefined],
      ]) {
        expectOk(
          await call('CreateEnvironment', {
            name,
            templateName: 'vpc',
            templateMajorVersion: '1',
            spec: 'proton: EnvironmentSpec\nspec: {}\n',
            componentRoleArn,
          }),
        );
      }
      await publishServiceTemplate('web', ['DIRECTLY_DEFINED']);
      await publishServiceTemplate('bare');
      await createService('api', 'web', 'dev');
      await createService('legacy', 'bare', 'dev');
      await createService('elsewhere', 'web', 'plain');
    });

    it('refuses what AWS refuses, naming the member or the rule', async () => {
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [
          { manifest: MANIFEST.replace('codebuild', 'jinja') },
          'ValidationException',
          'rendering_engine codebuild',
        ],
        [
          { serviceInstanceName: undefined },
          'ValidationException',
          'serviceName and serviceInstanceName go together',
        ],
        [
          { serviceName: 'legacy' },
          'ValidationException',
          'supportedComponentSources must include DIRECTLY_DEFINED',
        ],
        [
          { serviceName: 'elsewhere' },
          'ValidationException',
          'The environment plain has no componentRoleArn',
        ],
        [
          { serviceName: undefined, serviceInstanceName: undefined },
          'ValidationException',
          'needs environmentName',
        ],
        [
          { serviceName: 'nope' },
          'ResourceNotFoundException',
          'The service instance main of the service nope',
        ],
      ];
      for (const [changes, code, message] of cases) {
        expect(
          expectError(await call('CreateComponent', component(changes)), code),
        ).toContain(message);
      }
      expect(
        expectOk(await call('ListComponents', {})).components,
      ).toHaveLength(0);
    });

    it('deploys an attached component with its files and its instance’s inputs', async () => {
      expectOk(await call('CreateComponent', component()));
      const { component: created } = expectOk(
        await call('GetComponent', { name: 'cache' }),
      );
      expect(created).toMatchObject({
        name: 'cache',
        arn: 'arn:aws:proton:us-east-1:000000000000:component/cache',
        environmentName: 'dev',
        serviceName: 'api',
        serviceInstanceName: 'main',
        deploymentStatus: 'SUCCEEDED',
      });
      const { outputs } = expectOk(
        await call('ListComponentOutputs', { componentName: 'cache' }),
      );
      expect(outputs).toEqual([
        { key: 'component', valueString: 'cache' },
        { key: 'port', valueString: '8080' },
      ]);
      const job = harness.runner.jobs.find(
        j => j.targetResourceType === 'COMPONENT',
      )!;
      expect(harness.runner.componentFiles.get(job.deploymentId)).toEqual({
        'manifest.yaml': MANIFEST,
        'cache.sh': 'echo "cache $1"\n',
      });
      // written for the run, and removed once it has ended
      expect(fs.existsSync(job.templateDirectory)).toBe(false);
      expect(job.protonInputs.environment).toMatchObject({ name: 'dev' });
      expect(
        expectOk(await call('ListComponents', { serviceName: 'api' }))
          .components,
      ).toEqual([expect.objectContaining({ name: 'cache' })]);
      expect(
        expectError(
          await call('CreateComponent', component({ name: 'second' })),
          'ConflictException',
        ),
      ).toContain('already has the component cache');
    });

    it('hands the component’s outputs to its service instance', async () => {
      expectOk(
        await call('UpdateServiceInstance', {
          serviceName: 'api',
          name: 'main',
          deploymentType: 'CURRENT_VERSION',
        }),
      );
      const job = harness.runner.jobs[harness.runner.jobs.length - 1];
      expect(job.targetResourceType).toBe('SERVICE_INSTANCE');
      expect(job.protonInputs.service_instance).toMatchObject({
        components: {
          default: { outputs: { component: 'cache', port: '8080' } },
        },
      });
    });

    it('redeploys on CURRENT_VERSION, changes only the description on NONE', async () => {
      const count = async () =>
        expectOk(await call('ListDeployments', { componentName: 'cache' }))
          .deployments.length;
      const before = await count();
      expectOk(
        await call('UpdateComponent', {
          name: 'cache',
          deploymentType: 'NONE',
          description: 'the cache',
        }),
      );
      expect(await count()).toBe(before);
      expectOk(
        await call('UpdateComponent', {
          name: 'cache',
          deploymentType: 'CURRENT_VERSION',
          templateFile: 'echo "cache v2 $1"\n',
        }),
      );
      expect(await count()).toBe(before + 1);
      expect(
        expectOk(await call('GetComponent', { name: 'cache' })).component,
      ).toMatchObject({
        description: 'the cache',
        deploymentStatus: 'SUCCEEDED',
      });
    });

    it('keeps its instance until it is deleted, and deploys standing alone in an environment', async () => {
      expect(
        expectError(
          await call('DeleteService', { name: 'api' }),
          'ConflictException',
        ),
      ).toContain('still has the component cache');
      expectOk(await call('DeleteComponent', { name: 'cache' }));
      expectError(
        await call('GetComponent', { name: 'cache' }),
        'ResourceNotFoundException',
      );
      expectOk(await call('DeleteService', { name: 'api' }));

      expectOk(
        await call(
          'CreateComponent',
          component({
            name: 'shared-bucket',
            serviceName: undefined,
            serviceInstanceName: undefined,
            environmentName: 'dev',
          }),
        ),
      );
      expect(
        expectOk(await call('GetComponent', { name: 'shared-bucket' }))
          .component,
      ).toMatchObject({
        environmentName: 'dev',
        deploymentStatus: 'SUCCEEDED',
      });
      expectOk(await call('DeleteService', { name: 'legacy' }));
      expect(
        expectError(
          await call('DeleteEnvironment', { name: 'dev' }),
          'ConflictException',
        ),
      ).toContain('shared-bucket');
    });
  },
);
