import {
  CreateServiceCommand,
  GetServiceCommand,
  GetServiceInstanceCommand,
  GetServiceTemplateVersionCommand,
  ListServiceInstanceOutputsCommand,
  ListServiceInstancesCommand,
  ListServiceTemplateVersionsCommand,
  ProtonClient,
  ProtonServiceException,
} from '@aws-sdk/client-proton';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { mockClient } from 'aws-sdk-client-mock';
import { fargateServiceSchema } from '../__testUtils__/templateBundles';
import { createAwsProtonServiceAction } from './createService';

const ARN = 'arn:aws:proton:us-east-1:000000000000:service/hello-nginx';
const SPEC = `proton: ServiceSpec
instances:
  - name: dev
    environment: dev
    spec:
      path: /hello
`;

function awsError(name: string, message: string, status: number) {
  return new ProtonServiceException({
    name,
    message,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

describe('aws:proton:create-service (mocked Proton API)', () => {
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
      awsProton: {
        regions: ['us-east-1'],
        accountIds: ['000000000000'],
        maxAttempts: 1,
      },
    }),
  );
  const allow = { authorize: jest.fn(async () => [{ result: 'ALLOW' }]) };
  const events = { publish: jest.fn(async () => {}), subscribe: jest.fn() };
  const action = createAwsProtonServiceAction({
    clients,
    permissions: allow as any,
    events,
    pollIntervals: { initialMs: 5, maxMs: 20 },
  });
  const base = {
    serviceName: 'hello-nginx',
    templateName: 'fargate-service',
    templateMajorVersion: '1',
    serviceSpecPath: 'spec.yaml',
  };
  const context = (input: Record<string, unknown>): any =>
    createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
    });

  beforeEach(() => {
    proton.reset();
    allow.authorize.mockClear();
    events.publish.mockClear();
    workspace.setContent({ 'spec.yaml': SPEC });
    proton.on(ListServiceTemplateVersionsCommand).resolves({
      templateVersions: [{ recommendedMinorVersion: '1' } as any],
    });
    proton.on(GetServiceTemplateVersionCommand).resolves({
      serviceTemplateVersion: {
        templateName: 'fargate-service',
        majorVersion: '1',
        minorVersion: '1',
        status: 'PUBLISHED',
        schema: fargateServiceSchema(1),
      } as any,
    });
    proton
      .on(GetServiceCommand)
      .rejects(awsError('ResourceNotFoundException', 'no service', 404));
    proton.on(CreateServiceCommand).resolves({ service: { arn: ARN } as any });
    proton.on(ListServiceInstanceOutputsCommand).resolves({ outputs: [] });
  });

  it('says which IAM action was denied in which account', async () => {
    proton
      .on(CreateServiceCommand)
      .rejects(
        awsError('AccessDeniedException', 'User is not authorized', 403),
      );
    await expect(action.handler(context(base))).rejects.toThrow(
      'AWS denied proton:CreateService on service "hello-nginx" in account 000000000000, region us-east-1',
    );
  });

  it('passes on the fields of a ValidationException and the reason of a ConflictException', async () => {
    proton
      .on(CreateServiceCommand)
      .rejectsOnce(
        awsError(
          'ValidationException',
          "1 validation error detected: Value 'x' at 'repositoryId' failed to satisfy constraint",
          400,
        ),
      )
      .rejectsOnce(
        awsError(
          'ConflictException',
          'A service named hello-nginx is being deleted',
          409,
        ),
      );
    await expect(action.handler(context(base))).rejects.toThrow(
      "AWS Proton refused CreateService on service \"hello-nginx\": 1 validation error detected: Value 'x' at 'repositoryId'",
    );
    await expect(action.handler(context(base))).rejects.toThrow(
      'because of a conflict: A service named hello-nginx is being deleted',
    );
  });

  it('names the template version that does not exist', async () => {
    proton
      .on(GetServiceTemplateVersionCommand)
      .rejects(awsError('ResourceNotFoundException', 'not found', 404));
    await expect(
      action.handler(context({ ...base, templateMinorVersion: '7' })),
    ).rejects.toThrow(
      'AWS Proton has no service template "fargate-service" version 1.7 in account 000000000000, region us-east-1',
    );
    expect(proton.commandCalls(CreateServiceCommand)).toHaveLength(0);
  });

  it('refuses a template version that is not published, before any change', async () => {
    proton.on(GetServiceTemplateVersionCommand).resolves({
      serviceTemplateVersion: {
        status: 'DRAFT',
        schema: fargateServiceSchema(1),
      } as any,
    });
    await expect(action.handler(context(base))).rejects.toThrow(
      'The AWS Proton service template "fargate-service" version 1.1 is DRAFT; only a PUBLISHED version can be used',
    );
    expect(proton.commandCalls(CreateServiceCommand)).toHaveLength(0);
  });

  it('denies an initiator the permission policy refuses, before calling AWS', async () => {
    const denied = createAwsProtonServiceAction({
      clients,
      permissions: { authorize: async () => [{ result: 'DENY' }] } as any,
    });
    await expect(denied.handler(context(base))).rejects.toThrow(
      'user:default/mock may not create AWS Proton services: the permission policy denies aws-proton.service.create',
    );
    expect(proton.calls()).toHaveLength(0);
  });

  it('refuses a spec path outside the workspace, a missing spec, or an account not configured', async () => {
    await expect(
      action.handler(context({ ...base, serviceSpecPath: '../../etc/passwd' })),
    ).rejects.toThrow(/outside/);
    await expect(
      action.handler(context({ ...base, serviceSpecPath: 'nothing.yaml' })),
    ).rejects.toThrow('serviceSpecPath: no file nothing.yaml in the workspace');
    await expect(
      action.handler(context({ ...base, accountId: '999999999999' })),
    ).rejects.toThrow(/999999999999 is not one of the accounts/);
    expect(proton.calls()).toHaveLength(0);
  });

  it('refuses a service of the same name with another template', async () => {
    proton.on(GetServiceCommand).resolves({
      service: { arn: ARN, templateName: 'lambda-service', spec: SPEC } as any,
    });
    await expect(action.handler(context(base))).rejects.toThrow(
      'An AWS Proton service named hello-nginx already exists in account 000000000000, region us-east-1 with the template lambda-service, not fargate-service',
    );
    expect(proton.commandCalls(CreateServiceCommand)).toHaveLength(0);
  });

  it('polls with one ListServiceInstances call per round for all instances', async () => {
    const instance = (name: string, status: string) => ({
      name,
      environmentName: name,
      arn: `${ARN}/${name}`,
      deploymentStatus: status,
    });
    proton
      .on(ListServiceInstancesCommand)
      .resolvesOnce({
        serviceInstances: ['a', 'b', 'c'].map(n =>
          instance(n, 'IN_PROGRESS'),
        ) as any,
      })
      .resolvesOnce({
        serviceInstances: [
          instance('a', 'SUCCEEDED'),
          instance('b', 'IN_PROGRESS'),
          instance('c', 'IN_PROGRESS'),
        ] as any,
      })
      .resolves({
        serviceInstances: ['a', 'b', 'c'].map(n =>
          instance(n, 'SUCCEEDED'),
        ) as any,
      });
    const ctx = context({
      ...base,
      serviceSpecPath: undefined,
      instances: ['a', 'b', 'c'].map(name => ({
        name,
        environment: name,
        inputs: { path: `/${name}` },
      })),
    });
    await action.handler(ctx);
    expect(proton.commandCalls(ListServiceInstancesCommand)).toHaveLength(3);
    expect(proton.commandCalls(GetServiceInstanceCommand)).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith(
      'instances',
      ['a', 'b', 'c'].map(name => ({
        name,
        environment: name,
        arn: `${ARN}/${name}`,
        deploymentStatus: 'SUCCEEDED',
        outputs: {},
      })),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/hello-nginx',
    );
    expect(events.publish).toHaveBeenCalledWith({
      topic: 'aws-proton',
      eventPayload: { action: 'created', arn: ARN },
    });
  });
});
