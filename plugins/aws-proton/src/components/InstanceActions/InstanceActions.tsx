import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import {
  awsProtonServiceInstanceUpdatePermission,
  describeDeploymentStatus,
  InstanceDeploymentType,
  InstanceUpdatePlan,
  ServiceInstanceView,
} from '@proton-platform/plugin-aws-proton-common';
import { useCallback, useState } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { ConfirmDeletionDialog } from '../ConfirmDeletion/ConfirmDeletionDialog';
import { EditInputsDialog } from './EditInputsDialog';
import { UpgradePreview } from './UpgradePreview';

interface PlannedAction {
  type: InstanceDeploymentType;
  label: string;
  description: string;
}

function plannedActions(instance: ServiceInstanceView): PlannedAction[] {
  const { template } = instance;
  const actions: PlannedAction[] = [];
  if (template.minorUpgradeAvailable) {
    actions.push({
      type: 'MINOR_VERSION',
      label: `Upgrade to ${template.recommendedMinorVersion}`,
      description: `Deploy ${instance.name} with template version ${template.recommendedMinorVersion} instead of ${template.version}, keeping its inputs.`,
    });
  } else if (template.majorUpgradeAvailable) {
    actions.push({
      type: 'MAJOR_VERSION',
      label: `Upgrade to ${template.recommendedVersion}`,
      description: `Deploy ${instance.name} with template version ${template.recommendedVersion}, a new major version, instead of ${template.version}. Its inputs must be valid for the new version.`,
    });
  }
  actions.push({
    type: 'CURRENT_VERSION',
    label: 'Redeploy',
    description: `Deploy ${instance.name} again with template version ${template.version} and the same inputs.`,
  });
  return actions;
}

/**
 * The upgrade, redeploy, edit-inputs and delete buttons of a service instance. They show only to those who hold the
 * `aws-proton.service-instance.update` permission on the entity, ask for confirmation, and show
 * progress while the request runs.
 */
export function InstanceActions(props: {
  instance: ServiceInstanceView;
  /** The service's name, in the deletion's confirmation. */
  serviceName: string;
  /** False for a service's last instance: the service is deleted instead. */
  deletable: boolean;
  onStarted: () => void;
}) {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const { allowed, loading } = usePermission({
    permission: awsProtonServiceInstanceUpdatePermission,
    resourceRef: stringifyEntityRef(entity),
  });
  const [planned, setPlanned] = useState<PlannedAction>();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error>();
  const [missing, setMissing] = useState<string[]>([]);
  // an upgrade waits for its preview (or for the preview to fail) before it can be confirmed
  const [previewed, setPreviewed] = useState(false);
  const onPlan = useCallback((plan?: InstanceUpdatePlan) => {
    setMissing(plan?.inputs?.missing ?? []);
    setPreviewed(true);
  }, []);

  if (loading || !allowed) {
    return null;
  }
  const busy = describeDeploymentStatus(
    props.instance.deploymentStatus,
  ).inProgress;

  const confirm = async () => {
    if (!planned) return;
    setPending(true);
    setError(undefined);
    try {
      await api.updateServiceInstance(
        getCompoundEntityRef(entity),
        props.instance.name,
        planned.type,
      );
      setPlanned(undefined);
      props.onStarted();
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(false);
    }
  };

  return (
    // stacked, so that an upgrade and a redeploy fit the narrow column of the overview card
    <Flex direction="column" gap="2" align="start">
      {plannedActions(props.instance).map(action => (
        <Button
          key={action.type}
          size="small"
          variant={action.type === 'CURRENT_VERSION' ? 'secondary' : 'primary'}
          isDisabled={busy}
          onPress={() => {
            setError(undefined);
            setMissing([]);
            setPreviewed(action.type === 'CURRENT_VERSION');
            setPlanned(action);
          }}
          aria-label={`${action.label}: ${props.instance.name}`}
        >
          {action.label}
        </Button>
      ))}
      <Button
        size="small"
        variant="secondary"
        isDisabled={busy}
        onPress={() => setEditing(true)}
        aria-label={`Edit inputs: ${props.instance.name}`}
      >
        Edit inputs
      </Button>
      <EditInputsDialog
        entityRef={getCompoundEntityRef(entity)}
        instanceName={props.instance.name}
        isOpen={editing}
        onClose={() => setEditing(false)}
        onStarted={() => {
          setEditing(false);
          props.onStarted();
        }}
      />
      {props.deletable && (
        <Button
          size="small"
          variant="secondary"
          destructive
          isDisabled={busy}
          onPress={() => setDeleting(true)}
          aria-label={`Delete: ${props.instance.name}`}
        >
          Delete
        </Button>
      )}
      <ConfirmDeletionDialog
        isOpen={deleting}
        title={`Delete the instance ${props.instance.name}`}
        description={`Removes ${props.instance.name} from ${props.serviceName}: Proton deprovisions its resources in ${props.instance.environmentName}. The service keeps its other instances. This cannot be undone.`}
        name={props.instance.name}
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          await api.deleteServiceInstance(
            getCompoundEntityRef(entity),
            props.instance.name,
          );
          setDeleting(false);
          props.onStarted();
        }}
      />
      <Dialog
        isOpen={planned !== undefined}
        onOpenChange={open => !open && !pending && setPlanned(undefined)}
      >
        <DialogHeader>{planned?.label}</DialogHeader>
        <DialogBody>
          <Flex direction="column" gap="3">
            <Text>{planned?.description}</Text>
            {planned && planned.type !== 'CURRENT_VERSION' && (
              <UpgradePreview
                entityRef={getCompoundEntityRef(entity)}
                instanceName={props.instance.name}
                deploymentType={planned.type}
                onPlan={onPlan}
              />
            )}
            {error && (
              <Alert
                status="danger"
                title="Proton refused the deployment"
                description={error.message}
              />
            )}
          </Flex>
        </DialogBody>
        <DialogFooter>
          <Button
            variant="secondary"
            isDisabled={pending}
            onPress={() => setPlanned(undefined)}
          >
            Cancel
          </Button>
          <Button
            variant="primary"
            isPending={pending}
            isDisabled={missing.length > 0 || !previewed}
            onPress={confirm}
          >
            {planned?.type === 'CURRENT_VERSION' ? 'Redeploy' : 'Upgrade'}
          </Button>
        </DialogFooter>
      </Dialog>
    </Flex>
  );
}
