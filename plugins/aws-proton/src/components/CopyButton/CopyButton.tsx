import { ButtonIcon, Tooltip, TooltipTrigger } from '@backstage/ui';
import { RiCheckLine, RiFileCopyLine } from '@remixicon/react';
import { useEffect, useState } from 'react';
import useCopyToClipboard from 'react-use/esm/useCopyToClipboard';

/** How long the button shows that it copied, in milliseconds. */
const COPIED_FOR_MS = 2000;

/**
 * The design system's small icon button that copies one value; its label names the value ("Copy
 * the ARN"), and after a copy it shows a check mark and "Copied …" (or "Could not copy …") for two
 * seconds. Copying works outside secure contexts too (react-use falls back to a hidden text field).
 */
export function CopyButton(props: { name: string; value: string }) {
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
