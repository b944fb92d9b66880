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
  DeploymentChange,
  DeploymentTrigger,
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

const CHANGES: Record<DeploymentChange, string> = {
  CREATE: 'Create',
  UPDATE: 'Update',
  REDEPLOY: 'Redeploy',
  MINOR_VERSION: 'Minor upgrade',
  MAJOR_VERSION: 'Major upgrade',
  DELETE: 'Delete',
};

/** "42 s", "3 min 5 s", "1 h 2 min"; "running" until it completed. */
function formatDuration(deployment: DeploymentView): string {
  if (!deployment.createdAt) return '—';
  if (!deployment.completedAt) {
    return describeDeploymentStatus(deployment.status).inProgress
      ? 'running'
      : '—';
  }
  const seconds = Math.max(
    0,
    Math.round(
      (Date.parse(deployment.completedAt) - Date.parse(deployment.createdAt)) /
        1000,
    ),
  );
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Who started it, in words: a user's name, "campaign", "sync", a service; "—" when none is recorded. */
function triggerCell(trigger?: DeploymentTrigger): {
  title: string;
  description?: string;
} {
  if (!trigger) {
    return { title: '—', description: 'not recorded' };
  }
  if (trigger.kind === 'campaign') {
    return { title: 'Campaign', description: trigger.name };
  }
  if (trigger.kind === 'sync') {
    return { title: 'Sync', description: trigger.name };
  }
  if (trigger.kind === 'service') {
    return { title: trigger.name, description: 'service' };
  }
  // user:default/jane.doe reads as jane.doe
  return { title: trigger.name.replace(/^user:(default\/)?/, '') };
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
        <Column>Version</Column>
        <Column>Status</Column>
        <Column>Started by</Column>
        <Column>Started</Column>
        <Column>Duration</Column>
        <Column>Log</Column>
      </TableHeader>
      <TableBody items={props.deployments}>
        {deployment => (
          <Row id={deployment.id}>
            <CellText
              title={
                deployment.change ? CHANGES[deployment.change] : 'Deployment'
              }
              description={deployment.id}
            />
            <CellText title={deployment.templateVersion ?? '—'} />
            <Cell>
              <ProtonStatus kind="deployment" status={deployment.status} />
            </Cell>
            <CellText {...triggerCell(deployment.trigger)} />
            <CellText title={formatTime(deployment.createdAt)} />
            <CellText title={formatDuration(deployment)} />
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
