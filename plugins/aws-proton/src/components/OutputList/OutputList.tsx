import { CopyTextButton } from '@backstage/core-components';
import { Flex, Link, Text } from '@backstage/ui';
import { ProtonOutput } from '@proton-platform/plugin-aws-proton-common';

const URL = /^https?:\/\/\S+$/;

/**
 * The outputs of an environment or service instance: each can be copied, and URLs open.
 *
 * @public
 */
export function OutputList(props: { outputs: ProtonOutput[] }) {
  if (props.outputs.length === 0) {
    return (
      <Text variant="body-small" color="secondary">
        No outputs
      </Text>
    );
  }
  return (
    <Flex direction="column" gap="1">
      {props.outputs.map(({ key, value }) => (
        <Flex key={key} gap="2" align="center">
          <Text variant="body-small" weight="bold">
            {key}
          </Text>
          {URL.test(value) ? (
            <Link
              href={value}
              target="_blank"
              rel="noopener noreferrer"
              variant="body-small"
            >
              {value}
            </Link>
          ) : (
            <Text variant="body-small" truncate title={value}>
              {value || '—'}
            </Text>
          )}
          {value && (
            <CopyTextButton text={value} tooltipText={`Copied ${key}`} />
          )}
        </Flex>
      ))}
    </Flex>
  );
}
