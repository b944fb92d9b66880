import { Flex, Tag, TagGroup, Text } from '@backstage/ui';
import { TemplateVersionStanding } from '@proton-platform/plugin-aws-proton-common';

/**
 * The template version a resource runs, with an "upgrade available" badge when a newer version is
 * recommended.
 *
 * @public
 */
export function TemplateVersion(props: { standing: TemplateVersionStanding }) {
  const { version, minorUpgradeAvailable, majorUpgradeAvailable } =
    props.standing;
  const target = minorUpgradeAvailable
    ? props.standing.recommendedMinorVersion
    : props.standing.recommendedVersion;
  return (
    <Flex gap="1" direction="column" align="start">
      <Text variant="body-small">{version}</Text>
      {(minorUpgradeAvailable || majorUpgradeAvailable) && (
        <TagGroup aria-label="Template version">
          <Tag size="small" id="upgrade">
            {`upgrade available: ${target}`}
          </Tag>
        </TagGroup>
      )}
    </Flex>
  );
}
