import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { ArrayFieldTemplateItemType } from '@rjsf/utils';
import { cloneElement, isValidElement, useMemo } from 'react';
import {
  LabelledListTemplate,
  labelledListsUiSchema,
  mergeUiSchemas,
} from './labelledLists';

/** `Instance dev` once the item's name is entered, `Instance 2` before. */
function instanceItemTitle(item: unknown, index: number): string {
  const name = (item as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name.trim()
    ? `Instance ${name.trim()}`
    : `Instance ${index + 1}`;
}

/** The theme's item template, its form titled after the instance instead of `Instances-1`. */
function InstanceItem(props: ArrayFieldTemplateItemType) {
  const Item = props.registry.templates.ArrayFieldItemTemplate;
  const form = props.children;
  if (!isValidElement<{ formData?: unknown; title?: string }>(form)) {
    return <Item {...props} />;
  }
  const title = instanceItemTitle(form.props.formData, props.index);
  return <Item {...props}>{cloneElement(form, { title })}</Item>;
}

/**
 * The list of a new service's instances: the form's own list (items, remove buttons, errors), each
 * item titled by the instance's name once entered, and an "Add an instance" button. Its items are
 * those of the schema (`name`, `environment`, `inputs` with `ProtonTemplateInputs`), whose inputs the
 * field's validation checks as `ProtonTemplateInputs` does.
 *
 * @public
 */
export function ProtonServiceInstances(
  props: FieldExtensionComponentProps<unknown[]>,
) {
  const { registry, uiSchema, schema } = props;
  const listUiSchema = useMemo(
    () => ({
      // lists inside the items (inputs written into the template) say what they add too
      ...mergeUiSchemas(labelledListsUiSchema(schema as any), uiSchema ?? {}),
      'ui:options': {
        addLabel: 'Add an instance',
        ...uiSchema?.['ui:options'],
      },
      'ui:ArrayFieldTemplate': LabelledListTemplate,
      'ui:ArrayFieldItemTemplate': InstanceItem,
    }),
    [schema, uiSchema],
  );
  const { ArrayField } = registry.fields;
  return <ArrayField {...(props as any)} uiSchema={listUiSchema} />;
}
