import { getCompoundEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Alert,
  Cell,
  CellText,
  Column,
  Row,
  Skeleton,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import {
  DeploymentView,
  describeDeploymentStatus,
} from '@proton-platform/plugin-aws-proton-common';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { useProtonResource } from '../../hooks/useProtonResource';
import { ProtonStatus } from '../ProtonStatus/ProtonStatus';

function formatTime(value?: string) {
  return value ? new Date(value).toLocaleString() : '—';
}

/**
 * The deployment history of one service instance, newest first; it refreshes while a deployment runs.
 *
 * @public
 */
export function DeploymentHistory(props: { instanceName: string; refreshKey?: unknown }) {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const { value, error, loading } = useProtonResource<DeploymentView[]>(
    () => api.listServiceInstanceDeployments(getCompoundEntityRef(entity), props.instanceName),
    deployments => deployments.some(d => describeDeploymentStatus(d.status).inProgress),
    [api, stringifyEntityRef(entity), props.instanceName, props.refreshKey],
  );
  if (loading && !value) {
    return <Skeleton width="100%" height={64} />;
  }
  if (!value) {
    return (
      <Alert status="danger" title="Could not load the deployments" description={error?.message} />
    );
  }
  if (value.length === 0) {
    return <Text color="secondary">No deployments yet</Text>;
  }
  return (
    <TableRoot aria-label={`Deployments of ${props.instanceName}`}>
      <TableHeader>
        <Column isRowHeader>Deployment</Column>
        <Column>Status</Column>
        <Column>Started</Column>
        <Column>Completed</Column>
      </TableHeader>
      <TableBody items={value}>
        {deployment => (
          <Row id={deployment.id}>
            <CellText title={deployment.id} />
            <Cell>
              <ProtonStatus kind="deployment" status={deployment.status} />
            </Cell>
            <CellText title={formatTime(deployment.createdAt)} />
            <CellText title={formatTime(deployment.completedAt)} />
          </Row>
        )}
      </TableBody>
    </TableRoot>
  );
}
