import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Cell,
  CellText,
  Column,
  Row,
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
import { ResourceState } from '../ResourceState/ResourceState';

function formatTime(value?: string) {
  return value ? new Date(value).toLocaleString() : '—';
}

/**
 * The deployment history of one service instance (or, without `instanceName`, of the service's
 * pipeline), newest first; it refreshes while a deployment runs.
 *
 * @public
 */
export function DeploymentHistory(props: {
  instanceName?: string;
  refreshKey?: unknown;
}) {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const state = useProtonResource<DeploymentView[]>(
    () =>
      props.instanceName === undefined
        ? api.listServicePipelineDeployments(getCompoundEntityRef(entity))
        : api.listServiceInstanceDeployments(
            getCompoundEntityRef(entity),
            props.instanceName,
          ),
    deployments =>
      deployments.some(d => describeDeploymentStatus(d.status).inProgress),
    [api, stringifyEntityRef(entity), props.instanceName, props.refreshKey],
  );
  return (
    <ResourceState state={state} what="the deployments" placeholderHeight={64}>
      {value => (
        <DeploymentTable
          label={props.instanceName ?? 'the pipeline'}
          deployments={value}
        />
      )}
    </ResourceState>
  );
}

function DeploymentTable(props: {
  label: string;
  deployments: DeploymentView[];
}) {
  if (props.deployments.length === 0) {
    return <Text color="secondary">No deployments yet</Text>;
  }
  return (
    <TableRoot aria-label={`Deployments of ${props.label}`}>
      <TableHeader>
        <Column isRowHeader>Deployment</Column>
        <Column>Status</Column>
        <Column>Started</Column>
        <Column>Completed</Column>
      </TableHeader>
      <TableBody items={props.deployments}>
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
