import { CreateServiceCommand, ProtonClient } from '@aws-sdk/client-proton';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { mockClient } from 'aws-sdk-client-mock';
import yaml from 'yaml';
import { createAwsProtonServiceAction } from './createService';
import { examples } from './createService.examples';

const ARN = 'arn:aws:proton:us-east-1:000000000000:service/hello-nginx';

describe('aws:proton:create-service', () => {
  const proton = mockClient(ProtonClient);
  const workspace = createMockDirectory();
  const clients = ProtonClientFactory.fromConfig(
    new ConfigReader({
      aws: {
        accounts: [
          {
            accountId: '000000000000',
            accessKeyId: 'AKIDEXAMPLE',
            secretAccessKey: 'secret',
          },
        ],
      },
      awsProton: { regions: ['us-east-1'], accountIds: ['000000000000'] },
    }),
  );
  const action = createAwsProtonServiceAction({ clients });
  const spec = 'proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec: {}\n';

  beforeEach(() => {
    proton.reset();
    workspace.setContent({ 'spec.yaml': spec });
  });

  it('runs its example: creates the service from the spec file', async () => {
    proton.on(CreateServiceCommand).resolves({
      service: { arn: ARN } as any,
    });
    const input = yaml.parse(examples[0].example).steps[0].input;
    const ctx = createMockActionContext({
      input,
      workspacePath: workspace.path,
    });
    await action.handler(ctx);
    const call = proton.commandCalls(CreateServiceCommand)[0].args[0].input;
    expect(call).toMatchObject({
      name: 'hello-nginx',
      templateName: 'fargate-service',
      templateMajorVersion: '1',
      spec,
    });
    expect(ctx.output).toHaveBeenCalledWith('arn', ARN);
  });

  it('creates nothing in a dry run and says what it would create', async () => {
    const ctx = {
      ...createMockActionContext({
        input: {
          serviceName: 'hello-nginx',
          templateName: 'fargate-service',
          templateMajorVersion: '1',
          serviceSpecPath: 'spec.yaml',
        },
        workspacePath: workspace.path,
      }),
      isDryRun: true,
    };
    await action.handler(ctx);
    expect(proton.calls()).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith('arn', ARN);
  });

  it('refuses a spec path outside the workspace or a missing spec', async () => {
    const base = {
      serviceName: 'hello-nginx',
      templateName: 'fargate-service',
      templateMajorVersion: '1',
    };
    await expect(
      action.handler(
        createMockActionContext({
          input: { ...base, serviceSpecPath: '../../etc/passwd' },
          workspacePath: workspace.path,
        }),
      ),
    ).rejects.toThrow(/outside/);
    await expect(
      action.handler(
        createMockActionContext({
          input: { ...base, serviceSpecPath: 'nothing.yaml' },
          workspacePath: workspace.path,
        }),
      ),
    ).rejects.toThrow('serviceSpecPath: no file nothing.yaml in the workspace');
    expect(proton.calls()).toHaveLength(0);
  });

  it('refuses an account that is not configured before calling AWS', async () => {
    await expect(
      action.handler(
        createMockActionContext({
          input: {
            serviceName: 'hello-nginx',
            templateName: 'fargate-service',
            templateMajorVersion: '1',
            serviceSpecPath: 'spec.yaml',
            accountId: '999999999999',
          },
          workspacePath: workspace.path,
        }),
      ),
    ).rejects.toThrow(/999999999999 is not one of the accounts/);
    expect(proton.calls()).toHaveLength(0);
  });
});
