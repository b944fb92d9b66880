import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Button,
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
import { useEffect, useState } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { DeploymentLogPanel } from './DeploymentLogPanel';
import { useProtonResource } from '../../hooks/useProtonResource';
import { ProtonStatus } from '../ProtonStatus/ProtonStatus';
import { ResourceState } from '../ResourceState/ResourceState';

function formatTime(value?: string) {
  return value ? new Date(value).toLocaleString() : '—';
}

/**
 * Whose deployments a {@link DeploymentHistory} lists: one instance of the entity's service, the
 * service's pipeline, or the entity's environment.
 *
 * @public
 */
export type DeploymentHistorySource =
  | { instanceName: string }
  | 'pipeline'
  | 'environment';

/**
 * The deployment history of one service instance, of the service's pipeline or of an environment,
 * newest first; it refreshes while a deployment runs. Each deployment opens its log, which follows
 * the deployment while it runs.
 *
 * @public
 */
export function DeploymentHistory(props: {
  source: DeploymentHistorySource;
  refreshKey?: unknown;
}) {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const ref = getCompoundEntityRef(entity);
  const { source } = props;
  const key = typeof source === 'string' ? source : source.instanceName;
  const label =
    typeof source === 'string'
      ? `the ${source}`
      : `instance ${source.instanceName}`;
  const [openLog, setOpenLog] = useState<string>();
  useEffect(() => setOpenLog(undefined), [key]);
  const state = useProtonResource<DeploymentView[]>(
    () => {
      if (source === 'pipeline') return api.listServicePipelineDeployments(ref);
      if (source === 'environment') return api.listEnvironmentDeployments(ref);
      return api.listServiceInstanceDeployments(ref, source.instanceName);
    },
    deployments =>
      deployments.some(d => describeDeploymentStatus(d.status).inProgress),
    [api, stringifyEntityRef(entity), key, props.refreshKey],
  );
  return (
    <ResourceState state={state} what="the deployments" placeholderHeight={64}>
      {value => (
        <>
          <DeploymentTable
            label={label}
            deployments={value}
            openLog={openLog}
            onToggleLog={id =>
              setOpenLog(open => (open === id ? undefined : id))
            }
          />
          {openLog && (
            <DeploymentLogPanel
              key={openLog}
              entityRef={ref}
              deploymentId={openLog}
              label={label}
              onClose={() => setOpenLog(undefined)}
            />
          )}
        </>
      )}
    </ResourceState>
  );
}

function DeploymentTable(props: {
  label: string;
  deployments: DeploymentView[];
  openLog?: string;
  onToggleLog: (id: string) => void;
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
        <Column>Log</Column>
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
            <Cell>
              <Button
                size="small"
                variant="secondary"
                aria-label={`${
                  props.openLog === deployment.id ? 'Hide' : 'Show'
                } the log of deployment ${deployment.id}`}
                aria-expanded={props.openLog === deployment.id}
                onPress={() => props.onToggleLog(deployment.id)}
              >
                {props.openLog === deployment.id ? 'Hide log' : 'Show log'}
              </Button>
            </Cell>
          </Row>
        )}
      </TableBody>
    </TableRoot>
  );
}
