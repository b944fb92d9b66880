import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
  TextField,
} from '@backstage/ui';
import { useState } from 'react';

/**
 * A dialog that deletes something only once the user has typed its name, as a guard against a
 * click on the wrong row: the Delete button stays disabled until the typed text matches. Shows the
 * error of a failed deletion and keeps the dialog open.
 */
export function ConfirmDeletionDialog(props: {
  isOpen: boolean;
  /** The dialog's title, e.g. `Delete the service orders`. */
  title: string;
  /** What the deletion does, in a sentence or two. */
  description: string;
  /** The name the user must type. */
  name: string;
  onClose: () => void;
  /** Deletes; a rejection is shown in the dialog. */
  onConfirm: () => Promise<void>;
}) {
  const { isOpen, title, description, name, onClose, onConfirm } = props;
  const [typed, setTyped] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error>();

  const close = () => {
    if (pending) return;
    setTyped('');
    setError(undefined);
    onClose();
  };
  const confirm = async () => {
    setPending(true);
    setError(undefined);
    try {
      await onConfirm();
      setTyped('');
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog
      isOpen={isOpen}
      onOpenChange={open => !open && close()}
      aria-label={title}
    >
      <DialogHeader>{title}</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text>{description}</Text>
          <TextField
            label={`Type ${name} to confirm`}
            value={typed}
            onChange={setTyped}
            isDisabled={pending}
            autoComplete="off"
          />
          {error && (
            <Alert
              status="danger"
              title="The deletion was refused"
              description={error.message}
            />
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" isDisabled={pending} onPress={close}>
          Cancel
        </Button>
        <Button
          variant="primary"
          destructive
          isPending={pending}
          isDisabled={typed !== name}
          onPress={confirm}
        >
          Delete
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
