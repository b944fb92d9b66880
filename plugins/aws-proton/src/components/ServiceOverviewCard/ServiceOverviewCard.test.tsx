import { Entity } from '@backstage/catalog-model';
import { coreApis } from '@backstage/frontend-plugin-api';
import { mockApis, TestApiProvider } from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  InstanceUpdatePlan,
  ServiceOverview,
} from '@proton-platform/plugin-aws-proton-common';
import {
  act,
  cleanup,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { AwsProtonApi, awsProtonApiRef } from '../../api/AwsProtonApi';
import { renderSettled } from '../../__testUtils__/renderSettled';
import { catalogApis } from '../scaffolder/testFixtures';
import { ServiceOverviewCard } from './ServiceOverviewCard';

const ARN = 'arn:aws:proton:us-east-1:000000000000:service/hello-nginx';

const entity = (
  annotations: Record<string, string> = {},
  name = 'hello-nginx',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
});

function overview(
  devStatus = 'SUCCEEDED',
  devVersion = '1.0',
): ServiceOverview {
  const upgrade = devVersion !== '1.1';
  return {
    arn: ARN,
    name: 'hello-nginx',
    status: 'ACTIVE',
    templateName: 'fargate-service',
    recommendedVersion: '1.1',
    inProgress: devStatus === 'IN_PROGRESS',
    instances: [
      {
        name: 'dev',
        arn: `${ARN}/dev`,
        environmentName: 'dev',
        deploymentStatus: devStatus,
        template: {
          version: devVersion,
          recommendedVersion: '1.1',
          recommendedMinorVersion: upgrade ? '1.1' : undefined,
          minorUpgradeAvailable: upgrade,
          majorUpgradeAvailable: false,
        },
        outputs: [{ key: 'serviceUrl', value: 'http://dev.example/hello' }],
        components: [],
      },
      {
        name: 'prod',
        arn: `${ARN}/prod`,
        environmentName: 'prod',
        deploymentStatus: 'SUCCEEDED',
        template: {
          version: '1.1',
          recommendedVersion: '1.1',
          minorUpgradeAvailable: false,
          majorUpgradeAvailable: false,
        },
        outputs: [],
        components: [],
      },
    ],
  };
}

/**
 * The catalog: the dev environment and the service template have entities, prod has none; a component
 * holds dev's ARN under the service annotation by mistake, and stands for no environment; the wizard
 * generated for the template carries its annotation, and stands for it no more.
 */
const entities = catalogApiMock({
  entities: [
    {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: {
        name: 'proton-fargate-service-v1',
        namespace: 'default',
        annotations: {
          'aws.amazon.com/aws-proton-service-template':
            'arn:aws:proton:us-east-1:000000000000:service-template/fargate-service',
        },
      },
      spec: { type: 'service', owner: 'platform', steps: [] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'misconfigured',
        namespace: 'default',
        annotations: {
          'aws.amazon.com/aws-proton-service':
            'arn:aws:proton:us-east-1:000000000000:environment/dev',
        },
      },
      spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'dev',
        namespace: 'default',
        annotations: {
          'aws.amazon.com/aws-proton-environment':
            'arn:aws:proton:us-east-1:000000000000:environment/dev',
        },
      },
      spec: { type: 'aws-proton-environment', owner: 'guests' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'service-template-fargate-service',
        namespace: 'default',
        annotations: {
          'aws.amazon.com/aws-proton-service-template':
            'arn:aws:proton:us-east-1:000000000000:service-template/fargate-service',
        },
      },
      spec: { type: 'aws-proton-service-template', owner: 'platform' },
    },
  ],
});

async function render(
  subject: Entity,
  api: Partial<AwsProtonApi>,
  allow: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  // the template catalog routes, which the dialog adding an instance reads
  const catalog = catalogApis();
  return renderSettled(
    <TestApiProvider
      apis={[
        [awsProtonApiRef, api],
        [catalogApiRef, entities],
        [permissionApiRef, mockApis.permission({ authorize: allow })],
        [coreApis.discovery, catalog.discoveryApi],
        [coreApis.fetch, catalog.fetchApi],
      ]}
    >
      <EntityProvider entity={subject}>
        <ServiceOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const EDIT_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "Inputs"
  types:
    Inputs:
      type: object
      required: [path]
      properties:
        path:
          type: string
          title: URL path
          pattern: "^/[a-z]*$"
        port:
          type: integer
          title: Port
          default: 80
        memory:
          type: integer
          title: Memory (MiB)
          enum: [512, 8192]
`;

const annotated = entity({ 'aws.amazon.com/aws-proton-service': ARN });

describe('ServiceOverviewCard', () => {
  afterEach(() => jest.useRealTimers());

  it('shows the missing-annotation empty state without calling the backend', async () => {
    const getServiceOverview = jest.fn();
    await render(entity(), { getServiceOverview });
    expect(screen.getByText('Missing Annotation')).toBeInTheDocument();
    expect(getServiceOverview).not.toHaveBeenCalled();
  });

  it('says what is wrong with a malformed ARN without calling the backend', async () => {
    const getServiceOverview = jest.fn();
    await render(
      entity({ 'aws.amazon.com/aws-proton-service': 'not-an-arn' }),
      {
        getServiceOverview,
      },
    );
    expect(
      screen.getByText(
        'The aws.amazon.com/aws-proton-service annotation is not valid',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/"not-an-arn" is not an AWS Proton ARN/),
    ).toBeInTheDocument();
    expect(getServiceOverview).not.toHaveBeenCalled();
  });

  it('shows a placeholder while loading', async () => {
    await render(annotated, {
      getServiceOverview: () => new Promise(() => {}),
    });
    expect(screen.queryByText('Active')).not.toBeInTheDocument();
    expect(screen.getByText('AWS Proton service')).toBeInTheDocument();
  });

  it('shows the backend error inside the card', async () => {
    await render(annotated, {
      getServiceOverview: async () => {
        throw new Error('AWS Proton could not be reached for GetService');
      },
    });
    expect(
      await screen.findByText('Could not load the Proton service'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('AWS Proton could not be reached for GetService'),
    ).toBeInTheDocument();
  });

  it('shows statuses, outputs and the upgrade-available badge on an outdated instance', async () => {
    await render(annotated, { getServiceOverview: async () => overview() });
    expect(await screen.findByText('Active')).toBeInTheDocument();
    expect(screen.getAllByText('Succeeded')).toHaveLength(2);
    expect(screen.getByText('upgrade available: 1.1')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'http://dev.example/hello' }),
    ).toHaveAttribute('href', 'http://dev.example/hello');
  });

  it("links the template and each instance's environment to their entities, and shows the ARN, account and Region", async () => {
    await render(annotated, { getServiceOverview: async () => overview() });
    expect(
      await screen.findByRole('link', { name: 'fargate-service' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/resource/service-template-fargate-service',
    );
    expect(screen.getByRole('link', { name: 'dev' })).toHaveAttribute(
      'href',
      '/catalog/default/resource/dev',
    );
    // prod has no entity: its name is shown without a link
    expect(
      screen.queryByRole('link', { name: 'prod' }),
    ).not.toBeInTheDocument();
    expect(screen.getByText(ARN)).toBeInTheDocument();
    expect(screen.getByText('000000000000')).toBeInTheDocument();
    expect(screen.getByText('us-east-1')).toBeInTheDocument();
    for (const name of ['the ARN', 'the account ID', 'the Region']) {
      expect(
        screen.getByRole('button', { name: `Copy ${name}` }),
      ).toBeInTheDocument();
    }
  });

  it('shows the URL of a simulated deployment without linking its host, which does not exist', async () => {
    const simulated = overview();
    simulated.instances[0].outputs.push({
      key: 'protonServerSimulated',
      value: 'true',
    });
    await render(annotated, { getServiceOverview: async () => simulated });
    expect(
      await screen.findByText('http://dev.example/hello'),
    ).toBeInTheDocument();
    expect(screen.getByText('simulated: nothing was created')).toBeVisible();
    expect(
      screen.queryByRole('link', { name: 'http://dev.example/hello' }),
    ).not.toBeInTheDocument();
  });

  it('shows the pipeline with its status and its template version against the recommended one', async () => {
    await render(annotated, {
      getServiceOverview: async () => ({
        ...overview(),
        pipeline: {
          deploymentStatus: 'SUCCEEDED',
          templateVersion: '1.0',
          template: {
            version: '1.0',
            recommendedVersion: '1.1',
            recommendedMinorVersion: '1.1',
            minorUpgradeAvailable: true,
            majorUpgradeAvailable: false,
          },
          outputs: [],
        },
      }),
    });
    const pipeline = await screen.findByRole('group', { name: 'Pipeline' });
    expect(within(pipeline).getByText('Succeeded')).toBeInTheDocument();
    expect(
      within(pipeline).getByText(/upgrade available/i),
    ).toBeInTheDocument();
  });

  it('shows no upgrade or redeploy button without the permission', async () => {
    // another entity: the permission hook caches decisions per resource for the page's lifetime
    const readOnly = entity(
      { 'aws.amazon.com/aws-proton-service': ARN },
      'read-only-view',
    );
    await render(
      readOnly,
      { getServiceOverview: async () => overview() },
      AuthorizeResult.DENY,
    );
    expect(
      await screen.findByText('upgrade available: 1.1'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Upgrade to 1.1/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Redeploy/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Edit inputs/ }),
    ).not.toBeInTheDocument();
  });

  it("edits an instance's inputs in a form of its version's schema, checked before anything is deployed", async () => {
    const getServiceInstanceInputs = jest.fn(async () => ({
      name: 'dev',
      environmentName: 'dev',
      templateName: 'fargate-service',
      templateVersion: '1.0',
      schema: EDIT_SCHEMA,
      inputs: { path: '/hello', memory: 8192 },
    }));
    const updateServiceInstanceInputs = jest.fn(async () => ({
      name: 'dev',
      deploymentStatus: 'IN_PROGRESS',
      targetVersion: '1.0',
    }));
    await render(annotated, {
      getServiceOverview: async () => overview('FAILED'),
      getServiceInstanceInputs,
      updateServiceInstanceInputs,
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Edit inputs: dev' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Edit the inputs of dev',
    });
    expect(
      await within(dialog).findByText(
        /Deploys dev in dev again with fargate-service 1.0 and these inputs/,
      ),
    ).toBeInTheDocument();
    // the values the spec sets, and the defaults of those it does not
    const path = within(dialog).getByRole('textbox', { name: /URL path/ });
    expect(path).toHaveValue('/hello');
    expect(
      within(dialog).getByRole('spinbutton', { name: /Port/ }),
    ).toHaveValue(80);

    // a bad value shows under its field as it is entered, and nothing is deployed
    fireEvent.change(path, { target: { value: 'hello' } });
    expect(
      await within(dialog).findByText(/is not in the expected form/),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    expect(
      await within(dialog).findByText(
        '1 input needs a change before deploying',
      ),
    ).toBeInTheDocument();
    expect(updateServiceInstanceInputs).not.toHaveBeenCalled();

    fireEvent.change(path, { target: { value: '/orders' } });
    const memory = within(dialog).getByRole('combobox', { name: /Memory/ });
    expect(memory).toHaveDisplayValue('8192');
    fireEvent.change(memory, { target: { value: '0' } });
    expect(memory).toHaveDisplayValue('512');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    await waitFor(() =>
      expect(updateServiceInstanceInputs).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'hello-nginx' },
        'dev',
        // the port stays at its default, out of the spec
        { path: '/orders', memory: 512 },
      ),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', { name: 'Edit the inputs of dev' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('deletes an instance once its name is typed, and offers no deletion of the last one', async () => {
    const deleteServiceInstance = jest.fn(async () => {});
    await render(annotated, {
      getServiceOverview: async () => overview(),
      deleteServiceInstance,
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Delete: prod' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Delete the instance prod',
    });
    expect(dialog).toHaveTextContent(
      'Removes prod from hello-nginx: Proton deprovisions its resources in prod',
    );
    const confirm = within(dialog).getByRole('button', { name: 'Delete' });
    expect(confirm).toBeDisabled();
    const typed = within(dialog).getByRole('textbox', {
      name: 'Type prod to confirm',
    });
    fireEvent.change(typed, { target: { value: 'pro' } });
    expect(confirm).toBeDisabled();
    fireEvent.change(typed, { target: { value: 'prod' } });
    expect(confirm).toBeEnabled();
    fireEvent.click(confirm);
    await waitFor(() =>
      expect(deleteServiceInstance).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'hello-nginx' },
        'prod',
      ),
    );

    cleanup();
    const single = { ...overview(), instances: [overview().instances[1]] };
    await render(
      entity({ 'aws.amazon.com/aws-proton-service': ARN }, 'single'),
      { getServiceOverview: async () => single },
    );
    expect(
      await screen.findByRole('button', { name: 'Edit inputs: prod' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Delete: prod' }),
    ).not.toBeInTheDocument();
  });

  it('deletes the service once its name is typed, and says its entity goes with it', async () => {
    const deleteService = jest.fn(async () => {});
    await render(annotated, {
      getServiceOverview: async () => overview(),
      deleteService,
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Delete the service' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Delete the service hello-nginx',
    });
    expect(dialog).toHaveTextContent(
      'Deletes hello-nginx with its 2 instance(s): Proton deprovisions their resources',
    );
    fireEvent.change(
      within(dialog).getByRole('textbox', {
        name: 'Type hello-nginx to confirm',
      }),
      { target: { value: 'hello-nginx' } },
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(
      await screen.findByText('hello-nginx is being deleted'),
    ).toBeInTheDocument();
    expect(deleteService).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'hello-nginx',
    });
    expect(
      screen.getByRole('link', { name: 'Back to the catalog' }),
    ).toHaveAttribute('href', '/catalog');
  });

  it('adds an instance in an environment the recommended version deploys into, with its inputs checked', async () => {
    const addServiceInstance = jest.fn(async () => ({
      name: 'staging',
      deploymentStatus: 'IN_PROGRESS',
      targetVersion: '1.1',
    }));
    // dev is the only instance: prod is left, and "broken" is listed but cannot be chosen
    const one = { ...overview(), instances: [overview().instances[0]] };
    await render(annotated, {
      getServiceOverview: async () => one,
      addServiceInstance,
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Add an instance' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Add an instance of hello-nginx',
    });
    expect(
      await within(dialog).findByText(
        'Deploys a new instance with fargate-service 1.1.',
      ),
    ).toBeInTheDocument();
    // nothing is sent while a field is missing or wrong
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    expect(
      await within(dialog).findByText(
        '3 fields need a change before deploying',
      ),
    ).toBeInTheDocument();
    expect(addServiceInstance).not.toHaveBeenCalled();

    fireEvent.click(
      within(dialog).getByRole('button', { name: /Environment/ }),
    );
    expect(
      screen.getByRole('option', { name: 'broken (failed)' }),
    ).toHaveAttribute('aria-disabled', 'true');
    fireEvent.click(screen.getByRole('option', { name: 'prod' }));
    // the name follows the environment until one is typed
    expect(
      within(dialog).getByRole('textbox', { name: /Instance name/ }),
    ).toHaveValue('prod');
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: /URL path/ }),
      { target: { value: '/hello' } },
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    await waitFor(() =>
      expect(addServiceInstance).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'hello-nginx' },
        {
          name: 'prod',
          environment: 'prod',
          inputs: { port: 80, path: '/hello', cpu: 256 },
          templateVersion: '1.1',
        },
      ),
    );
  });

  it('says why the backend refused an edit, keeping the form open', async () => {
    await render(annotated, {
      getServiceOverview: async () => overview('FAILED'),
      getServiceInstanceInputs: async () => ({
        name: 'dev',
        environmentName: 'dev',
        templateName: 'fargate-service',
        templateVersion: '1.0',
        schema: EDIT_SCHEMA,
        inputs: { path: '/hello' },
      }),
      updateServiceInstanceInputs: async () => {
        throw new Error('service instance "hello-nginx/dev" is being deployed');
      },
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Edit inputs: dev' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Edit the inputs of dev',
    });
    await within(dialog).findByRole('textbox', { name: /URL path/ });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    expect(
      await within(dialog).findByText(/is being deployed/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Proton refused the deployment'),
    ).toBeInTheDocument();
  });

  it('upgrades after confirmation, then refreshes while the deployment is in progress until it settles', async () => {
    // the refresh's backoff runs on fake timers: the test moves the clock
    jest.useFakeTimers();
    const responses = [
      overview(),
      overview('IN_PROGRESS'),
      overview('SUCCEEDED', '1.1'),
    ];
    const getServiceOverview = jest.fn(
      async () => responses.shift() ?? overview('SUCCEEDED', '1.1'),
    );
    const updateServiceInstance = jest.fn(async () => ({
      name: 'dev',
      deploymentStatus: 'IN_PROGRESS',
      targetVersion: '1.1',
    }));
    const planServiceInstanceUpdate = jest.fn(async () => plan());
    await render(annotated, {
      getServiceOverview,
      updateServiceInstance,
      planServiceInstanceUpdate,
    });

    fireEvent.click(
      await screen.findByRole('button', { name: 'Upgrade to 1.1: dev' }),
    );
    expect(
      await screen.findByText(/instead of 1.0, keeping its inputs/),
    ).toBeInTheDocument();
    // the preview: what the instance's inputs become under 1.1
    expect(await screen.findByRole('list', { name: 'Kept' })).toHaveTextContent(
      'path: /hello',
    );
    expect(screen.getByRole('list', { name: 'Added' })).toHaveTextContent(
      'healthCheckGracePeriodSeconds: 0 (default)',
    );
    // the recommended version: no target version of its own
    expect(planServiceInstanceUpdate).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'hello-nginx' },
      'dev',
      'MINOR_VERSION',
      undefined,
    );
    expect(updateServiceInstance).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Upgrade' }));

    await waitFor(() =>
      expect(updateServiceInstance).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'hello-nginx' },
        'dev',
        'MINOR_VERSION',
      ),
    );
    expect(await screen.findByText('Deploying')).toBeInTheDocument();
    // the next read comes after the backoff delay and finds the deployment settled
    await act(() => jest.advanceTimersByTimeAsync(2_100));
    await waitFor(() =>
      expect(screen.getAllByText('Succeeded')).toHaveLength(2),
    );
    expect(
      screen.queryByText('upgrade available: 1.1'),
    ).not.toBeInTheDocument();
    const calls = getServiceOverview.mock.calls.length;
    await act(() => jest.advanceTimersByTimeAsync(60_000));
    expect(getServiceOverview.mock.calls.length).toBe(calls);
  });

  it('refuses to start an upgrade that needs inputs the instance lacks, saying which', async () => {
    const updateServiceInstance = jest.fn();
    await render(annotated, {
      getServiceOverview: async () => overview(),
      updateServiceInstance,
      planServiceInstanceUpdate: async () =>
        plan({
          added: [{ path: 'region', required: true }],
          missing: ['region'],
        }),
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Upgrade to 1.1: dev' }),
    );
    expect(
      await screen.findByText(
        "1.1 requires region, without a default: give it in the instance's spec first.",
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Upgrade' })).toBeDisabled();
  });

  it('shows what the upgrade would do to the resources, or the failure it would meet', async () => {
    const plans: InstanceUpdatePlan[] = [
      {
        ...plan(),
        resources: {
          changes: [
            {
              action: 'create',
              type: 'aws:appautoscaling/target:Target',
              name: 'hello-dev',
            },
            {
              action: 'replace',
              type: 'aws:ecs/taskDefinition:TaskDefinition',
              name: 'hello-dev',
              changedInputs: ['containerDefinitions'],
            },
            {
              action: 'update',
              type: 'aws:ecs/service:Service',
              name: 'hello-dev',
              changedInputs: [
                'healthCheckGracePeriodSeconds',
                'taskDefinition',
              ],
            },
          ],
          unchanged: 9,
        },
      },
      {
        ...plan(),
        resources: {
          failed:
            'The deployment of version 1.1 fails: the target group name is 34 characters',
        },
      },
    ];
    await render(annotated, {
      getServiceOverview: async () => overview(),
      planServiceInstanceUpdate: async () => plans.shift()!,
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Upgrade to 1.1: dev' }),
    );
    const resources = await screen.findByRole('region', {
      name: 'Resource changes',
    });
    expect(resources).toHaveTextContent(
      'Resources under 1.1 (planned without deploying): 3 to change, 9 unchanged',
    );
    expect(screen.getByRole('list', { name: 'Created' })).toHaveTextContent(
      'aws:appautoscaling:Target hello-dev',
    );
    expect(screen.getByRole('list', { name: 'Replaced' })).toHaveTextContent(
      'aws:ecs:TaskDefinition hello-dev (containerDefinitions)',
    );
    expect(
      screen.getByRole('list', { name: 'Updated in place' }),
    ).toHaveTextContent(
      'aws:ecs:Service hello-dev (healthCheckGracePeriodSeconds, taskDefinition)',
    );
    expect(
      screen.queryByRole('list', { name: 'Deleted' }),
    ).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(
      await screen.findByRole('button', { name: 'Upgrade to 1.1: dev' }),
    );
    expect(
      await screen.findByText('The deployment of 1.1 would fail'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'The deployment of version 1.1 fails: the target group name is 34 characters',
      ),
    ).toBeInTheDocument();
  });
});

function plan(
  inputs: Partial<NonNullable<InstanceUpdatePlan['inputs']>> = {},
): InstanceUpdatePlan {
  return {
    name: 'dev',
    templateName: 'fargate-service',
    environmentName: 'dev',
    currentVersion: '1.0',
    targetVersion: '1.1',
    deploymentType: 'MINOR_VERSION',
    inputs: {
      kept: [{ path: 'path', value: '/hello' }],
      added: [
        { path: 'healthCheckGracePeriodSeconds', default: 0, required: false },
      ],
      removed: [],
      missing: [],
      ...inputs,
    },
  };
}
