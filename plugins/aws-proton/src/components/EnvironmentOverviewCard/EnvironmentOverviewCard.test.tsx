import { Entity } from '@backstage/catalog-model';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  DeploymentLog,
  EnvironmentOverview,
} from '@proton-platform/plugin-aws-proton-common';
import { AwsProtonApi, awsProtonApiRef } from '../../api/AwsProtonApi';
import { EnvironmentOverviewCard } from './EnvironmentOverviewCard';
import { renderSettled } from '../../__testUtils__/renderSettled';

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'dev', namespace: 'default', annotations },
  spec: { type: 'aws-proton-environment', owner: 'guests' },
});

const overview = (
  changes: Partial<EnvironmentOverview> = {},
): EnvironmentOverview => ({
  arn: 'arn:aws:proton:us-east-1:000000000000:environment/dev',
  name: 'dev',
  deploymentStatus: 'SUCCEEDED',
  templateName: 'fargate-env',
  template: {
    version: '1.0',
    recommendedVersion: '1.0',
    minorUpgradeAvailable: false,
    majorUpgradeAvailable: false,
  },
  customerManaged: false,
  outputs: [{ key: 'vpcId', value: 'vpc-0abc' }],
  serviceInstances: [
    {
      serviceName: 'hello-nginx',
      name: 'dev',
      deploymentStatus: 'FAILED',
      templateName: 'fargate-service',
      templateVersion: '1.0',
    },
  ],
  inProgress: false,
  ...changes,
});

/** The catalog: the service deployed in the environment and the environment's template have entities. */
const catalog = catalogApiMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'hello-nginx',
        namespace: 'default',
        annotations: {
          'aws.amazon.com/aws-proton-service':
            'arn:aws:proton:us-east-1:000000000000:service/hello-nginx',
        },
      },
      spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'environment-template-fargate-env',
        namespace: 'default',
        annotations: {
          'aws.amazon.com/aws-proton-environment-template':
            'arn:aws:proton:us-east-1:000000000000:environment-template/fargate-env',
        },
      },
      spec: { type: 'aws-proton-environment-template', owner: 'platform' },
    },
  ],
});

function renderCard(
  value: EnvironmentOverview,
  api: Partial<AwsProtonApi> = {},
) {
  return renderSettled(
    <TestApiProvider
      apis={[
        [catalogApiRef, catalog],
        [
          awsProtonApiRef,
          {
            getEnvironmentOverview: async () => value,
            listEnvironmentDeployments: async () => [],
            ...api,
          },
        ],
      ]}
    >
      <EntityProvider
        entity={entity({
          'aws.amazon.com/aws-proton-environment':
            'arn:aws:proton:us-east-1:000000000000:environment/dev',
        })}
      >
        <EnvironmentOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EnvironmentOverviewCard', () => {
  it('shows the status, outputs and the service instances deployed into the environment', async () => {
    await renderCard(overview());
    expect(await screen.findByText('Succeeded')).toBeInTheDocument();
    expect(screen.getByText('Outputs')).toBeInTheDocument();
    expect(screen.queryByText('Customer managed')).not.toBeInTheDocument();
    expect(screen.getByText('vpc-0abc')).toBeInTheDocument();
    expect(screen.getByText('Failed')).toBeInTheDocument();
    // the service deployed here and the template link to their entities
    expect(
      await screen.findByRole('link', { name: 'hello-nginx' }),
    ).toHaveAttribute('href', '/catalog/default/component/hello-nginx');
    expect(screen.getByRole('link', { name: 'fargate-env' })).toHaveAttribute(
      'href',
      '/catalog/default/resource/environment-template-fargate-env',
    );
    // the ARN, account and Region are shown, each with a copy button
    expect(
      screen.getByText('arn:aws:proton:us-east-1:000000000000:environment/dev'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Copy the account ID' }),
    ).toBeInTheDocument();
    expect(screen.getByText('us-east-1')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Copy the Region' }),
    ).toBeInTheDocument();
  });

  it('names a service without an entity the user can see, without a link', async () => {
    await renderCard(
      overview({
        serviceInstances: [
          {
            serviceName: 'not-in-the-catalog',
            name: 'dev',
            deploymentStatus: 'SUCCEEDED',
            templateName: 'fargate-service',
            templateVersion: '1.0',
          },
        ],
      }),
    );
    expect(await screen.findByText('not-in-the-catalog')).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'fargate-env' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'not-in-the-catalog' }),
    ).not.toBeInTheDocument();
  });

  it("opens a deployment's log from the history and follows it while the deployment runs", async () => {
    jest.useFakeTimers();
    try {
      const DEPLOYMENT = '5f0c3c8e-1111-4222-8333-444455556666';
      const logs: DeploymentLog[] = [
        {
          deploymentId: DEPLOYMENT,
          status: 'IN_PROGRESS',
          inProgress: true,
          text: '[Container] Running command (step 1/2) pulumi up\n',
          truncated: false,
        },
        {
          deploymentId: DEPLOYMENT,
          status: 'SUCCEEDED',
          inProgress: false,
          text: '[Container] Running command (step 1/2) pulumi up\nResources: 12 created\n',
          truncated: false,
        },
      ];
      const getDeploymentLog = jest.fn(async () => logs.shift()!);
      await renderCard(overview(), {
        listEnvironmentDeployments: async () => [
          {
            id: DEPLOYMENT,
            targetArn: 'arn:aws:proton:us-east-1:000000000000:environment/dev',
            status: 'IN_PROGRESS',
            createdAt: '2026-12-01T10:00:00.000Z',
          },
        ],
        getDeploymentLog,
      });
      const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
      await user.click(
        await screen.findByRole('button', {
          name: `Show the log of deployment ${DEPLOYMENT}`,
        }),
      );
      const panel = await screen.findByRole('region', {
        name: `Log of deployment ${DEPLOYMENT} (the environment)`,
      });
      expect(await within(panel).findByText(/pulumi up/)).toBeInTheDocument();
      expect(
        within(panel).getByText(
          'The deployment is running: the log follows it.',
        ),
      ).toBeInTheDocument();
      expect(getDeploymentLog).toHaveBeenCalledWith(
        { kind: 'Resource', namespace: 'default', name: 'dev' },
        DEPLOYMENT,
      );

      await act(async () => {
        jest.advanceTimersByTime(2_000);
      });
      expect(
        await within(panel).findByText(/Resources: 12 created/),
      ).toBeInTheDocument();
      expect(
        within(panel).queryByText(
          'The deployment is running: the log follows it.',
        ),
      ).not.toBeInTheDocument();
      expect(getDeploymentLog).toHaveBeenCalledTimes(2);

      await user.click(
        within(panel).getByRole('button', { name: 'Close the log' }),
      );
      expect(
        screen.queryByRole('region', { name: /Log of deployment/ }),
      ).not.toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });

  it('says that a customer managed environment stands for existing infrastructure, and shows its values', async () => {
    await renderCard(
      overview({
        customerManaged: true,
        outputs: [{ key: 'vpc_id', value: 'vpc-0123456789abcdef0' }],
        serviceInstances: [],
      }),
    );
    expect(await screen.findByText('Customer managed')).toBeInTheDocument();
    expect(
      screen.getByText('Values of the existing infrastructure'),
    ).toBeInTheDocument();
    expect(screen.getByText('vpc-0123456789abcdef0')).toBeInTheDocument();
    expect(screen.queryByText('Outputs')).not.toBeInTheDocument();
  });

  it('shows the empty state on an entity without the environment annotation', async () => {
    await renderSettled(
      <TestApiProvider apis={[[awsProtonApiRef, {}]]}>
        <EntityProvider entity={entity()}>
          <EnvironmentOverviewCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(screen.getByText('Missing Annotation')).toBeInTheDocument();
  });
});
