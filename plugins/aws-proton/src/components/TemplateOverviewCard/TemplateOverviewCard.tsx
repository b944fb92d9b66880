import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useState } from 'react';
import {
  Cell,
  CellText,
  Column,
  Flex,
  Link,
  Row,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import {
  AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION,
  AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION,
  TemplateOverview,
  TemplateVersionView,
} from '@proton-platform/plugin-aws-proton-common';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { useProtonResource } from '../../hooks/useProtonResource';
import { AnnotationGate, ProtonCard } from '../AnnotationGate/AnnotationGate';
import { ResourceState } from '../ResourceState/ResourceState';
import { CampaignSection } from './CampaignSection';
import { TemplateFleetSection } from './TemplateFleetSection';
import { VersionComparison } from './VersionComparison';

const TITLE = 'AWS Proton template versions';

const STATUS_LABELS: Record<
  string,
  { label: string; color: 'success' | 'info' | 'danger' | 'secondary' }
> = {
  PUBLISHED: { label: 'Published', color: 'success' },
  DRAFT: { label: 'Draft', color: 'secondary' },
  REGISTRATION_IN_PROGRESS: { label: 'Registering', color: 'info' },
  REGISTRATION_FAILED: { label: 'Registration failed', color: 'danger' },
  SUCCEEDED: { label: 'Synced', color: 'success' },
  IN_PROGRESS: { label: 'Syncing', color: 'info' },
  INITIATED: { label: 'Syncing', color: 'info' },
  FAILED: { label: 'Sync failed', color: 'danger' },
};

function Status(props: { status: string }) {
  const display = STATUS_LABELS[props.status] ?? {
    label: props.status,
    color: 'secondary' as const,
  };
  return (
    <Text as="span" weight="bold" color={display.color} title={props.status}>
      {display.label}
    </Text>
  );
}

/** Where a version came from: the repository at a commit (a link when the provider has web pages), or by hand. */
function Source(props: { version: TemplateVersionView }) {
  const { source } = props.version;
  if (!source) {
    return (
      <Text variant="body-small" color="secondary">
        Registered by hand
      </Text>
    );
  }
  const commit = source.commit?.slice(0, 12);
  const label = `${source.repository.split(':').slice(1).join(':')}${
    source.branch ? `@${source.branch}` : ''
  }${commit ? ` ${commit}` : ''}`;
  return (
    <Flex direction="column" gap="0">
      {source.url ? (
        <Link href={source.url} target="_blank" title={source.commit}>
          {label}
        </Link>
      ) : (
        <Text variant="body-small" title={source.commit}>
          {label}
        </Text>
      )}
      {source.directory && (
        <Text variant="body-small" color="secondary">
          {source.directory}
        </Text>
      )}
    </Flex>
  );
}

function TemplateSummary({ value }: { value: TemplateOverview }) {
  return (
    <>
      <Flex gap="2" align="center">
        <Text weight="bold">{value.name}</Text>
        <Text variant="body-small" color="secondary">
          {value.kind} template
          {value.recommendedVersion
            ? `, recommended version ${value.recommendedVersion}`
            : ', no published version yet'}
        </Text>
      </Flex>
      {value.sync ? (
        <Flex direction="column" gap="1">
          <Text variant="body-medium" weight="bold">
            Template sync
          </Text>
          <Text variant="body-small" color="secondary">
            Follows {value.sync.repository.split(':').slice(1).join(':')} (
            {value.sync.repository.split(':')[0]}), branch {value.sync.branch}
            {value.sync.subdirectory
              ? `, folder ${value.sync.subdirectory}`
              : ''}
            : every commit that changes a v&lt;major&gt; folder becomes a
            version.
          </Text>
          {value.sync.majors.map(major => (
            <Flex key={major.major} gap="2" align="center">
              <Text variant="body-small">Major version {major.major}:</Text>
              <Status status={major.status} />
              {major.message && (
                <Text
                  variant="body-small"
                  color={major.status === 'FAILED' ? 'danger' : 'secondary'}
                >
                  {major.message}
                </Text>
              )}
            </Flex>
          ))}
        </Flex>
      ) : (
        <Text variant="body-small" color="secondary">
          Not synced from a repository: versions are registered by hand.
        </Text>
      )}
      <TableRoot aria-label="Template versions">
        <TableHeader>
          <Column isRowHeader>Version</Column>
          <Column>Status</Column>
          <Column>Description</Column>
          <Column>Source</Column>
        </TableHeader>
        <TableBody items={value.versions.map(v => ({ ...v, id: v.version }))}>
          {version => (
            <Row id={version.id}>
              <CellText
                title={version.version}
                description={version.recommended ? 'recommended' : undefined}
              />
              <Cell>
                <Flex direction="column" gap="0">
                  <Status status={version.status} />
                  {version.statusMessage && (
                    <Text variant="body-small" color="danger">
                      {version.statusMessage}
                    </Text>
                  )}
                </Flex>
              </Cell>
              <CellText title={version.description ?? ''} />
              <Cell>
                <Source version={version} />
              </Cell>
            </Row>
          )}
        </TableBody>
      </TableRoot>
      <VersionComparison versions={value.versions} />
    </>
  );
}

function TemplateOverviewContent() {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const state = useProtonResource<TemplateOverview>(
    () => api.getTemplateOverview(getCompoundEntityRef(entity)),
    overview => overview.inProgress,
    [api, stringifyEntityRef(entity)],
  );
  // as a campaign moves on, what runs where changes: the fleet is read again
  const [campaignProgress, setCampaignProgress] = useState<string>();
  return (
    <Flex direction="column" gap="4">
      <ResourceState state={state} what="the Proton template">
        {value => <TemplateSummary value={value} />}
      </ResourceState>
      <TemplateFleetSection refreshKey={campaignProgress} />
      <CampaignSection onProgress={setCampaignProgress} />
    </Flex>
  );
}

/**
 * The entity card for a catalog entity annotated with `aws.amazon.com/aws-proton-service-template`
 * or `aws.amazon.com/aws-proton-environment-template`: every version (status, recommended,
 * description) with where template sync took it from (repository, branch, commit, folder; a link
 * when the provider has web pages), the last sync of each major version, failures included, and
 * where the template runs (every service instance or environment by version, with its owner and pin).
 *
 * @public
 */
export function TemplateOverviewCard() {
  const { entity } = useEntity();
  const service = Boolean(
    entity.metadata.annotations?.[AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION],
  );
  return (
    <AnnotationGate
      annotation={
        service
          ? AWS_PROTON_SERVICE_TEMPLATE_ANNOTATION
          : AWS_PROTON_ENVIRONMENT_TEMPLATE_ANNOTATION
      }
      resourceType={service ? 'service-template' : 'environment-template'}
      title={TITLE}
    >
      <ProtonCard title={TITLE}>
        <TemplateOverviewContent />
      </ProtonCard>
    </AnnotationGate>
  );
}
