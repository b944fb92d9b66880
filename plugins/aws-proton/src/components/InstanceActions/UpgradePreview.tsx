import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { Alert, Flex, Skeleton, Text } from '@backstage/ui';
import {
  InstanceDeploymentType,
  InstanceUpdatePlan,
} from '@proton-platform/plugin-aws-proton-common';
import { useEffect, useState } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { ResourceChangesPreview } from './ResourceChangesPreview';

/** A value as a person would type it in a spec: strings as they are, the rest as JSON. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Group(props: { title: string; lines: string[] }) {
  if (props.lines.length === 0) return null;
  return (
    <Flex direction="column" gap="1">
      <Text variant="body-small" weight="bold">
        {props.title}
      </Text>
      <ul
        aria-label={props.title}
        style={{ margin: 0, paddingLeft: '1.25rem' }}
      >
        {props.lines.map(line => (
          <li key={line}>
            <Text variant="body-small">{line}</Text>
          </li>
        ))}
      </ul>
    </Flex>
  );
}

/**
 * What an upgrade does to an instance's inputs, read from the backend before the user confirms:
 * inputs kept with their values, inputs the target version adds with their defaults, inputs it drops,
 * and required inputs without a default that the instance lacks (then the upgrade cannot succeed);
 * then what the deployment would do to its resources, when the control plane can tell. `onPlan` gets the plan once read, or undefined when it could not be.
 */
export function UpgradePreview(props: {
  /** The catalog entity of the instance's service. */
  entityRef: CompoundEntityRef;
  instanceName: string;
  deploymentType: InstanceDeploymentType;
  /** `major.minor` to preview instead of the recommended version (a campaign's target). */
  targetVersion?: string;
  onPlan?: (plan?: InstanceUpdatePlan) => void;
}) {
  const api = useApi(awsProtonApiRef);
  const [plan, setPlan] = useState<InstanceUpdatePlan>();
  const [error, setError] = useState<Error>();
  const { instanceName, deploymentType, targetVersion, onPlan } = props;
  const { kind, namespace, name } = props.entityRef;
  useEffect(() => {
    let live = true;
    api
      .planServiceInstanceUpdate(
        { kind, namespace, name },
        instanceName,
        deploymentType,
        targetVersion,
      )
      .then(
        found => {
          if (!live) return;
          setPlan(found);
          onPlan?.(found);
        },
        e => {
          if (!live) return;
          setError(e as Error);
          onPlan?.(undefined);
        },
      );
    return () => {
      live = false;
    };
  }, [
    api,
    kind,
    namespace,
    name,
    instanceName,
    deploymentType,
    targetVersion,
    onPlan,
  ]);

  if (error) {
    return (
      <Alert
        status="warning"
        title="The upgrade could not be previewed"
        description={error.message}
      />
    );
  }
  if (!plan) return <Skeleton width="100%" height={48} />;
  return (
    <Flex direction="column" gap="3">
      <InputsPreview plan={plan} instanceName={instanceName} />
      {plan.resources && (
        <ResourceChangesPreview
          resources={plan.resources}
          targetVersion={plan.targetVersion}
        />
      )}
    </Flex>
  );
}

function InputsPreview(props: {
  plan: InstanceUpdatePlan;
  instanceName: string;
}) {
  const { plan, instanceName } = props;
  const inputs = plan.inputs;
  if (!inputs) {
    return (
      <Text variant="body-small" color="secondary">
        The inputs of {plan.targetVersion} could not be compared with the
        instance's; Proton checks them when it deploys.
      </Text>
    );
  }
  return (
    <Flex direction="column" gap="2" role="region" aria-label="Upgrade preview">
      <Text variant="body-small" color="secondary">
        Inputs of {instanceName} under {plan.targetVersion}:
      </Text>
      <Group
        title="Kept"
        lines={inputs.kept.map(i => `${i.path}: ${shown(i.value)}`)}
      />
      <Group
        title="Added"
        lines={inputs.added.map(i =>
          i.default === undefined
            ? `${i.path}${
                i.required ? ' (required, no default)' : ' (no value)'
              }`
            : `${i.path}: ${shown(i.default)} (default)`,
        )}
      />
      <Group
        title="Dropped"
        lines={inputs.removed.map(i => `${i.path} (was ${shown(i.value)})`)}
      />
      {inputs.kept.length + inputs.added.length + inputs.removed.length ===
        0 && (
        <Text variant="body-small" color="secondary">
          The instance sets no inputs, and {plan.targetVersion} adds none.
        </Text>
      )}
      {inputs.missing.length > 0 && (
        <Alert
          status="danger"
          title="This upgrade needs inputs the instance does not have"
          description={`${plan.targetVersion} requires ${inputs.missing.join(
            ', ',
          )}, without a default: give ${
            inputs.missing.length === 1 ? 'it' : 'them'
          } in the instance's spec first.`}
        />
      )}
    </Flex>
  );
}
