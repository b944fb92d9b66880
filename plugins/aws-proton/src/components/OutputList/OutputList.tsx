import {
  ButtonIcon,
  Flex,
  Link,
  Tag,
  TagGroup,
  Text,
  Tooltip,
  TooltipTrigger,
} from '@backstage/ui';
import { RiCheckLine, RiFileCopyLine } from '@remixicon/react';
import { useEffect, useState } from 'react';
import useCopyToClipboard from 'react-use/esm/useCopyToClipboard';
import {
  isSimulated,
  PROTON_SIMULATED_OUTPUT_KEY,
  ProtonOutput,
} from '@proton-platform/plugin-aws-proton-common';

const URL = /^https?:\/\/\S+$/;
/** How long the button shows that it copied, in milliseconds. */
const COPIED_FOR_MS = 2000;

/**
 * The design system's small icon button that copies one output's value; its label names the output,
 * and after a copy it shows a check mark and "Copied" (or "Could not copy") for two seconds. Copying
 * works outside secure contexts too (react-use falls back to a hidden text field).
 */
function CopyButton(props: { name: string; value: string }) {
  const [state, copy] = useCopyToClipboard();
  const [justCopied, setJustCopied] = useState(false);
  useEffect(() => {
    if (!justCopied) return undefined;
    const timer = setTimeout(() => setJustCopied(false), COPIED_FOR_MS);
    return () => clearTimeout(timer);
  }, [justCopied]);
  let label = `Copy ${props.name}`;
  if (justCopied) {
    label = state.error
      ? `Could not copy ${props.name}`
      : `Copied ${props.name}`;
  }
  return (
    <TooltipTrigger>
      <ButtonIcon
        size="small"
        variant="tertiary"
        aria-label={label}
        icon={justCopied && !state.error ? <RiCheckLine /> : <RiFileCopyLine />}
        onPress={() => {
          copy(props.value);
          setJustCopied(true);
        }}
      />
      <Tooltip>{label}</Tooltip>
    </TooltipTrigger>
  );
}

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
