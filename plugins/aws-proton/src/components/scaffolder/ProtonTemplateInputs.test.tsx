import { coreApis } from '@backstage/frontend-plugin-api';

import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { protonFieldExtensionOptions } from './fieldExtensions';
import { catalogApis } from './testFixtures';
import { renderSettled } from '../../__testUtils__/renderSettled';

// generous: the wizard renders slowly when the machine is busy
const SLOW = { timeout: 5000 };
jest.setTimeout(30_000);

// The instances step of templates/scaffolder/proton-fargate-service/template.yaml
const instancesStep = {
  title: 'Instances',
  schema: {
    required: ['instances'],
    properties: {
      instances: {
        title: 'Instances',
        type: 'array',
        'ui:field': 'ProtonServiceInstances',
        minItems: 1,
        items: {
          type: 'object',
          required: ['name', 'environment'],
          properties: {
            name: { title: 'Instance name', type: 'string' },
            environment: {
              title: 'Environment',
              type: 'string',
              'ui:field': 'ProtonEnvironmentPicker',
              'ui:options': { templateField: 'serviceTemplate' },
            },
            inputs: {
              title: 'Inputs',
              type: 'object',
              'ui:field': 'ProtonTemplateInputs',
              'ui:options': { templateField: 'serviceTemplate' },
            },
          },
        },
      },
    },
  },
};

/** The instances step with one instance named `instance`, fargate-service 1.1 chosen. */
async function renderInstancesStep(
  instance: string,
  onCreate: (values: Record<string, unknown>) => Promise<void> | void,
) {
  const apis = catalogApis();
  await renderSettled(
    <TestApiProvider
      apis={[
        [coreApis.discovery, apis.discoveryApi],
        [coreApis.fetch, apis.fetchApi],
      ]}
    >
      <Stepper
        manifest={{ title: 'Create', steps: [instancesStep] }}
        initialState={{
          serviceTemplate: {
            name: 'fargate-service',
            majorVersion: '1',
            minorVersion: '1',
          },
          instances: [{ name: instance, environment: 'prod' }],
        }}
        extensions={Object.values(protonFieldExtensionOptions) as any}
        // the browser's own checks (max, pattern) would stop the submit before the field's validation
        formProps={{ noHtml5Validate: true }}
        onCreate={onCreate as any}
      />
    </TestApiProvider>,
  );
}

describe('ProtonTemplateInputs', () => {
  beforeAll(() => {
    window.scrollTo = jest.fn();
  });

  it("renders the template's inputs with their defaults, and validates them like the action before moving on", async () => {
    const onCreate = jest.fn(async () => {});
    await renderInstancesStep('web-prod', onCreate);
    const port = await screen.findByLabelText(/Container port/, {}, SLOW);
    expect(port).toHaveValue(80);
    // descriptions are rendered as markdown, which the app loads lazily
    expect(
      await screen.findByText('The port the container listens on', {}, SLOW),
    ).toBeInTheDocument();
    expect(screen.getByLabelText(/URL path/)).toBeRequired();
    expect(screen.getByRole('button', { name: /CPU units/ })).toHaveTextContent(
      '256',
    );

    // nothing is wrong before anything is entered, though URL path is required
    expect(screen.queryByText(/must/)).not.toBeInTheDocument();
    await userEvent.clear(port);
    await userEvent.type(port, '70000');
    await userEvent.type(screen.getByLabelText(/URL path/), 'web');
    // each bad value's error shows under its field as it is entered
    expect(screen.getByText('must be <= 65535')).toBeInTheDocument();
    // in words from the input's description, with the pattern as a detail, under the field only
    expect(
      screen.getByText(
        'is not in the expected form: The path prefix this service answers on, for example /orders (pattern ^(/|(/[A-Za-z0-9._~-]+)+)$)',
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    expect(
      await screen.findByText(
        'item 1 (web-prod), Container port: must be <= 65535',
        {},
        SLOW,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        "'Instances' item 1 (web-prod), URL path: is not in the expected form: The path prefix this service answers on, for example /orders",
      ),
    ).toBeInTheDocument();
    expect(onCreate).not.toHaveBeenCalled();

    await userEvent.clear(port);
    await userEvent.type(port, '8080');
    await userEvent.clear(screen.getByLabelText(/URL path/));
    await userEvent.type(screen.getByLabelText(/URL path/), '/web');
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create' }, SLOW),
    );
    await waitFor(
      () =>
        expect(onCreate).toHaveBeenCalledWith(
          expect.objectContaining({
            instances: [
              {
                name: 'web-prod',
                environment: 'prod',
                inputs: { port: 8080, path: '/web', cpu: 256 },
              },
            ],
          }),
        ),
      SLOW,
    );
  });
  it('titles each instance by its name and says what the add button adds', async () => {
    await renderInstancesStep('web-dev', jest.fn());
    expect(
      await screen.findByRole('heading', { name: 'Instance web-dev' }, SLOW),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Instances-1/)).not.toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Add an instance' }),
    );
    // a new item is numbered until its name is entered
    expect(
      await screen.findByRole('heading', { name: 'Instance 2' }, SLOW),
    ).toBeInTheDocument();
    await userEvent.type(
      screen.getAllByLabelText(/Instance name/)[1],
      'web-prod',
    );
    expect(
      await screen.findByRole('heading', { name: 'Instance web-prod' }, SLOW),
    ).toBeInTheDocument();
  });
});
