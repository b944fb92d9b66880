import { Text } from '@backstage/ui';
import {
  describeDeploymentStatus,
  describeServiceStatus,
  ProtonStatusTone,
} from '@proton-platform/plugin-aws-proton-common';

const COLOR: Record<
  ProtonStatusTone,
  'success' | 'info' | 'warning' | 'danger' | 'secondary'
> = {
  ok: 'success',
  pending: 'info',
  warning: 'warning',
  error: 'danger',
  neutral: 'secondary',
};

/**
 * A Proton service or deployment status, with its label and colour.
 *
 * @public
 */
export function ProtonStatus(props: {
  status: string | undefined;
  kind: 'service' | 'deployment';
}) {
  const display =
    props.kind === 'service'
      ? describeServiceStatus(props.status)
      : describeDeploymentStatus(props.status);
  return (
    <Text
      as="span"
      weight="bold"
      color={COLOR[display.tone]}
      data-status={props.status}
      title={props.status}
    >
      {display.label}
    </Text>
  );
}
