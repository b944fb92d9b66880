import { coreApis } from '@backstage/frontend-plugin-api';

import { parseProtonSchema } from '@proton-platform/plugin-aws-proton-common';
import {
  inputsJsonSchema,
  issuesErrorSchema,
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
        [coreApis.discovery.id]: apis.discoveryApi,
        [coreApis.fetch.id]: apis.fetchApi,
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
      'URL path: is required',
      'Container port: must be >= 1',
      'CPU units: must be one of 256, 512, 1024',
    ]);
  });

  it("checks each item's inputs in a list of instances, naming the item", async () => {
    const errors: string[] = [];
    await validateTemplateInputs(
      [
        { name: 'dev', inputs: { path: '/orders' } },
        { name: 'prod', inputs: { path: 'orders', port: 70000 } },
      ],
      { addError: message => errors.push(message) },
      {
        apiHolder,
        formData: {
          serviceTemplate: {
            name: 'fargate-service',
            majorVersion: '1',
            minorVersion: '1',
          },
        },
        uiSchema: {
          inputs: {
            'ui:field': 'ProtonTemplateInputs',
            'ui:options': { templateField: 'serviceTemplate' },
          },
        },
      },
    );
    expect(errors).toEqual([
      'item 2 (prod), Container port: must be <= 65535',
      'item 2 (prod), URL path: is not in the expected form: The path prefix this service answers on, for example /orders',
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
    expect(
      validateInputs(environment, 'environment', { natGateways: 'Many' }, ''),
    ).toEqual([
      { path: 'natGateways', message: 'must be one of "None", "Single"' },
    ]);
    const service = parseProtonSchema(SERVICE_SCHEMA);
    expect(
      validateInputs(service, 'pipeline', { anything: 1 }, 'pipeline'),
    ).toEqual([]);
    expect(inputsJsonSchema(service, 'service')).not.toHaveProperty('$schema');
  });
});

describe('issuesErrorSchema', () => {
  it('nests each message by property name and array index', () => {
    expect(
      issuesErrorSchema([
        { path: 'port', message: 'must be >= 1' },
        { path: 'environmentVariables[1].name', message: 'is required' },
        {
          path: 'environmentVariables[1].name',
          message: 'is not in the expected form',
          detail: 'pattern ^[A-Z_]+$',
        },
        { path: '', message: 'must be an object' },
      ]),
    ).toEqual({
      port: { __errors: ['must be >= 1'] },
      environmentVariables: {
        1: {
          name: {
            __errors: [
              'is required',
              'is not in the expected form (pattern ^[A-Z_]+$)',
            ],
          },
        },
      },
      __errors: ['must be an object'],
    });
  });
});
