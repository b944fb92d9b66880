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

describe('ProtonEnvironmentPicker', () => {
  beforeAll(() => {
    window.scrollTo = jest.fn();
  });

  async function render(
    initialState: Record<string, any>,
    uiOptions: Record<string, any> = {},
  ) {
    const apis = catalogApis();
    const onCreate = jest.fn(async () => {});
    await renderSettled(
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
                title: 'Environment',
                schema: {
                  properties: {
                    environment: {
                      type: 'string',
                      title: 'Environment',
                      'ui:field': 'ProtonEnvironmentPicker',
                      'ui:options': uiOptions,
                    },
                  },
                },
              },
            ],
          }}
          initialState={initialState}
          extensions={Object.values(protonFieldExtensionOptions) as any}
          onCreate={onCreate}
        />
      </TestApiProvider>,
    );
    return { apis, onCreate };
  }

  it('lists the environments compatible with the picked template, with status; failed ones cannot be picked', async () => {
    const { apis, onCreate } = await render({
      serviceTemplate: {
        name: 'fargate-service',
        majorVersion: '1',
        minorVersion: '1',
      },
    });
    await waitFor(
      () =>
        expect(apis.urls).toContain(
          'http://backend/api/aws-proton/v1/environments?template=fargate-service&major=1',
        ),
      SLOW,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: /Environment/ }, SLOW),
    );
    const listbox = within(await screen.findByRole('listbox', {}, SLOW));
    expect(listbox.getByText('Failed')).toBeInTheDocument();
    expect(listbox.getByText('Succeeded')).toBeInTheDocument();
    expect(listbox.getByText('broken').closest('li')).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    await userEvent.click(listbox.getByText('prod'));
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create' }, SLOW),
    );
    await waitFor(
      () =>
        expect(onCreate).toHaveBeenCalledWith(
          expect.objectContaining({ environment: 'prod' }),
        ),
      SLOW,
    );
  });

  it('asks for a template first', async () => {
    await render({});
    expect(
      await screen.findByText('Choose a service template first', {}, SLOW),
    ).toBeInTheDocument();
  });

  it('reads the template from ui:options when the template fixes it', async () => {
    await render(
      {},
      { templateName: 'fargate-service', templateMajorVersion: '1' },
    );
    await waitFor(
      () =>
        expect(
          screen.getByRole('button', { name: /Environment/ }),
        ).not.toHaveAttribute('aria-disabled'),
      SLOW,
    );
    await userEvent.click(screen.getByRole('button', { name: /Environment/ }));
    expect(
      within(await screen.findByRole('listbox', {}, SLOW)).getByText('prod'),
    ).toBeInTheDocument();
  });
});
