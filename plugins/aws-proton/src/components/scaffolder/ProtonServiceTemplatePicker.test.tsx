import { coreApis } from '@backstage/frontend-plugin-api';

import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import { TestApiProvider } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { protonFieldExtensionOptions } from './fieldExtensions';
import { catalogApis } from './testFixtures';
import { renderSettled } from '../../__testUtils__/renderSettled';

// generous: the wizard renders slowly when the machine is busy
const SLOW = { timeout: 5000 };
jest.setTimeout(30_000);

describe('ProtonServiceTemplatePicker', () => {
  beforeAll(() => {
    window.scrollTo = jest.fn();
  });

  function renderPicker(
    apis: ReturnType<typeof catalogApis>,
    onCreate: jest.Mock,
    field: Record<string, unknown> = {
      title: 'Service template',
      'ui:field': 'ProtonServiceTemplatePicker',
    },
  ) {
    return renderSettled(
      <TestApiProvider
        apis={[
          [coreApis.discovery, apis.discoveryApi],
          [coreApis.fetch, apis.fetchApi],
        ]}
      >
        <Stepper
          manifest={{
            title: 'Create',
            steps: [
              {
                title: 'Template',
                schema: {
                  properties: {
                    serviceTemplate: { type: 'object', ...field },
                  },
                },
              },
            ],
          }}
          extensions={Object.values(protonFieldExtensionOptions) as any}
          onCreate={onCreate}
        />
      </TestApiProvider>,
    );
  }

  it('lists published templates with description and recommended version, and picks a version', async () => {
    const apis = catalogApis();
    const onCreate = jest.fn(async () => {});
    await renderPicker(apis, onCreate);
    await userEvent.click(
      await screen.findByRole('button', { name: /Service template/ }, SLOW),
    );
    const listbox = within(await screen.findByRole('listbox', {}, SLOW));
    expect(
      listbox.getByText(
        'A container behind the shared load balancer · recommended 1.1',
      ),
    ).toBeInTheDocument();
    expect(listbox.getByText('recommended 2.0')).toBeInTheDocument();
    await userEvent.click(listbox.getByText('Fargate service'));

    await userEvent.click(
      await screen.findByRole('button', { name: /Version/ }, SLOW),
    );
    const versions = within(await screen.findByRole('listbox', {}, SLOW));
    expect(versions.getByText('1.1 (recommended)')).toBeInTheDocument();
    await userEvent.click(versions.getByText('1.0 - first'));

    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create' }, SLOW),
    );
    await waitFor(
      () =>
        expect(onCreate).toHaveBeenCalledWith({
          serviceTemplate: {
            name: 'fargate-service',
            majorVersion: '1',
            minorVersion: '0',
          },
        }),
      SLOW,
    );
    expect(apis.urls).toContain(
      'http://backend/api/aws-proton/v1/service-templates',
    );
  });

  it.each([
    [true, 'Existing Fargate infrastructure', 'Fargate environment'],
    [false, 'Fargate environment', 'Existing Fargate infrastructure'],
  ])(
    'offers only environment templates whose customerManaged is %s when asked',
    async (customerManaged, offered, hidden) => {
      await renderPicker(
        catalogApis(),
        jest.fn(async () => {}),
        {
          title: 'Environment template',
          'ui:field': 'ProtonServiceTemplatePicker',
          'ui:options': { templateKind: 'environment', customerManaged },
        },
      );
      await userEvent.click(
        await screen.findByRole(
          'button',
          { name: /Environment template/ },
          SLOW,
        ),
      );
      const listbox = within(await screen.findByRole('listbox', {}, SLOW));
      expect(listbox.getByText(offered)).toBeInTheDocument();
      expect(listbox.queryByText(hidden)).not.toBeInTheDocument();
    },
  );

  it('offers only service templates without a pipeline to a form that does not ask for a repository', async () => {
    await renderPicker(
      catalogApis(),
      jest.fn(async () => {}),
      {
        title: 'Service template',
        'ui:field': 'ProtonServiceTemplatePicker',
        'ui:options': { withPipeline: false },
      },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: /Service template/ }, SLOW),
    );
    const listbox = within(await screen.findByRole('listbox', {}, SLOW));
    expect(listbox.getByText('Fargate service')).toBeInTheDocument();
    expect(listbox.queryByText('lambda-service')).not.toBeInTheDocument();
  });
});
