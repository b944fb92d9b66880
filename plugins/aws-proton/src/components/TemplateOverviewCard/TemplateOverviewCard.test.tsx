import { Entity } from '@backstage/catalog-model';
import { mockApis, TestApiProvider } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  Campaign,
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

const campaign = (changes: Partial<Campaign> = {}): Campaign => ({
  id: 'c1',
  templateArn:
    'arn:aws:proton:us-east-1:000000000000:service-template/fargate-service',
  templateName: 'fargate-service',
  targetVersion: '1.1',
  waves: [['dev'], ['prod']],
  maxConcurrent: 5,
  status: 'STOPPED',
  statusMessage: 'Stopped at checkout/prod: the tasks did not become healthy',
  createdBy: 'user:default/platform',
  createdAt: '2026-11-30T10:00:00.000Z',
  updatedAt: '2026-11-30T10:05:00.000Z',
  targets: [
    {
      arn: `${INSTANCE}/checkout/service-instance/dev`,
      kind: 'service-instance',
      serviceName: 'checkout',
      name: 'dev',
      environmentName: 'dev',
      wave: 0,
      fromVersion: '1.0',
      toVersion: '1.1',
      deploymentType: 'MINOR_VERSION',
      status: 'SUCCEEDED',
    },
    {
      arn: `${INSTANCE}/checkout/service-instance/prod`,
      kind: 'service-instance',
      serviceName: 'checkout',
      name: 'prod',
      environmentName: 'prod',
      wave: 1,
      fromVersion: '1.0',
      toVersion: '1.1',
      deploymentType: 'MINOR_VERSION',
      status: 'FAILED',
      statusMessage: 'the tasks did not become healthy',
    },
  ],
  ...changes,
});

function renderCard(
  value: TemplateOverview,
  members = fleet(),
  options: {
    campaigns?: Campaign[];
    allow?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    startCampaign?: jest.Mock;
    planServiceInstanceUpdate?: jest.Mock;
    subject?: Entity;
  } = {},
) {
  return renderSettled(
    <TestApiProvider
      apis={[
        [
          awsProtonApiRef,
          {
            getTemplateOverview: async () => value,
            getTemplateFleet: async () => members,
            getTemplateVersionDiff,
            listCampaigns: async () => options.campaigns ?? [],
            startCampaign: options.startCampaign ?? jest.fn(),
            planServiceInstanceUpdate:
              options.planServiceInstanceUpdate ?? jest.fn(),
          },
        ],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.allow ?? AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <EntityProvider entity={options.subject ?? entity}>
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

  it('shows the latest campaign with the instance it stopped at, and plans a new one before starting it', async () => {
    const startCampaign = jest.fn(async (_entity: unknown, request: any) =>
      campaign({
        id: request.dryRun ? '' : 'c2',
        status: 'RUNNING',
        statusMessage: undefined,
        targets: campaign().targets.map(t => ({
          ...t,
          status: 'PENDING' as const,
          statusMessage: undefined,
          entityRef: 'component:default/checkout',
        })),
      }),
    );
    const planServiceInstanceUpdate = jest.fn(async () => ({
      name: 'prod',
      templateName: 'fargate-service',
      environmentName: 'prod',
      currentVersion: '1.0',
      targetVersion: '1.1',
      deploymentType: 'MINOR_VERSION',
      inputs: { kept: [], added: [], removed: [], missing: [] },
      resources: {
        changes: [
          {
            action: 'update',
            type: 'aws:ecs/service:Service',
            name: 'checkout-prod',
            changedInputs: ['tags'],
          },
        ],
        unchanged: 4,
      },
    }));
    await renderCard(overview(), fleet(), {
      campaigns: [campaign()],
      startCampaign,
      planServiceInstanceUpdate,
    });
    const latest = await screen.findByRole('region', {
      name: 'Latest campaign',
    });
    expect(latest).toHaveTextContent(
      'Stopped at checkout/prod: the tasks did not become healthy',
    );
    expect(latest).toHaveTextContent('1 of 2 upgraded to 1.1, 1 failed');

    await userEvent.click(
      screen.getByRole('button', { name: 'Upgrade to recommended' }),
    );
    expect(
      await screen.findByText(
        /2 upgrades in 2 waves: 1\. dev \(1\); 2\. prod \(1\)/,
      ),
    ).toBeInTheDocument();
    expect(startCampaign).toHaveBeenLastCalledWith(expect.anything(), {
      dryRun: true,
      maxConcurrent: 5,
      includeMajorUpgrades: false,
    });
    // each waiting instance's upgrade can be previewed before the campaign starts
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Preview the upgrade of checkout/prod',
      }),
    );
    const preview = await screen.findByRole('region', {
      name: 'Upgrade preview of checkout/prod',
    });
    expect(
      await within(preview).findByRole('list', { name: 'Updated in place' }),
    ).toHaveTextContent('aws:ecs:Service checkout-prod (tags)');
    expect(planServiceInstanceUpdate).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'checkout' },
      'prod',
      'MINOR_VERSION',
      '1.1',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Start the campaign' }),
    );
    expect(startCampaign).toHaveBeenLastCalledWith(expect.anything(), {
      maxConcurrent: 5,
      includeMajorUpgrades: false,
    });
  });

  it('offers major upgrades when part of the fleet runs an older major version', async () => {
    const startCampaign = jest.fn(async (_entity: unknown, request: any) =>
      campaign({
        id: '',
        status: 'RUNNING',
        statusMessage: undefined,
        targetVersion: '2.0',
        targets: campaign().targets.map(t => ({
          ...t,
          status: 'PENDING' as const,
          statusMessage: undefined,
          toVersion: request.includeMajorUpgrades ? '2.0' : '1.1',
          deploymentType: request.includeMajorUpgrades
            ? ('MAJOR_VERSION' as const)
            : ('MINOR_VERSION' as const),
        })),
      }),
    );
    await renderCard(overview(), fleet(), {
      campaigns: [],
      startCampaign,
      subject: {
        ...entity,
        metadata: { ...entity.metadata, name: 'two-majors-template' },
      },
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Upgrade to recommended' }),
    );
    const targets = await screen.findByRole('grid', {
      name: 'Targets of the campaign to 2.0',
    });
    // minor upgrades by default: 1.0 moves to 1.1
    expect(within(targets).getAllByText('1.0 → 1.1')).toHaveLength(2);
    await userEvent.click(
      screen.getByRole('checkbox', { name: /Include major upgrades to 2\.0/ }),
    );
    expect(startCampaign).toHaveBeenLastCalledWith(expect.anything(), {
      dryRun: true,
      maxConcurrent: 5,
      includeMajorUpgrades: true,
    });
    // the plan is made again
    const major = await screen.findByRole('grid', {
      name: 'Targets of the campaign to 2.0',
    });
    expect(await within(major).findAllByText('1.0 → 2.0')).toHaveLength(2);
    expect(within(major).getAllByText('major upgrade')).toHaveLength(2);
  });

  it('offers no campaign button without aws-proton.template.upgrade-fleet', async () => {
    await renderCard(overview(), fleet(), {
      campaigns: [],
      allow: AuthorizeResult.DENY,
      // another entity: the permission hook caches decisions per resource for the page's lifetime
      subject: {
        ...entity,
        metadata: { ...entity.metadata, name: 'read-only-template' },
      },
    });
    expect(await screen.findByText(/No campaign yet/)).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Upgrade to recommended' }),
    ).not.toBeInTheDocument();
  });
});
