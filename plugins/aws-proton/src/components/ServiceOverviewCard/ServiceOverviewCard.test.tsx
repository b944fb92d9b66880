import { Entity } from '@backstage/catalog-model';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { AwsProtonApi, awsProtonApiRef, ServiceOverview } from '../../api/AwsProtonApi';
import { ServiceOverviewCard } from './ServiceOverviewCard';

const ARN = 'arn:aws:proton:us-east-1:000000000000:service/hello-nginx';

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'hello-nginx', namespace: 'default', annotations },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
});

const overview: ServiceOverview = {
  arn: ARN,
  name: 'hello-nginx',
  status: 'ACTIVE',
  templateName: 'fargate-service',
  recommendedVersion: '1.1',
  instances: [
    {
      name: 'dev',
      arn: `${ARN}/dev`,
      environmentName: 'dev',
      deploymentStatus: 'IN_PROGRESS',
      templateVersion: '1.0',
      upgradeAvailable: true,
    },
    {
      name: 'prod',
      arn: `${ARN}/prod`,
      environmentName: 'prod',
      deploymentStatus: 'SUCCEEDED',
      templateVersion: '1.1',
      upgradeAvailable: false,
    },
  ],
};

async function render(subject: Entity, api: Partial<AwsProtonApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[awsProtonApiRef, api]]}>
      <EntityProvider entity={subject}>
        <ServiceOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('ServiceOverviewCard', () => {
  it('shows the missing-annotation empty state without calling the backend', async () => {
    const getServiceOverview = jest.fn();
    await render(entity(), { getServiceOverview });
    expect(screen.getByText('Missing Annotation')).toBeInTheDocument();
    expect(
      screen.getAllByText(/aws\.amazon\.com\/aws-proton-service/).length,
    ).toBeGreaterThan(0);
    expect(getServiceOverview).not.toHaveBeenCalled();
  });

  it('says what is wrong with a malformed ARN without calling the backend', async () => {
    const getServiceOverview = jest.fn();
    await render(
      entity({ 'aws.amazon.com/aws-proton-service': 'not-an-arn' }),
      { getServiceOverview },
    );
    expect(
      screen.getByText(
        'The aws.amazon.com/aws-proton-service annotation is not valid',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/"not-an-arn" is not an AWS Proton ARN/)).toBeInTheDocument();
    expect(getServiceOverview).not.toHaveBeenCalled();
  });

  it('shows the backend error inside the card', async () => {
    await render(entity({ 'aws.amazon.com/aws-proton-service': ARN }), {
      getServiceOverview: async () => {
        throw new Error('AWS Proton could not be reached for GetService');
      },
    });
    expect(
      await screen.findByText('Could not load the Proton service'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('AWS Proton could not be reached for GetService'),
    ).toBeInTheDocument();
  });

  it('shows the service status and each instance with its status and version', async () => {
    const getServiceOverview = jest.fn(async () => overview);
    await render(entity({ 'aws.amazon.com/aws-proton-service': ARN }), {
      getServiceOverview,
    });
    expect(await screen.findByText('Active')).toBeInTheDocument();
    expect(screen.getByText('Deploying')).toBeInTheDocument();
    expect(screen.getByText('Succeeded')).toBeInTheDocument();
    expect(screen.getByText('upgrade available: 1.1')).toBeInTheDocument();
    expect(getServiceOverview).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'hello-nginx',
    });
  });
});
