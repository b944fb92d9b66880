import { Flex, Text } from '@backstage/ui';
import { parseProtonArn } from '@proton-platform/plugin-aws-proton-common';
import { CopyButton } from '../CopyButton/CopyButton';

/**
 * A Proton resource's ARN, AWS account and Region, each shown in full and copyable (what a developer
 * pastes into the AWS CLI or a support ticket).
 */
export function ResourceIdentity(props: { arn: string }) {
  let parts: Array<[string, string, string]>;
  try {
    const arn = parseProtonArn(props.arn);
    parts = [
      ['ARN', props.arn, 'the ARN'],
      ['Account', arn.accountId, 'the account ID'],
      ['Region', arn.region, 'the Region'],
    ];
  } catch {
    parts = [['ARN', props.arn, 'the ARN']];
  }
  return (
    <Flex gap="3" align="center" style={{ flexWrap: 'wrap' }}>
      {parts.map(([label, value, name]) => (
        <Flex key={label} gap="1" align="center">
          <Text variant="body-x-small" color="secondary">
            {label}
          </Text>
          <Text variant="body-x-small" style={{ overflowWrap: 'anywhere' }}>
            {value}
          </Text>
          <CopyButton name={name} value={value} />
        </Flex>
      ))}
    </Flex>
  );
}
