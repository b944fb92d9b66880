import { ProtonApiError } from './errors';
import { validateOperationInput } from './inputValidation';

function failure(shape: string, input: unknown): ProtonApiError {
  try {
    validateOperationInput(shape, input);
  } catch (error) {
    if (error instanceof ProtonApiError) return error;
    throw error;
  }
  throw new Error('expected the input to be refused');
}

describe('validateOperationInput', () => {
  it('accepts a valid input and ignores members the model does not know', () => {
    expect(() =>
      validateOperationInput('CreateServiceTemplateInput', {
        name: 'my-template_1',
        description: 'x'.repeat(500),
        tags: [{ key: 'team', value: '' }],
        somethingElse: 1,
      }),
    ).not.toThrow();
  });

  it('reports a missing required member as AWS does', () => {
    const error = failure('GetServiceTemplateInput', {});
    expect(error.errorName).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  });

  it('reports pattern, length and enum violations, counting them', () => {
    const error = failure('UpdateServiceTemplateVersionInput', {
      templateName: '-bad',
      majorVersion: '01',
      minorVersion: '0',
      status: 'RETIRED',
      description: 'y'.repeat(501),
    });
    expect(error.message).toMatch(/^4 validation errors detected: /);
    expect(error.message).toContain(
      "Value '-bad' at 'templateName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9A-Za-z]+[0-9A-Za-z_\\-]*$",
    );
    expect(error.message).toContain("Value '01' at 'majorVersion'");
    expect(error.message).toContain(
      'Member must satisfy enum value set: [REGISTRATION_IN_PROGRESS, REGISTRATION_FAILED, DRAFT, PUBLISHED]',
    );
    // Description is sensitive in the model: its value is not echoed.
    expect(error.message).toContain(
      "Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 500",
    );
  });

  it('checks integer ranges such as maxResults 1..100', () => {
    expect(
      failure('ListServiceTemplatesInput', { maxResults: 101 }).message,
    ).toContain(
      "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    expect(
      failure('ListServiceTemplatesInput', { maxResults: 0 }).message,
    ).toContain('Member must have value greater than or equal to 1');
  });

  it('names list members by their 1-based index and checks list sizes', () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({
      key: `k${i}`,
      value: 'v',
    }));
    tags[1] = { key: '', value: 'v' };
    const error = failure('CreateServiceTemplateInput', { name: 'a', tags });
    expect(error.message).toContain(
      "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
    expect(error.message).toContain(
      "Value '' at 'tags.2.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('checks nested structures and unions', () => {
    const error = failure('CreateEnvironmentTemplateVersionInput', {
      templateName: 'env',
      source: { s3: { bucket: 'B!', key: '' } },
    });
    expect(error.message).toContain("at 'source.s3.bucket'");
    expect(error.message).toContain("at 'source.s3.key'");
    expect(
      failure('CreateEnvironmentTemplateVersionInput', {
        templateName: 'env',
        source: {},
      }).message,
    ).toContain(
      "Value at 'source' failed to satisfy constraint: Member must have exactly one of s3 set",
    );
  });

  it('refuses values of the wrong JSON type as a SerializationException', () => {
    const error = failure('ListServiceTemplatesInput', { maxResults: '10' });
    expect(error.errorName).toBe('SerializationException');
    expect(error.statusCode).toBe(400);
    expect(failure('ListServiceTemplatesInput', [1]).errorName).toBe(
      'SerializationException',
    );
    expect(
      failure('ListServiceTemplatesInput', { maxResults: 1.5 }).errorName,
    ).toBe('SerializationException');
  });
});
