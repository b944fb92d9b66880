import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { parseProtonSchema } from '@proton-platform/plugin-aws-proton-common';
import {
  inputsJsonSchema,
  validateInputs,
  validateTemplateInputs,
} from './templateInputsValidation';
import { catalogApis, SERVICE_SCHEMA } from './testFixtures';

const ENVIRONMENT_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "EnvInputs"
  types:
    EnvInputs:
      type: object
      properties:
        natGateways:
          type: string
          enum: ["None", "Single"]
`;

describe('the validation of ProtonTemplateInputs', () => {
  const apis = catalogApis();
  const apiHolder = {
    get: (ref: { id: string }) =>
      ({
        [discoveryApiRef.id]: apis.discoveryApi,
        [fetchApiRef.id]: apis.fetchApi,
      }[ref.id] as any),
  };

  it('checks a field of its own, with the template fixed by ui:options', async () => {
    const errors: string[] = [];
    await validateTemplateInputs(
      { port: 0, cpu: 300 },
      { addError: message => errors.push(message) },
      {
        apiHolder,
        formData: {},
        uiSchema: {
          'ui:field': 'ProtonTemplateInputs',
          'ui:options': {
            templateName: 'fargate-service',
            templateMajorVersion: '1',
            templateMinorVersion: '1',
          },
        },
      },
    );
    expect(errors).toEqual([
      'path: is required',
      'port: must be >= 1',
      'cpu: must be one of 256, 512, 1024',
    ]);
  });

  it('does nothing until a template is picked', async () => {
    const addError = jest.fn();
    await validateTemplateInputs(
      { port: 0 },
      { addError },
      {
        apiHolder,
        formData: {},
        uiSchema: { 'ui:field': 'ProtonTemplateInputs' },
      },
    );
    expect(addError).not.toHaveBeenCalled();
  });

  it('validates environment and pipeline inputs with the same paths', () => {
    const environment = parseProtonSchema(ENVIRONMENT_SCHEMA);
    expect(
      validateInputs(
        environment,
        'environment',
        { natGateways: 'Many' },
        'inputs',
      ),
    ).toEqual([
      {
        path: 'inputs.natGateways',
        message: 'must be one of "None", "Single"',
      },
    ]);
    const service = parseProtonSchema(SERVICE_SCHEMA);
    expect(
      validateInputs(service, 'pipeline', { anything: 1 }, 'pipeline'),
    ).toEqual([]);
    expect(inputsJsonSchema(service, 'service')).not.toHaveProperty('$schema');
  });
});
