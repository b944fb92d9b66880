import { Entity } from '@backstage/catalog-model';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { EnvironmentOverviewCard } from './EnvironmentOverviewCard';
import { renderSettled } from '../../__testUtils__/renderSettled';

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'dev', namespace: 'default', annotations },
  spec: { type: 'aws-proton-environment', owner: 'guests' },
});

describe('EnvironmentOverviewCard', () => {
  it('shows the status, outputs and the service instances deployed into the environment', async () => {
    await renderSettled(
      <TestApiProvider
        apis={[
          [
            awsProtonApiRef,
            {
              getEnvironmentOverview: async () => ({
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
              }),
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
    );
    expect(await screen.findByText('Succeeded')).toBeInTheDocument();
    expect(screen.getByText('vpc-0abc')).toBeInTheDocument();
    expect(screen.getByText('hello-nginx')).toBeInTheDocument();
    expect(screen.getByText('Failed')).toBeInTheDocument();
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
