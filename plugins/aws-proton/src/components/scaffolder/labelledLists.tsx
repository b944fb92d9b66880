import { Box, Button } from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import { JsonSchema } from '@proton-platform/plugin-aws-proton-common';
import { ArrayFieldTemplateProps, getUiOptions } from '@rjsf/utils';

/**
 * What a list's add button says: `addLabel` from the list's `ui:options`, else from its schema
 * (`Add environment variable` when the items have a title, `Add to Environment variables` when only
 * the list has one).
 */
export function addButtonLabel(props: {
  schema: { title?: string; items?: unknown };
  uiSchema?: Record<string, any>;
  title?: string;
}): string {
  const label = getUiOptions(props.uiSchema).addLabel;
  if (typeof label === 'string' && label) return label;
  const items = props.schema.items as { title?: unknown } | undefined;
  if (typeof items?.title === 'string' && items.title) {
    // "Environment variable" reads "Add environment variable"; an acronym ("URL rewrite") stays
    const title = items.title;
    const lower = /^.[a-z]/.test(title)
      ? `${title.charAt(0).toLowerCase()}${title.slice(1)}`
      : title;
    return `Add ${lower}`;
  }
  const title = props.schema.title ?? props.title;
  return title ? `Add to ${title}` : 'Add an item';
}

/**
 * The theme's list, with a button that says what it adds instead of a bare `+` (which screen readers
 * announce as "Add Item" and sighted users must guess).
 */
export function LabelledListTemplate(props: ArrayFieldTemplateProps) {
  const List = props.registry.templates.ArrayFieldTemplate;
  return (
    <>
      <List {...props} canAdd={false} />
      {props.canAdd && (
        <Box mt={1} display="flex" justifyContent="flex-end">
          <Button
            variant="outlined"
            color="primary"
            size="small"
            startIcon={<AddIcon />}
            onClick={props.onAddClick}
            disabled={props.disabled || props.readonly}
          >
            {addButtonLabel(props)}
          </Button>
        </Box>
      )}
    </>
  );
}

/**
 * A `uiSchema` that gives every list in `schema` (at any depth: properties of objects, items of
 * lists) the {@link LabelledListTemplate}.
 */
export function labelledListsUiSchema(
  schema: JsonSchema | undefined,
): Record<string, unknown> {
  const ui: Record<string, unknown> = {};
  if (!schema || typeof schema !== 'object') return ui;
  if (schema.type === 'array') {
    ui['ui:ArrayFieldTemplate'] = LabelledListTemplate;
    const items = labelledListsUiSchema(schema.items as JsonSchema | undefined);
    if (Object.keys(items).length > 0) ui.items = items;
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const nested = labelledListsUiSchema(property as JsonSchema);
    if (Object.keys(nested).length > 0) ui[name] = nested;
  }
  return ui;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/** Two `uiSchema`s in one, nested objects merged; where both set a value, `over`'s wins. */
export function mergeUiSchemas(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = merged[key];
    merged[key] =
      isPlainObject(under) && isPlainObject(value)
        ? mergeUiSchemas(under, value)
        : value;
  }
  return merged;
}
