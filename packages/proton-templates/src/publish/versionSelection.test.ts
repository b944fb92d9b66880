import { parseProtonSchema } from '@proton-platform/plugin-aws-proton-common';
import { selectTemplateVersion } from './versionSelection';

function schema(
  properties: Record<string, string>,
  required: string[] = [],
): string {
  return `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: Input
  types:
    Input:
      type: object
      properties:
${Object.entries(properties)
  .map(([name, type]) => `        ${name}:\n          type: ${type}\n`)
  .join('')}${
    required.length ? `      required: [${required.join(', ')}]\n` : ''
  }`;
}

describe('selectTemplateVersion', () => {
  const loadSchema = jest.fn();
  const versions = [
    { major: 1, minor: 0, status: 'PUBLISHED' },
    { major: 1, minor: 1, status: 'DRAFT' },
    { major: 1, minor: 2, status: 'REGISTRATION_FAILED' },
  ];

  beforeEach(() => loadSchema.mockResolvedValue(schema({ port: 'number' })));

  it('starts a new major version for a template without registered versions', async () => {
    const next = parseProtonSchema(schema({ port: 'number' }));
    await expect(
      selectTemplateVersion({
        versions: versions.slice(2),
        schema: next,
        loadSchema,
      }),
    ).resolves.toEqual({
      reason: 'the template has no registered version yet',
    });
  });

  it('adds a minor version to the latest registered version when compatible', async () => {
    const next = parseProtonSchema(schema({ port: 'number', name: 'string' }));
    const selection = await selectTemplateVersion({
      versions,
      schema: next,
      loadSchema,
    });
    expect(selection).toEqual({
      major: 1,
      comparedWith: '1.1',
      reason: 'the schema is backward compatible with 1.1',
    });
    expect(loadSchema).toHaveBeenCalledWith(1, 1);
  });

  it('starts a new major version when incompatible, saying why', async () => {
    const next = parseProtonSchema(schema({ port: 'string' }));
    const selection = await selectTemplateVersion({
      versions,
      schema: next,
      loadSchema,
    });
    expect(selection.major).toBeUndefined();
    expect(selection.reason).toMatch(
      /^the schema is not backward compatible with 1\.1: environment input port/,
    );
  });

  it('follows a requested major version', async () => {
    const next = parseProtonSchema(schema({ port: 'string' }));
    await expect(
      selectTemplateVersion({
        requestedMajor: 3,
        versions,
        schema: next,
        loadSchema,
      }),
    ).resolves.toMatchObject({ major: 3 });
  });
});
