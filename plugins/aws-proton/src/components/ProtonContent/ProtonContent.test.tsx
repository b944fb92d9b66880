import { Entity } from '@backstage/catalog-model';
import { mockApis, TestApiProvider } from '@backstage/frontend-test-utils';
import { catalogApiRef, EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { ServiceOverview } from '@proton-platform/plugin-aws-proton-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AwsProtonApi, awsProtonApiRef } from '../../api/AwsProtonApi';
import { renderSettled } from '../../__testUtils__/renderSettled';
import { ProtonContent } from './ProtonContent';

const ARN = 'arn:aws:proton:us-east-1:000000000000:service/orders';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    namespace: 'default',
    annotations: { 'aws.amazon.com/aws-proton-service': ARN },
  },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
};

const standing = (version: string) => ({
  version,
  recommendedVersion: '1.1',
  recommendedMinorVersion: version === '1.1' ? undefined : '1.1',
  minorUpgradeAvailable: version !== '1.1',
  majorUpgradeAvailable: false,
});

const overview: ServiceOverview = {
  arn: ARN,
  name: 'orders',
  status: 'ACTIVE',
  templateName: 'fargate-service-pipeline',
  recommendedVersion: '1.1',
  inProgress: false,
  pipeline: {
    deploymentStatus: 'SUCCEEDED',
    templateVersion: '1.0',
    template: standing('1.0'),
    outputs: [
      {
        key: 'imageRepositoryUri',
        value: '000000000000.dkr.ecr.us-east-1.amazonaws.com/orders',
      },
    ],
  },
  instances: [
    {
      name: 'dev',
      arn: `${ARN}/service-instance/dev`,
      environmentName: 'dev',
      deploymentStatus: 'SUCCEEDED',
      template: standing('1.1'),
      outputs: [{ key: 'serviceUrl', value: 'http://dev.example/orders' }],
      components: [
        {
          name: 'orders-cache',
          deploymentStatus: 'FAILED',
          deploymentStatusMessage: 'step 1 failed: exit status 2',
          outputs: [{ key: 'cacheEndpoint', value: 'cache.dev.example:6379' }],
        },
      ],
    },
  ],
};

describe('ProtonContent', () => {
  it('shows the pipeline with its version standing, outputs and history, and each instance’s components', async () => {
    const listServicePipelineDeployments = jest.fn(async () => [
      {
        id: 'pipeline-2',
        targetArn: `${ARN}/pipeline/p1`,
        status: 'SUCCEEDED',
        createdAt: '2026-12-01T01:00:00.000Z',
        completedAt: '2026-12-01T01:03:05.000Z',
        templateVersion: '1.1',
        change: 'MINOR_VERSION' as const,
        trigger: {
          kind: 'campaign' as const,
          name: 'upgrade of orders-pipeline to 1.1',
        },
      },
      {
        id: 'pipeline-1',
        targetArn: `${ARN}/pipeline/p1`,
        status: 'SUCCEEDED',
        createdAt: '2026-12-01T00:00:00.000Z',
        completedAt: '2026-12-01T00:00:42.000Z',
        templateVersion: '1.0',
        change: 'CREATE' as const,
        trigger: { kind: 'user' as const, name: 'user:default/jane' },
      },
    ]);
    const api: Partial<AwsProtonApi> = {
      getServiceOverview: async () => overview,
      listServiceInstanceDeployments: async () => [],
      listServicePipelineDeployments,
    };
    await renderSettled(
      <TestApiProvider
        apis={[
          [awsProtonApiRef, api],
          // no entities: environments are named without links
          [catalogApiRef, catalogApiMock()],
          [
            permissionApiRef,
            mockApis.permission({ authorize: AuthorizeResult.DENY }),
          ],
        ]}
      >
        <EntityProvider entity={entity}>
          <ProtonContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByRole('heading', { name: 'Pipeline' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('000000000000.dkr.ecr.us-east-1.amazonaws.com/orders'),
    ).toBeInTheDocument();
    expect(screen.getByText('upgrade available: 1.1')).toBeInTheDocument();

    const component = screen.getByRole('group', {
      name: 'Component orders-cache',
    });
    expect(within(component).getByText('Failed')).toBeInTheDocument();
    expect(
      within(component).getByText('step 1 failed: exit status 2'),
    ).toBeInTheDocument();
    expect(
      within(component).getByText('cache.dev.example:6379'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /Instance/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Pipeline' }),
    );
    const history = await screen.findByRole('grid', {
      name: 'Deployments of the pipeline',
    });
    // what each deployment did, to which version, who started it and how long it took
    const [, upgrade, creation] = within(history).getAllByRole('row');
    expect(upgrade).toHaveTextContent(
      /Minor upgrade.*pipeline-2.*1\.1.*Succeeded.*Campaign.*upgrade of orders-pipeline to 1\.1.*3 min 5 s/,
    );
    expect(creation).toHaveTextContent(
      /Create.*pipeline-1.*1\.0.*Succeeded.*jane.*42 s/,
    );
    expect(listServicePipelineDeployments).toHaveBeenCalled();
  });
});
