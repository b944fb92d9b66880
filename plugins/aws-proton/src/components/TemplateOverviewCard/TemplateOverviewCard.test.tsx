import { Entity } from '@backstage/catalog-model';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import type { TemplateOverview } from '@proton-platform/plugin-aws-proton-common';
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

function renderCard(value: TemplateOverview) {
  return renderSettled(
    <TestApiProvider
      apis={[[awsProtonApiRef, { getTemplateOverview: async () => value }]]}
    >
      <EntityProvider entity={entity}>
        <TemplateOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
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
});
