import { Flex, Link, Tag, TagGroup, Text } from '@backstage/ui';
import {
  isSimulated,
  PROTON_SIMULATED_OUTPUT_KEY,
  ProtonOutput,
} from '@proton-platform/plugin-aws-proton-common';
import { CopyButton } from '../CopyButton/CopyButton';

const URL = /^https?:\/\/\S+$/;

/**
 * The outputs of an environment or service instance: each can be copied, and URLs open. Outputs the
 * control plane's `simulate` runner computed are marked as simulated, and their URLs are not links.
 *
 * @public
 */
export function OutputList(props: { outputs: ProtonOutput[] }) {
  const outputs = props.outputs.filter(
    o => o.key !== PROTON_SIMULATED_OUTPUT_KEY,
  );
  // a simulated deployment's URLs name hosts that do not exist: shown, not linked
  const simulated = isSimulated(props.outputs);
  if (outputs.length === 0) {
    return (
      <Text variant="body-small" color="secondary">
        No outputs
      </Text>
    );
  }
  return (
    <Flex direction="column" gap="1">
      {simulated && (
        <TagGroup aria-label="Simulated">
          <Tag size="small" id="simulated">
            simulated: nothing was created
          </Tag>
        </TagGroup>
      )}
      {outputs.map(({ key, value }) => (
        <Flex key={key} gap="2" align="center">
          <Text variant="body-small" weight="bold">
            {key}
          </Text>
          {URL.test(value) && !simulated ? (
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
          {value && <CopyButton name={key} value={value} />}
        </Flex>
      ))}
    </Flex>
  );
}
