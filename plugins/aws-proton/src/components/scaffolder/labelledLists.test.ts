import {
  addButtonLabel,
  LabelledListTemplate,
  labelledListsUiSchema,
  mergeUiSchemas,
} from './labelledLists';

describe('labelled lists', () => {
  it('says what the add button adds: the option, else the items’ title, else the list’s', () => {
    expect(
      addButtonLabel({
        schema: { title: 'Instances' },
        uiSchema: { 'ui:options': { addLabel: 'Add an instance' } },
      }),
    ).toBe('Add an instance');
    expect(
      addButtonLabel({
        schema: {
          title: 'Environment variables',
          items: { title: 'Environment variable' },
        },
      }),
    ).toBe('Add environment variable');
    expect(
      addButtonLabel({ schema: { items: { title: 'URL rewrite' } } }),
    ).toBe('Add URL rewrite');
    expect(addButtonLabel({ schema: { title: 'Environment variables' } })).toBe(
      'Add to Environment variables',
    );
    expect(addButtonLabel({ schema: {}, title: 'Subnets' })).toBe(
      'Add to Subnets',
    );
    expect(addButtonLabel({ schema: {} })).toBe('Add an item');
  });

  it('gives every list of a schema the labelled template, at any depth', () => {
    expect(
      labelledListsUiSchema({
        type: 'object',
        properties: {
          port: { type: 'integer' },
          environmentVariables: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                aliases: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      }),
    ).toEqual({
      environmentVariables: {
        'ui:ArrayFieldTemplate': LabelledListTemplate,
        items: { aliases: { 'ui:ArrayFieldTemplate': LabelledListTemplate } },
      },
    });
    expect(labelledListsUiSchema(undefined)).toEqual({});
  });

  it('merges uiSchemas, the second winning where both set a value', () => {
    expect(
      mergeUiSchemas(
        { items: { inputs: { a: 1 }, name: { b: 2 } }, 'ui:x': 1 },
        { items: { inputs: { 'ui:field': 'F' }, name: { b: 3 } } },
      ),
    ).toEqual({
      items: { inputs: { a: 1, 'ui:field': 'F' }, name: { b: 3 } },
      'ui:x': 1,
    });
  });
});
