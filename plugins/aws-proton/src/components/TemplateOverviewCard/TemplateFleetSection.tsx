import {
  getCompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Cell,
  CellText,
  Column,
  Flex,
  Row,
  Select,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import {
  describeDeploymentStatus,
  TemplateFleet,
  TemplateFleetMember,
} from '@proton-platform/plugin-aws-proton-common';
import { useMemo, useState } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { useProtonResource } from '../../hooks/useProtonResource';
import { ProtonStatus } from '../ProtonStatus/ProtonStatus';
import { ResourceState } from '../ResourceState/ResourceState';
import { EntityLink } from '../EntityLink/EntityLink';

const ALL = '*';

type FilterKey = 'version' | 'environmentName' | 'owner' | 'deploymentStatus';

const FILTERS: Array<{ key: FilterKey; label: string }> = [
  { key: 'version', label: 'Version' },
  { key: 'environmentName', label: 'Environment' },
  { key: 'owner', label: 'Owner' },
  { key: 'deploymentStatus', label: 'Deployment status' },
];

/** `1.10` after `1.9`; anything else after the versions. */
function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  if (Number.isNaN(am) || Number.isNaN(bm)) {
    return Number.isNaN(am) ? 1 : -1;
  }
  return am - bm || an - bn;
}

function humanizeOwner(owner: string): string {
  try {
    return parseEntityRef(owner).name;
  } catch {
    return owner;
  }
}

function optionLabel(key: FilterKey, value: string): string {
  if (key === 'owner') return humanizeOwner(value);
  if (key === 'deploymentStatus') return describeDeploymentStatus(value).label;
  return value;
}

/**
 * How many members run each version, as bars: the eye sees at once how far the fleet is from the
 * recommended version.
 */
function VersionBars(props: {
  members: TemplateFleetMember[];
  recommendedVersion?: string;
}) {
  const counts = new Map<string, number>();
  for (const member of props.members) {
    counts.set(member.version, (counts.get(member.version) ?? 0) + 1);
  }
  const versions = [...counts.keys()].sort(compareVersions).reverse();
  const most = Math.max(...counts.values());
  return (
    <ul
      aria-label="Runs per version"
      style={{
        listStyle: 'none',
        margin: 0,
        padding: 0,
        display: 'grid',
        gap: 4,
      }}
    >
      {versions.map(version => {
        const count = counts.get(version)!;
        const recommended = version === props.recommendedVersion;
        return (
          <li
            key={version}
            aria-label={`${version}: ${count}`}
            style={{
              display: 'grid',
              gridTemplateColumns: '9rem 1fr 2.5rem',
              alignItems: 'center',
              gap: 8,
            }}
          >
            <Text variant="body-small">
              {version}
              {recommended ? ' (recommended)' : ''}
            </Text>
            <div
              aria-hidden
              style={{
                height: 12,
                width: `${Math.max((count / most) * 100, 2)}%`,
                borderRadius: 2,
                background: recommended
                  ? 'var(--bui-fg-positive)'
                  : 'var(--bui-fg-secondary)',
              }}
            />
            <Text variant="body-small" weight="bold">
              {count}
            </Text>
          </li>
        );
      })}
    </ul>
  );
}

function FleetTable(props: { fleet: TemplateFleet }) {
  const { fleet } = props;
  const [filters, setFilters] = useState<Record<FilterKey, string>>({
    version: ALL,
    environmentName: ALL,
    owner: ALL,
    deploymentStatus: ALL,
  });
  const options = useMemo(
    () =>
      Object.fromEntries(
        FILTERS.map(({ key }) => {
          const values = [
            ...new Set(fleet.members.map(m => m[key] ?? '')),
          ].filter(Boolean);
          values.sort(key === 'version' ? compareVersions : undefined);
          return [key, values];
        }),
      ) as Record<FilterKey, string[]>,
    [fleet.members],
  );
  // a filter on a value no member has any more (a deployment ended) counts as "All"
  const active = (key: FilterKey) =>
    filters[key] !== ALL && options[key].includes(filters[key]);
  const shown = fleet.members.filter(member =>
    FILTERS.every(({ key }) => !active(key) || member[key] === filters[key]),
  );
  const service = fleet.kind === 'service';
  return (
    <Flex direction="column" gap="2">
      <Flex gap="2" align="end" style={{ flexWrap: 'wrap' }}>
        {FILTERS.filter(
          ({ key }) => options[key].length > 1 || active(key),
        ).map(({ key, label }) => (
          <Select
            key={key}
            label={label}
            value={active(key) ? filters[key] : ALL}
            onChange={value =>
              setFilters(current => ({ ...current, [key]: String(value) }))
            }
            options={[
              { id: ALL, label: 'All' },
              ...options[key].map(value => ({
                id: value,
                label: optionLabel(key, value),
              })),
            ]}
          />
        ))}
      </Flex>
      <TableRoot aria-label="Where it runs">
        <TableHeader>
          <Column isRowHeader>
            {service ? 'Service instance' : 'Environment'}
          </Column>
          {service ? <Column>Environment</Column> : null}
          <Column>Version</Column>
          <Column>Deployment</Column>
          <Column>Owner</Column>
        </TableHeader>
        <TableBody items={shown.map(member => ({ ...member, id: member.arn }))}>
          {member => (
            <Row id={member.id}>
              <Cell>
                <Flex direction="column" gap="0">
                  <EntityLink
                    entityRef={member.entityRef}
                    label={
                      member.serviceName
                        ? `${member.serviceName} / ${member.name}`
                        : member.name
                    }
                  />
                  {member.pinnedReason && (
                    <Text variant="body-small" color="warning">
                      Pinned: {member.pinnedReason}
                    </Text>
                  )}
                </Flex>
              </Cell>
              {service ? (
                <Cell>
                  {member.environmentName ? (
                    <EntityLink
                      entityRef={member.environmentEntityRef}
                      label={member.environmentName}
                    />
                  ) : (
                    <Text variant="body-small" color="secondary">
                      Pipeline
                    </Text>
                  )}
                </Cell>
              ) : null}
              <CellText
                title={member.version}
                description={
                  fleet.recommendedVersion &&
                  member.version !== fleet.recommendedVersion &&
                  compareVersions(member.version, fleet.recommendedVersion) < 0
                    ? `${fleet.recommendedVersion} available`
                    : undefined
                }
              />
              <Cell>
                <Flex direction="column" gap="0">
                  <ProtonStatus
                    kind="deployment"
                    status={member.deploymentStatus}
                  />
                  {member.lastDeploymentAttemptedAt && (
                    <Text variant="body-small" color="secondary">
                      {new Date(
                        member.lastDeploymentAttemptedAt,
                      ).toLocaleString()}
                    </Text>
                  )}
                </Flex>
              </Cell>
              <Cell>
                {member.owner ? (
                  <EntityLink
                    entityRef={member.owner}
                    label={humanizeOwner(member.owner)}
                  />
                ) : (
                  <Text variant="body-small" color="secondary">
                    Not in the catalog
                  </Text>
                )}
              </Cell>
            </Row>
          )}
        </TableBody>
      </TableRoot>
      {shown.length === 0 && (
        <Text variant="body-small" color="secondary">
          Nothing matches these filters.
        </Text>
      )}
    </Flex>
  );
}

function FleetSummary({ fleet }: { fleet: TemplateFleet }) {
  const noun = fleet.kind === 'service' ? 'service instance' : 'environment';
  const plural = (n: number, word: string) =>
    `${n} ${word}${n === 1 ? '' : 's'}`;
  const count = fleet.members.filter(m => m.kind !== 'pipeline').length;
  const pipelines = fleet.members.length - count;
  if (fleet.members.length === 0) {
    return (
      <Text variant="body-small" color="secondary">
        No {noun} runs this template yet.
      </Text>
    );
  }
  const services = new Set(fleet.members.map(m => m.serviceName)).size;
  const current = fleet.members.filter(
    m => m.version === fleet.recommendedVersion,
  ).length;
  const pinned = fleet.members.filter(m => m.pinnedReason).length;
  const parts = [
    `${plural(count, noun)}${
      pipelines ? ` and ${plural(pipelines, 'pipeline')}` : ''
    }${fleet.kind === 'service' ? ` in ${plural(services, 'service')}` : ''}`,
    fleet.recommendedVersion
      ? `${current} on the recommended version ${fleet.recommendedVersion}`
      : undefined,
    pinned ? `${pinned} pinned` : undefined,
  ].filter(Boolean);
  return (
    <Flex direction="column" gap="2">
      <Text variant="body-small" color="secondary">
        {parts.join(', ')}.
      </Text>
      <VersionBars
        members={fleet.members}
        recommendedVersion={fleet.recommendedVersion}
      />
      <FleetTable fleet={fleet} />
    </Flex>
  );
}

/**
 * Where the template of the current entity runs: counts per version, then every service instance or
 * environment with its version, deployment, owner and pin, filterable by version, environment, owner
 * and deployment status; services, environments and owners link to their catalog pages.
 */
export function TemplateFleetSection(props: {
  /** Reads the fleet again whenever it changes (for example as a campaign moves on). */
  refreshKey?: string;
}) {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const state = useProtonResource<TemplateFleet>(
    () => api.getTemplateFleet(getCompoundEntityRef(entity)),
    fleet => fleet.inProgress,
    [api, stringifyEntityRef(entity), props.refreshKey],
  );
  return (
    <Flex direction="column" gap="2">
      <Text variant="body-medium" weight="bold">
        Where it runs
      </Text>
      <ResourceState state={state} what="where the template runs">
        {fleet => <FleetSummary fleet={fleet} />}
      </ResourceState>
    </Flex>
  );
}
