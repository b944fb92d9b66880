import { Entity } from '@backstage/catalog-model';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  TemplateFleet,
  TemplateOverview,
} from '@proton-platform/plugin-aws-proton-common';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { TemplateOverviewCard } from './TemplateOverviewCard';
import { renderSettled } from '../../__testUtils__/renderSettled';

const SHA = '0123456789abcdef0123456789abcdef01234567';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'fargate-service',
    namespace: 'default',
    annotations: {
      'aws.amazon.com/aws-proton-service-template':
        'arn:aws:proton:us-east-1:000000000000:service-template/fargate-service',
    },
  },
  spec: { type: 'aws-proton-service-template', owner: 'platform' },
};

const overview = (
  changes: Partial<TemplateOverview> = {},
): TemplateOverview => ({
  arn: 'arn:aws:proton:us-east-1:000000000000:service-template/fargate-service',
  name: 'fargate-service',
  kind: 'service',
  recommendedVersion: '1.1',
  versions: [
    {
      version: '1.2',
      status: 'REGISTRATION_FAILED',
      statusMessage:
        'Template bundle registration failed: schema/schema.yaml is not YAML',
      recommended: false,
      description: 'Break the schema',
      source: {
        repository: 'GITHUB:platform/templates',
        branch: 'main',
        commit: SHA,
        directory: 'templates/fargate-service/v1',
        url: `https://github.com/platform/templates/commit/${SHA}`,
      },
    },
    {
      version: '1.1',
      status: 'PUBLISHED',
      recommended: true,
      description: 'Add the grace period',
      source: {
        repository: 'GITHUB_ENTERPRISE:platform/templates',
        branch: 'main',
        commit: SHA,
      },
    },
    { version: '1.0', status: 'PUBLISHED', recommended: false },
  ],
  sync: {
    repository: 'GITHUB:platform/templates',
    branch: 'main',
    subdirectory: 'templates',
    majors: [
      {
        major: '1',
        status: 'FAILED',
        message:
          'Version 1.2 failed to register: schema/schema.yaml is not YAML',
      },
    ],
  },
  inProgress: false,
  ...changes,
});

const INSTANCE = 'arn:aws:proton:us-east-1:000000000000:service';

const fleet = (changes: Partial<TemplateFleet> = {}): TemplateFleet => ({
  name: 'fargate-service',
  kind: 'service',
  recommendedVersion: '1.1',
  publishedVersions: ['1.0', '1.1'],
  inProgress: false,
  members: [
    {
      kind: 'service-instance',
      arn: `${INSTANCE}/checkout/service-instance/dev`,
      name: 'dev',
      serviceName: 'checkout',
      environmentName: 'dev',
      version: '1.0',
      deploymentStatus: 'SUCCEEDED',
      lastDeploymentAttemptedAt: '2026-11-30T10:00:00.000Z',
      entityRef: 'component:default/checkout',
      environmentEntityRef: 'resource:default/dev',
      owner: 'group:default/team-a',
      pinnedReason: 'waiting for the load test',
    },
    {
      kind: 'service-instance',
      arn: `${INSTANCE}/checkout/service-instance/prod`,
      name: 'prod',
      serviceName: 'checkout',
      environmentName: 'prod',
      version: '1.0',
      deploymentStatus: 'FAILED',
      entityRef: 'component:default/checkout',
      owner: 'group:default/team-a',
    },
    {
      kind: 'service-instance',
      arn: `${INSTANCE}/search/service-instance/dev`,
      name: 'dev',
      serviceName: 'search',
      environmentName: 'dev',
      version: '1.1',
      deploymentStatus: 'SUCCEEDED',
    },
  ],
  ...changes,
});

const getTemplateVersionDiff = jest.fn(
  async (_entity: unknown, from: string, to: string) => ({
    from,
    to,
    inputs: [
      {
        kind: 'service' as const,
        diff: {
          added: [
            {
              path: 'healthCheckGracePeriodSeconds',
              type: 'integer',
              default: 0,
              required: false,
            },
          ],
          removed: [],
          typeChanged: [],
          defaultChanged: [{ path: 'desiredCount', from: 1, to: 2 }],
          breaking: [],
        },
      },
      {
        kind: 'pipeline' as const,
        diff: {
          added: [],
          removed: [],
          typeChanged: [],
          defaultChanged: [],
          breaking: [],
        },
      },
    ],
  }),
);

function renderCard(value: TemplateOverview, members = fleet()) {
  return renderSettled(
    <TestApiProvider
      apis={[
        [
          awsProtonApiRef,
          {
            getTemplateOverview: async () => value,
            getTemplateFleet: async () => members,
            getTemplateVersionDiff,
          },
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <TemplateOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('TemplateOverviewCard', () => {
  it('shows each version with where it came from, and a failed sync with its reason', async () => {
    await renderCard(overview());
    expect(screen.getByText('Sync failed')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Version 1.2 failed to register: schema/schema.yaml is not YAML',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Registration failed')).toBeInTheDocument();
    const link = screen.getByRole('link', {
      name: `platform/templates@main ${SHA.slice(0, 12)}`,
    });
    expect(link).toHaveAttribute(
      'href',
      `https://github.com/platform/templates/commit/${SHA}`,
    );
    // no web pages known for the enterprise server: the commit without a link
    expect(
      screen.getAllByText(`platform/templates@main ${SHA.slice(0, 12)}`),
    ).toHaveLength(2);
    expect(screen.getByText('Registered by hand')).toBeInTheDocument();
    expect(screen.getByText('recommended')).toBeInTheDocument();
  });

  it('says when the template is not synced', async () => {
    await renderCard(overview({ sync: undefined }));
    expect(
      screen.getByText(
        'Not synced from a repository: versions are registered by hand.',
      ),
    ).toBeInTheDocument();
  });

  it('shows where the template runs: counts per version, links, pins, and filters', async () => {
    await renderCard(overview());
    expect(
      await screen.findByText(
        '3 service instances in 2 services, 1 on the recommended version 1.1, 1 pinned.',
      ),
    ).toBeInTheDocument();
    const bars = screen.getByRole('list', { name: 'Runs per version' });
    expect(
      within(bars)
        .getAllByRole('listitem')
        .map(item => item.getAttribute('aria-label')),
    ).toEqual(['1.1: 1', '1.0: 2']);
    const table = screen.getByRole('grid', { name: 'Where it runs' });
    const [link] = within(table).getAllByRole('link', {
      name: 'checkout / dev',
    });
    expect(link).toHaveAttribute('href', '/catalog/default/component/checkout');
    expect(within(table).getByRole('link', { name: 'dev' })).toHaveAttribute(
      'href',
      '/catalog/default/resource/dev',
    );
    expect(
      within(table).getByText('Pinned: waiting for the load test'),
    ).toBeInTheDocument();
    expect(within(table).getAllByText('1.1 available')).toHaveLength(2);
    // search has no entity in the catalog: its name without a link
    expect(within(table).getByText('search / dev')).not.toHaveAttribute('href');
    expect(within(table).getByText('Not in the catalog')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: /Deployment status/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'Failed' }),
    );
    expect(within(table).getAllByRole('row')).toHaveLength(2); // the header and prod
    expect(within(table).getByText('checkout / prod')).toBeInTheDocument();
  });

  it('says when nothing runs the template', async () => {
    await renderCard(overview(), fleet({ members: [] }));
    expect(
      await screen.findByText('No service instance runs this template yet.'),
    ).toBeInTheDocument();
  });

  it('compares the version before the recommended one with it', async () => {
    await renderCard(overview());
    expect(
      await screen.findByText('Instance inputs: backward compatible'),
    ).toBeInTheDocument();
    expect(getTemplateVersionDiff).toHaveBeenLastCalledWith(
      { kind: 'Resource', namespace: 'default', name: 'fargate-service' },
      '1.0',
      '1.1',
    );
    expect(
      screen.getByRole('list', { name: 'Instance inputs: Added' }),
    ).toHaveTextContent('healthCheckGracePeriodSeconds (integer), default 0');
    expect(
      screen.getByRole('list', { name: 'Instance inputs: New defaults' }),
    ).toHaveTextContent('desiredCount: 1 to 2');
    // nothing changed in the pipeline's inputs: not listed
    expect(screen.queryByText(/Pipeline inputs/)).not.toBeInTheDocument();
  });
});
