import { Alert, Flex, Text } from '@backstage/ui';
import type {
  ProtonResourceChange,
  ProtonResourcesPreview,
} from '@proton-platform/plugin-aws-proton-common';

const GROUPS: Array<{ action: ProtonResourceChange['action']; title: string }> =
  [
    { action: 'create', title: 'Created' },
    { action: 'replace', title: 'Replaced' },
    { action: 'update', title: 'Updated in place' },
    { action: 'delete', title: 'Deleted' },
  ];

/**
 * A resource type as `pulumi preview` prints it: `aws:ecs/service:Service` becomes
 * `aws:ecs:Service`.
 */
export function displayedType(type: string): string {
  const [pkg, module, name] = type.split(':');
  if (name === undefined) return type;
  return `${pkg}:${module.split('/')[0]}:${name}`;
}

/**
 * What an upgrade would do to an instance's resources, as the control plane's runner computed it
 * (the `simulate` runner: the template's Pulumi program under the mock runtime): resources created,
 * replaced, updated in place (with the inputs that change) and deleted; or the failure the deployment
 * would meet; or why the resources cannot be known before deploying.
 */
export function ResourceChangesPreview(props: {
  resources: ProtonResourcesPreview;
  targetVersion: string;
}) {
  const { resources, targetVersion } = props;
  if (resources.failed) {
    return (
      <Alert
        status="danger"
        title={`The deployment of ${targetVersion} would fail`}
        description={
          <span style={{ whiteSpace: 'pre-wrap' }}>{resources.failed}</span>
        }
      />
    );
  }
  if (!resources.changes) {
    return (
      <Text variant="body-small" color="secondary">
        Resources: {resources.unavailable}
      </Text>
    );
  }
  const changes = resources.changes;
  return (
    <Flex
      direction="column"
      gap="1"
      role="region"
      aria-label="Resource changes"
    >
      <Text variant="body-small" color="secondary">
        Resources under {targetVersion} (planned without deploying):{' '}
        {changes.length === 0
          ? `no change, ${resources.unchanged ?? 0} unchanged`
          : `${changes.length} to change, ${
              resources.unchanged ?? 0
            } unchanged`}
      </Text>
      {GROUPS.map(({ action, title }) => {
        const items = changes.filter(change => change.action === action);
        if (items.length === 0) return null;
        return (
          <Flex direction="column" gap="1" key={action}>
            <Text variant="body-small" weight="bold">
              {title}
            </Text>
            <ul
              aria-label={title}
              style={{ margin: 0, paddingLeft: '1.25rem' }}
            >
              {items.map((item, index) => (
                // a type and name can repeat under other parents
                <li key={`${item.type}::${item.name}#${index}`}>
                  <Text variant="body-small">
                    {displayedType(item.type)} {item.name}
                    {item.changedInputs?.length
                      ? ` (${item.changedInputs.join(', ')})`
                      : ''}
                  </Text>
                </li>
              ))}
            </ul>
          </Flex>
        );
      })}
    </Flex>
  );
}
