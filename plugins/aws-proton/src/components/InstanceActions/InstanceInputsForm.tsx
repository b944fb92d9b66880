import { TextField } from '@material-ui/core';
import {
  ProtonSchema,
  ProtonValidationIssue,
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
import validator from '@rjsf/validator-ajv8';
import { useMemo } from 'react';
import {
  inputsJsonSchema,
  issuesErrorSchema,
  validateInputs,
} from '../scaffolder/templateInputsValidation';
import { labelledListsUiSchema } from '../scaffolder/labelledLists';

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

/**
 * Service instance inputs filled in with a version's defaults where `inputs` sets none, as the
 * wizard fills them in.
 */
export function withSchemaDefaults(
  schema: ProtonSchema,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  return getDefaultFormState(
    validator,
    inputsJsonSchema(schema, 'service') as any,
    inputs,
  ) as Record<string, unknown>;
}

/**
 * Every problem of service instance inputs under `schema`, with the scaffolder's rules: what a
 * dialog checks before it deploys.
 */
export function useInputsIssues(
  schema: ProtonSchema | undefined,
  inputs: Record<string, unknown>,
): ProtonValidationIssue[] {
  return useMemo(
    () => (schema ? validateInputs(schema, 'service', inputs, '') : []),
    [schema, inputs],
  );
}

/**
 * A form of one service instance's inputs, generated from a template version's `schema.yaml`
 * through the wizard's renderer. It shows `issues` under their fields; until `submitted`, missing
 * required values are not shown (they are reported when the user deploys, not while filling in).
 */
export function InstanceInputsForm(props: {
  schema: ProtonSchema;
  inputs: Record<string, unknown>;
  onChange: (inputs: Record<string, unknown>) => void;
  issues: ProtonValidationIssue[];
  submitted: boolean;
  disabled?: boolean;
}) {
  const { schema, inputs, onChange, issues, submitted, disabled } = props;
  const jsonSchema = useMemo(
    () => inputsJsonSchema(schema, 'service'),
    [schema],
  );
  const uiSchema = useMemo(
    () => ({
      ...labelledListsUiSchema(jsonSchema),
      'ui:submitButtonOptions': { norender: true },
    }),
    [jsonSchema],
  );
  const shown = submitted
    ? issues
    : issues.filter(issue => issue.message !== 'is required');
  return (
    <Form
      schema={jsonSchema as any}
      formData={inputs}
      validator={validator}
      widgets={{ SelectWidget: NativeSelectWidget }}
      noValidate
      noHtml5Validate
      showErrorList={false}
      extraErrors={issuesErrorSchema(shown) as any}
      disabled={disabled}
      uiSchema={uiSchema}
      onChange={event =>
        onChange((event.formData ?? {}) as Record<string, unknown>)
      }
    />
  );
}
