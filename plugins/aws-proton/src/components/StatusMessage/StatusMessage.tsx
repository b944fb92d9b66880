import {
  Button,
  Dialog,
  DialogBody,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { useState } from 'react';

/** Longer messages, or any of several lines, show a summary with the full text one click away. */
const INLINE_CHARS = 160;

/**
 * A statusMessage (of a deployment, a campaign target, a template version) where it sits in a card
 * or a table cell: in full when it is short; otherwise its first line, cut at about 160 characters,
 * and "Show the full message", which opens the whole text in a panel that keeps its lines.
 *
 * @param subject - what the message is about, in words ("orders/dev"): the panel's title and the
 *   button's accessible name
 */
export function StatusMessage(props: {
  message: string;
  subject: string;
  variant?: 'body-small' | 'body-x-small' | 'body-medium';
  color?: 'secondary' | 'danger';
}) {
  const { message, subject } = props;
  const [open, setOpen] = useState(false);
  const variant = props.variant ?? 'body-small';
  const color = props.color ?? 'secondary';
  const text = message.trim();
  const firstLine = text.split('\n')[0];
  if (text.length <= INLINE_CHARS && firstLine === text) {
    return (
      <Text
        variant={variant}
        color={color}
        style={{ overflowWrap: 'anywhere' }}
      >
        {text}
      </Text>
    );
  }
  const summary =
    firstLine.length > INLINE_CHARS
      ? `${firstLine.slice(0, INLINE_CHARS).trimEnd()}…`
      : `${firstLine}…`;
  return (
    <Flex direction="column" gap="1" align="start">
      <Text
        variant={variant}
        color={color}
        style={{ overflowWrap: 'anywhere' }}
      >
        {summary}
      </Text>
      <Button
        size="small"
        variant="tertiary"
        aria-label={`Show the full message of ${subject}`}
        onPress={() => setOpen(true)}
      >
        Show the full message
      </Button>
      <Dialog isOpen={open} onOpenChange={setOpen} width={720}>
        <DialogHeader>Message of {subject}</DialogHeader>
        <DialogBody>
          <Text
            as="p"
            variant="body-medium"
            style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
          >
            {text}
          </Text>
        </DialogBody>
      </Dialog>
    </Flex>
  );
}
