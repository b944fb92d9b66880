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
import { withTheme } from '@rjsf/core';
import { Theme } from '@rjsf/material-ui';
import {
  ariaDescribedByIds,
  enumOptionsIndexForValue,
  enumOptionsValueForIndex,
  getDefaultFormState,
  WidgetProps,
} from '@rjsf/utils';
import { TextField } from '@material-ui/core';
import validator from '@rjsf/validator-ajv8';
import { useEffect, useMemo, useState } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import {
  inputsJsonSchema,
  issuesErrorSchema,
  validateInputs,
} from '../scaffolder/templateInputsValidation';

// The wizard's form renderer (rjsf, Material UI theme), so that the fields look and behave alike
const Form = withTheme(Theme);

/**
 * The theme's select opens its options in a popover outside the dialog, which the modal dialog
 * hides from assistive technology and takes focus back from; a native select stays inside it.
 */
function NativeSelectWidget(props: WidgetProps) {
  const { id, options, value, label, required, disabled, readonly } = props;
  const { enumOptions = [], emptyValue } = options;
  const index = enumOptionsIndexForValue(value, enumOptions, false);
  const valueAt = (target: { value: string }) =>
    enumOptionsValueForIndex(target.value, enumOptions, emptyValue);
  return (
    <TextField
      id={id}
      select
      fullWidth
      label={label}
      required={required}
      disabled={disabled || readonly}
      error={(props.rawErrors ?? []).length > 0}
      value={index === undefined ? '' : String(index)}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      inputProps={{ 'aria-describedby': ariaDescribedByIds(id) }}
      onChange={event => props.onChange(valueAt(event.target))}
      onBlur={event => props.onBlur(id, valueAt(event.target))}
      onFocus={event => props.onFocus(id, valueAt(event.target))}
    >
      {props.schema.default === undefined && <option value="" />}
      {enumOptions.map((option, i) => (
        <option key={i} value={String(i)}>
          {option.label}
        </option>
      ))}
    </TextField>
  );
}

interface Loaded {
  view: ServiceInstanceInputsView;
  schema: ProtonSchema;
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
        setFormData(
          getDefaultFormState(
            validator,
            inputsJsonSchema(schema, 'service') as any,
            view.inputs,
          ) as Record<string, unknown>,
        );
      })
      .catch(e => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, [api, kind, namespace, name, instanceName, isOpen]);

  const jsonSchema = useMemo(
    () => (loaded ? inputsJsonSchema(loaded.schema, 'service') : undefined),
    [loaded],
  );
  // Bad values show under their field as they are entered; missing required ones once the user
  // tries to deploy, not while the form is being filled in
  const issues = useMemo(
    () =>
      loaded ? validateInputs(loaded.schema, 'service', formData, '') : [],
    [loaded, formData],
  );
  const shownIssues = submitted
    ? issues
    : issues.filter(issue => issue.message !== 'is required');

  const deploy = async () => {
    setSubmitted(true);
    if (issues.length > 0) return;
    setPending(true);
    setError(undefined);
    try {
      await api.updateServiceInstanceInputs(
        { kind, namespace, name },
        instanceName,
        formData,
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
          {jsonSchema && (
            <Form
              schema={jsonSchema as any}
              formData={formData}
              validator={validator}
              widgets={{ SelectWidget: NativeSelectWidget }}
              noValidate
              noHtml5Validate
              showErrorList={false}
              extraErrors={issuesErrorSchema(shownIssues) as any}
              disabled={pending}
              uiSchema={{ 'ui:submitButtonOptions': { norender: true } }}
              onChange={event =>
                setFormData((event.formData ?? {}) as Record<string, unknown>)
              }
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
