import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Skeleton,
  Text,
} from '@backstage/ui';
import {
  parseProtonSchema,
  ProtonSchema,
  ServiceInstanceInputsView,
} from '@proton-platform/plugin-aws-proton-common';
import { useEffect, useState } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import {
  InstanceInputsForm,
  useInputsIssues,
  withSchemaDefaults,
} from './InstanceInputsForm';

interface Loaded {
  view: ServiceInstanceInputsView;
  schema: ProtonSchema;
}

/**
 * The inputs to deploy: those the spec sets, and those the user changed from the default shown.
 * An input left at its default stays out of the spec, so that a later version's default applies.
 */
function changedInputs(
  loaded: Loaded,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const shown = withSchemaDefaults(loaded.schema, loaded.view.inputs);
  return Object.fromEntries(
    Object.entries(values).filter(
      ([key, value]) =>
        key in loaded.view.inputs ||
        JSON.stringify(value) !== JSON.stringify(shown[key]),
    ),
  );
}

/**
 * A form of one service instance's inputs, generated from the `schema.yaml` of the template version
 * it runs and filled with the values its spec sets (defaults where it sets none). Values are checked
 * as they are entered with the scaffolder's rules, required ones when the user deploys; then the
 * instance is deployed again on its version with the new inputs.
 */
export function EditInputsDialog(props: {
  /** The catalog entity of the instance's service. */
  entityRef: CompoundEntityRef;
  instanceName: string;
  isOpen: boolean;
  onClose: () => void;
  /** Called once the deployment has started. */
  onStarted: () => void;
}) {
  const { entityRef, instanceName, isOpen, onClose, onStarted } = props;
  const api = useApi(awsProtonApiRef);
  const [loaded, setLoaded] = useState<Loaded>();
  const [loadError, setLoadError] = useState<Error>();
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error>();
  const { kind, namespace, name } = entityRef;

  useEffect(() => {
    if (!isOpen) return undefined;
    let live = true;
    setLoaded(undefined);
    setLoadError(undefined);
    setError(undefined);
    setSubmitted(false);
    api
      .getServiceInstanceInputs({ kind, namespace, name }, instanceName)
      .then(view => {
        if (!live) return;
        const schema = parseProtonSchema(view.schema);
        setLoaded({ view, schema });
        // the defaults of the inputs the spec does not set, as the wizard fills them in
        setFormData(withSchemaDefaults(schema, view.inputs));
      })
      .catch(e => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, [api, kind, namespace, name, instanceName, isOpen]);

  const issues = useInputsIssues(loaded?.schema, formData);

  const deploy = async () => {
    setSubmitted(true);
    if (issues.length > 0) return;
    setPending(true);
    setError(undefined);
    try {
      await api.updateServiceInstanceInputs(
        { kind, namespace, name },
        instanceName,
        changedInputs(loaded!, formData),
      );
      onStarted();
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(false);
    }
  };

  const title = `Edit the inputs of ${instanceName}`;
  return (
    <Dialog
      isOpen={isOpen}
      onOpenChange={open => !open && !pending && onClose()}
      width={640}
      aria-label={title}
    >
      <DialogHeader>{title}</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          {loaded && (
            <Text>
              Deploys {instanceName} in {loaded.view.environmentName} again with{' '}
              {loaded.view.templateName} {loaded.view.templateVersion} and these
              inputs.
            </Text>
          )}
          {loadError && (
            <Alert
              status="danger"
              title="The inputs could not be read"
              description={loadError.message}
            />
          )}
          {!loaded && !loadError && (
            <Skeleton width="100%" height={160} aria-label="Loading inputs" />
          )}
          {loaded && (
            <InstanceInputsForm
              schema={loaded.schema}
              inputs={formData}
              onChange={setFormData}
              issues={issues}
              submitted={submitted}
              disabled={pending}
            />
          )}
          {submitted && issues.length > 0 && (
            <Alert
              status="warning"
              title={
                issues.length === 1
                  ? '1 input needs a change before deploying'
                  : `${issues.length} inputs need a change before deploying`
              }
            />
          )}
          {error && (
            <Alert
              status="danger"
              title="Proton refused the deployment"
              description={error.message}
            />
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" isDisabled={pending} onPress={onClose}>
          Cancel
        </Button>
        <Button
          variant="primary"
          isPending={pending}
          isDisabled={!loaded}
          onPress={deploy}
        >
          Deploy
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
