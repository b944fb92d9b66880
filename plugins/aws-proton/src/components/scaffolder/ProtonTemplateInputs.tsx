import { FormHelperText, Typography } from '@material-ui/core';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { useLayoutEffect, useMemo } from 'react';
import { choiceVersion, resolveTemplateChoice } from './templateChoice';
import {
  inputsJsonSchema,
  inputsKindOf,
  issuesErrorSchema,
  loadTemplateSchema,
  ProtonTemplateInputsOptions,
  validateInputs,
} from './templateInputsValidation';
import { useCatalogRead, useTemplateCatalog } from './useTemplateCatalog';
import { labelledListsUiSchema } from './labelledLists';

/**
 * Renders the inputs that the chosen template version's `schema.yaml` declares as form fields
 * (types, enums, defaults, bounds, patterns, required, descriptions), through the wizard's own
 * form renderer. Its value is the mapping of input names to values; the wizard validates it before
 * moving on with the same rules as the actions.
 *
 * @public
 */
export function ProtonTemplateInputs(
  props: FieldExtensionComponentProps<
    Record<string, unknown>,
    ProtonTemplateInputsOptions
  >,
) {
  const {
    formData,
    onChange,
    uiSchema,
    registry,
    idSchema,
    formContext,
    schema: fieldSchema,
  } = props;
  const options = uiSchema?.['ui:options'] ?? {};
  const choice = resolveTemplateChoice(options, formContext?.formData);
  const kind = inputsKindOf(options);
  const client = useTemplateCatalog();
  const loaded = useCatalogRead(
    choice ? `${choice.name}/${choiceVersion(choice)}/${kind}` : undefined,
    () => (choice ? loadTemplateSchema(client, options, choice) : undefined),
  );
  const jsonSchema = useMemo(
    () => (loaded.value ? inputsJsonSchema(loaded.value, kind) : undefined),
    [loaded.value, kind],
  );
  // every list input says what its add button adds
  const inputsUiSchema = useMemo(
    () => labelledListsUiSchema(jsonSchema),
    [jsonSchema],
  );
  // Each bad value's error under its field as soon as it is entered; missing required values are
  // reported when the wizard moves on, not while the form is still being filled in
  const errorSchema = useMemo(
    () =>
      loaded.value && formData
        ? issuesErrorSchema(
            validateInputs(loaded.value, kind, formData, '').filter(
              issue => issue.message !== 'is required',
            ),
          )
        : undefined,
    [loaded.value, kind, formData],
  );

  // The wizard fills in defaults from its own schema only; these come from the template's. A layout
  // effect, so that no keystroke can land between this render and the change: the change is made from
  // the form data of this render, and would undo a keystroke made in between (the instance's name, say)
  useLayoutEffect(() => {
    if (!jsonSchema) return;
    const filled = registry.schemaUtils.getDefaultFormState(
      jsonSchema as any,
      formData ?? {},
    );
    if (JSON.stringify(filled) !== JSON.stringify(formData)) {
      onChange(filled as Record<string, unknown>);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jsonSchema]);

  if (!choice) {
    return (
      <Typography color="textSecondary">
        Choose a template first; its inputs appear here.
      </Typography>
    );
  }
  if (loaded.error) {
    return <FormHelperText error>{loaded.error.message}</FormHelperText>;
  }
  if (!jsonSchema) {
    return (
      <Typography color="textSecondary">
        Loading the inputs of {choice.name}…
      </Typography>
    );
  }
  const { SchemaField } = registry.fields;
  const schema = {
    ...jsonSchema,
    title: fieldSchema.title ?? jsonSchema.title,
    description: fieldSchema.description ?? jsonSchema.description,
  };
  return (
    <SchemaField
      {...props}
      schema={schema as any}
      uiSchema={inputsUiSchema}
      idSchema={registry.schemaUtils.toIdSchema(
        schema as any,
        idSchema.$id,
        formData,
      )}
      formData={formData ?? {}}
      errorSchema={errorSchema as any}
      onChange={value => onChange(value as Record<string, unknown>)}
    />
  );
}
