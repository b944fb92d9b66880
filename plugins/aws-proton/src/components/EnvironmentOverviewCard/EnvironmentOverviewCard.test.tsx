import { Entity } from '@backstage/catalog-model';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import type { EnvironmentOverview } from '@proton-platform/plugin-aws-proton-common';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
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

function renderCard(value: EnvironmentOverview) {
  return renderSettled(
    <TestApiProvider
      apis={[[awsProtonApiRef, { getEnvironmentOverview: async () => value }]]}
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
  );
}

describe('EnvironmentOverviewCard', () => {
  it('shows the status, outputs and the service instances deployed into the environment', async () => {
    await renderCard(overview());
    expect(await screen.findByText('Succeeded')).toBeInTheDocument();
    expect(screen.getByText('Outputs')).toBeInTheDocument();
    expect(screen.queryByText('Customer managed')).not.toBeInTheDocument();
    expect(screen.getByText('vpc-0abc')).toBeInTheDocument();
    expect(screen.getByText('hello-nginx')).toBeInTheDocument();
    expect(screen.getByText('Failed')).toBeInTheDocument();
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
