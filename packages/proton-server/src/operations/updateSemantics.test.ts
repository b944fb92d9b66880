import { parse } from 'yaml';
import {
  expectError,
  expectOk,
  protonClientKinds,
} from '../__testUtils__/protonClients';
import { useConformanceServer } from '../__testUtils__/conformanceServer';
import { codebuildManifest } from '../__testUtils__/shellBundles';
import {
  publishEnvironmentVersion,
  publishServiceVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';

/**
 * Proton's update and create rules, through the three clients users have: `${Proton::CURRENT_VAL}`,
 * upgrades checked against the target version's schema, idempotent creates, and readable errors.
 */

const MARKER = '${Proton::CURRENT_VAL}';

/** Version 1.x of `web`: a required input, one with a default, one with neither. */
function keepValueSchema(extra = '', required: string[] = []): string {
  return `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "KeepValueInput"
  types:
    KeepValueInput:
      type: object
      required:
        - replica_label
${required.map(name => `        - ${name}\n`).join('')}      properties:
        log_level:
          type: string
          default: "def"
        replica_label:
          type: string
          minLength: 1
        note:
          type: string
${extra}`;
}

const MANIFEST = codebuildManifest(['echo provision'], ['echo deprovision']);

function bundle(schema: string): Record<string, string> {
  return {
    'schema/schema.yaml': schema,
    'instance_infrastructure/manifest.yaml': MANIFEST,
  };
}

function serviceSpec(
  instances: Array<[string, Record<string, string>]>,
): string {
  return `proton: ServiceSpec
instances:
${instances
  .map(
    ([name, inputs]) =>
      `  - name: "${name}"\n    environment: "dev"\n    spec:\n${Object.entries(
        inputs,
      )
        .map(([key, value]) => `      ${key}: "${value}"\n`)
        .join('')}`,
  )
  .join('')}`;
}

const CREATE_SPEC = serviceSpec([
  ['alpha', { log_level: 'abc', replica_label: '456' }],
  ['beta', { replica_label: '789' }],
]);

// Each client runs a process a call (boto3, the AWS CLI): calls take up to a second.
jest.setTimeout(60_000);

const { kinds, missing } = protonClientKinds();
if (missing.length > 0) {
  // eslint-disable-next-line no-console
  console.warn(
    `Proton conformance tests skip ${missing.join(
      ' and ',
    )}: not installed on this machine`,
  );
}

describe.each(kinds.map(kind => [kind.name, kind] as const))(
  'Proton update and create semantics with %s',
  (_name, kind) => {
    const harness = useConformanceServer(kind, startTemplateTestServer);
    const { call } = harness;

    async function outputsOf(serviceName: string, instanceName: string) {
      const { outputs } = expectOk(
        await call('ListServiceInstanceOutputs', {
          serviceName,
          serviceInstanceName: instanceName,
        }),
      );
      return Object.fromEntries(
        (outputs as Array<{ key: string; valueString: string }>).map(o => [
          o.key,
          o.valueString,
        ]),
      );
    }

    async function instance(serviceName: string, name: string) {
      return expectOk(await call('GetServiceInstance', { serviceName, name }))
        .serviceInstance;
    }

    async function deploymentCount() {
      return expectOk(await call('ListDeployments', {})).deployments.length;
    }

    beforeAll(async () => {
      await publishEnvironmentVersion(harness.test);
      // 1.0; 1.1 adds an input with a default; 2.0 adds two required inputs without one.
      await publishServiceVersion(harness.test, bundle(keepValueSchema()));
      await publishServiceVersion(
        harness.test,
        bundle(
          keepValueSchema(
            '        tier:\n          type: string\n          default: "standard"\n',
          ),
        ),
        '1',
      );
      await publishServiceVersion(
        harness.test,
        bundle(
          keepValueSchema(
            '        owner_team:\n          type: string\n        cost_center:\n          type: string\n',
            ['owner_team', 'cost_center'],
          ),
        ),
      );
      expectOk(
        await call('CreateEnvironment', {
          name: 'dev',
          templateName: 'vpc',
          templateMajorVersion: '1',
          spec: 'proton: EnvironmentSpec\nspec: {}\n',
        }),
      );
      expectOk(
        await call('CreateService', {
          name: 'keep',
          templateName: 'web',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: CREATE_SPEC,
        }),
      );
    }, 120_000);

    it('keeps every current value of an instance on a minor upgrade, and adds the new version’s defaults', async () => {
      expectOk(
        await call('UpdateServiceInstance', {
          serviceName: 'keep',
          name: 'alpha',
          deploymentType: 'MINOR_VERSION',
          templateMajorVersion: '1',
          templateMinorVersion: '1',
          spec: serviceSpec([
            ['alpha', { log_level: MARKER, replica_label: MARKER }],
            ['beta', { replica_label: '789' }],
          ]),
        }),
      );
      const alpha = await instance('keep', 'alpha');
      expect(alpha).toMatchObject({
        deploymentStatus: 'SUCCEEDED',
        templateMajorVersion: '1',
        templateMinorVersion: '1',
      });
      expect(alpha.spec).not.toContain('CURRENT_VAL');
      expect(parse(alpha.spec).instances[0].spec).toEqual({
        log_level: 'abc',
        replica_label: '456',
      });
      expect(await outputsOf('keep', 'alpha')).toEqual({
        log_level: 'abc',
        replica_label: '456',
        tier: 'standard',
      });
    });

    it('keeps one current value and changes another', async () => {
      expectOk(
        await call('UpdateServiceInstance', {
          serviceName: 'keep',
          name: 'alpha',
          deploymentType: 'CURRENT_VERSION',
          spec: serviceSpec([
            ['alpha', { log_level: 'ghi', replica_label: MARKER }],
            ['beta', { replica_label: '789' }],
          ]),
        }),
      );
      expect(await outputsOf('keep', 'alpha')).toMatchObject({
        log_level: 'ghi',
        replica_label: '456',
      });
      expect((await instance('keep', 'alpha')).spec).not.toContain(
        'CURRENT_VAL',
      );
    });

    it('keeps a value the instance has from its version’s default', async () => {
      expectOk(
        await call('UpdateServiceInstance', {
          serviceName: 'keep',
          name: 'beta',
          deploymentType: 'CURRENT_VERSION',
          spec: serviceSpec([
            ['alpha', { log_level: 'ghi', replica_label: '456' }],
            ['beta', { replica_label: MARKER, log_level: MARKER }],
          ]),
        }),
      );
      expect(await outputsOf('keep', 'beta')).toEqual({
        log_level: 'def',
        replica_label: '789',
      });
    });

    it('refuses a marker with no current value, naming the field, and changes nothing', async () => {
      const before = await instance('keep', 'beta');
      const deployments = await deploymentCount();
      const message = expectError(
        await call('UpdateServiceInstance', {
          serviceName: 'keep',
          name: 'beta',
          deploymentType: 'CURRENT_VERSION',
          spec: serviceSpec([
            ['alpha', { replica_label: '456' }],
            ['beta', { replica_label: '789', note: MARKER }],
          ]),
        }),
        'ValidationException',
        400,
      );
      expect(message).toContain('instances[1].spec.note');
      expect(message).toContain('no current value');
      expect(await instance('keep', 'beta')).toEqual(before);
      expect(await deploymentCount()).toBe(deployments);
    });

    it('keeps current values when a service update adds an instance, and refuses a marker for the new one', async () => {
      const refused = expectError(
        await call('UpdateService', {
          name: 'keep',
          spec: serviceSpec([
            ['alpha', { replica_label: MARKER }],
            ['beta', { replica_label: MARKER }],
            ['gamma', { replica_label: MARKER }],
          ]),
        }),
        'ValidationException',
        400,
      );
      expect(refused).toContain('instances[2].spec.replica_label');

      expectOk(
        await call('UpdateService', {
          name: 'keep',
          spec: serviceSpec([
            ['alpha', { log_level: MARKER, replica_label: MARKER }],
            ['beta', { replica_label: MARKER }],
            ['yet-another-instance', { replica_label: '789' }],
          ]),
        }),
      );
      const { service } = expectOk(await call('GetService', { name: 'keep' }));
      expect(service.spec).not.toContain('CURRENT_VAL');
      expect(parse(service.spec).instances[1].spec).toEqual({
        replica_label: '789',
      });
      // New instances get the version the service's instances run (alpha: 1.1).
      expect(await outputsOf('keep', 'yet-another-instance')).toEqual({
        log_level: 'def',
        replica_label: '789',
        tier: 'standard',
      });
    });

    it('checks a major upgrade against the target version, naming every field, before anything changes', async () => {
      const before = await instance('keep', 'beta');
      const deployments = await deploymentCount();
      const message = expectError(
        await call('UpdateServiceInstance', {
          serviceName: 'keep',
          name: 'beta',
          deploymentType: 'MAJOR_VERSION',
          templateMajorVersion: '2',
        }),
        'ValidationException',
        400,
      );
      expect(message).toContain('version 2.0 of web');
      expect(message).toContain('owner_team');
      expect(message).toContain('cost_center');
      expect(await instance('keep', 'beta')).toEqual(before);
      expect(await deploymentCount()).toBe(deployments);

      expectOk(
        await call('UpdateServiceInstance', {
          serviceName: 'keep',
          name: 'beta',
          deploymentType: 'MAJOR_VERSION',
          templateMajorVersion: '2',
          spec: serviceSpec([
            [
              'beta',
              {
                replica_label: MARKER,
                owner_team: 'payments',
                cost_center: 'cc-7',
              },
            ],
          ]),
        }),
      );
      expect(await outputsOf('keep', 'beta')).toEqual({
        log_level: 'def',
        replica_label: '789',
        owner_team: 'payments',
        cost_center: 'cc-7',
      });
    });

    it('keeps current values of instances on different versions in one service update', async () => {
      // alpha runs 1.1, beta 2.0: each entry is kept as it is, none checked against the other's version
      expectOk(
        await call('UpdateService', {
          name: 'keep',
          spec: serviceSpec([
            ['alpha', { log_level: MARKER, replica_label: MARKER }],
            [
              'beta',
              {
                replica_label: MARKER,
                owner_team: MARKER,
                cost_center: MARKER,
              },
            ],
            ['yet-another-instance', { replica_label: MARKER }],
          ]),
        }),
      );
      const { service } = expectOk(await call('GetService', { name: 'keep' }));
      expect(parse(service.spec).instances[1].spec).toEqual({
        replica_label: '789',
        owner_team: 'payments',
        cost_center: 'cc-7',
      });
    });

    it('answers an identical repeat of a create with the existing resource, and refuses a different one', async () => {
      const create = (label: string, spacing = '') => ({
        name: 'idem',
        templateName: 'vpc',
        templateMajorVersion: '1',
        spec: `proton: EnvironmentSpec\nspec:${spacing}\n  vpc_cidr: "${label}"\n`,
      });
      const first = expectOk(
        await call('CreateEnvironment', create('10.1.0.0/16')),
      ).environment;
      const deployments = await deploymentCount();
      const repeat = expectOk(
        await call('CreateEnvironment', create('10.1.0.0/16', '   ')),
      ).environment;
      expect(repeat.arn).toBe(first.arn);
      expect(repeat.createdAt).toBe(first.createdAt);
      const message = expectError(
        await call('CreateEnvironment', create('10.9.0.0/16')),
        'ValidationException',
        400,
      );
      expect(message.toLowerCase()).toContain('idempotent parameter mismatch');
      const { environment } = expectOk(
        await call('GetEnvironment', { name: 'idem' }),
      );
      expect(environment.spec).toContain('10.1.0.0/16');
      expect(await deploymentCount()).toBe(deployments);

      for (const operation of [
        'CreateEnvironmentTemplate',
        'CreateServiceTemplate',
      ]) {
        const template = { name: `idem-${operation}`, displayName: 'Once' };
        const created = expectOk(await call(operation, template));
        expect(expectOk(await call(operation, template))).toEqual(created);
        expectError(
          await call(operation, { ...template, displayName: 'Twice' }),
          'ValidationException',
          400,
        );
      }

      const service = {
        name: 'keep',
        templateName: 'web',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        spec: CREATE_SPEC,
      };
      const serviceDeployments = await deploymentCount();
      expect(
        expectOk(await call('CreateService', service)).service,
      ).toMatchObject({ name: 'keep', templateName: 'web' });
      expect(await deploymentCount()).toBe(serviceDeployments);
      expectError(
        await call('CreateService', { ...service, description: 'another' }),
        'ValidationException',
        400,
      );
    });

    it('names the member path of a malformed filter', async () => {
      const message = expectError(
        await call('ListServiceInstances', {
          filters: [{ value: 'alpha' }],
        }),
        'ValidationException',
        400,
      );
      expect(message).toContain('filters.1.member.key');
    });

    it('says in words why a create cannot keep a current value', async () => {
      const message = expectError(
        await call('CreateService', {
          name: 'marker-on-create',
          templateName: 'web',
          templateMajorVersion: '1',
          spec: serviceSpec([['alpha', { replica_label: MARKER }]]),
        }),
        'ValidationException',
        400,
      );
      expect(message).toContain('instances[0].spec.replica_label');
      expect(message).toContain('only an update');
    });
  },
);
