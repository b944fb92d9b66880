import { expect, Page, test } from '@playwright/test';
import { CreateServiceInstanceCommand } from '@aws-sdk/client-proton';
import {
  demoProtonClient,
  latestServiceTemplateVersion,
  publishServiceTemplateVersionFromGit,
} from './demoTemplates';
import { docsScreenshot } from './docsScreenshot';
import { signIn } from './signIn';

/**
 * The seeded demo (templates, environments dev and prod, the customer managed environment shared-vpc,
 * the service hello-nginx with dev on 1.0 and prod on the latest version), as a newcomer walks through
 * it: the entity page, an upgrade, the environment pages. The demo's versions are this checkout's Git
 * history (1.0, 1.1, then one per later change of a bundle), so the tests read the latest one.
 */
const SERVICE_PAGE = '/catalog/default/component/hello-nginx';

/** The catalog provider ingests the seeded service once the control plane has deployed it. */
async function openSeededService(page: Page) {
  await expect(async () => {
    await page.goto(SERVICE_PAGE);
    await expect(page.getByText('AWS Proton service')).toBeVisible({
      timeout: 10_000,
    });
  }).toPass({ timeout: 240_000, intervals: [5_000] });
}

test.describe.configure({ mode: 'serial' });

test('the entity page shows the service, its instances, outputs and versions', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page);
  await openSeededService(page);
  const latest = await latestServiceTemplateVersion('fargate-service');
  const instances = page.getByRole('grid', { name: 'Service instances' });
  await expect(page.getByText('Active')).toBeVisible({ timeout: 120_000 });
  await expect(instances.getByRole('row', { name: /^dev/ })).toContainText(
    'Succeeded',
    { timeout: 120_000 },
  );
  await expect(instances.getByRole('row', { name: /^prod/ })).toContainText(
    'Succeeded',
    { timeout: 120_000 },
  );
  await expect(instances.getByRole('row', { name: /^prod/ })).toContainText(
    latest,
  );
  const dev = instances.getByRole('row', { name: /^dev/ });
  await expect(dev).toContainText('1.0');
  await expect(dev).toContainText(`upgrade available: ${latest}`);
  // a simulated deployment's URL names a host that does not exist: shown, not linked
  await expect(dev).toContainText(
    'http://dev-simulated.us-east-1.elb.amazonaws.com/hello',
  );
  await expect(
    dev.getByRole('link', { name: /elb\.amazonaws\.com/ }),
  ).toHaveCount(0);
  await expect(dev).toContainText('simulated: nothing was created');
  // the instance's environment and the service's template link to their entities; the ARN, account
  // and Region are shown and copyable
  await expect(dev.getByRole('link', { name: 'dev' })).toHaveAttribute(
    'href',
    '/catalog/default/resource/dev',
  );
  await expect(
    page.getByRole('link', { name: 'fargate-service', exact: true }),
  ).toHaveAttribute(
    'href',
    '/catalog/default/resource/service-template-fargate-service',
  );
  await expect(
    page.getByText(
      'arn:aws:proton:us-east-1:000000000000:service/hello-nginx',
      {
        exact: true,
      },
    ),
  ).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'Copy the ARN' }),
  ).toBeVisible();
  await docsScreenshot(page, 'service-entity-page');
});

test('upgrading dev to the latest version deploys it and the badge goes away', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page);
  await openSeededService(page);
  const latest = await latestServiceTemplateVersion('fargate-service');
  const dev = page
    .getByRole('grid', { name: 'Service instances' })
    .getByRole('row', { name: /^dev/ });
  await dev.getByRole('button', { name: `Upgrade to ${latest}: dev` }).click();
  await expect(
    page.getByText(/instead of 1.0, keeping its inputs/),
  ).toBeVisible();
  // the preview: dev's inputs under the latest version, and the input 1.1 added, with its default
  await expect(page.getByRole('list', { name: 'Kept' })).toContainText(
    'path: /hello',
  );
  await expect(page.getByRole('list', { name: 'Added' })).toContainText(
    'healthCheckGracePeriodSeconds: 0 (default)',
  );
  // and what the deployment would do to the resources: both versions' Pulumi programs planned by
  // the simulate runner under the mock runtime, nothing deployed
  const resources = page.getByRole('region', { name: 'Resource changes' });
  await expect(resources).toContainText(
    new RegExp(
      `Resources under ${latest.replace(
        '.',
        '\\.',
      )} \\(planned without deploying\\): \\d+ to change, \\d+ unchanged`,
    ),
    { timeout: 60_000 },
  );
  // every resource is tagged with its template version: the ECS service's tags change in place
  await expect(
    resources.getByRole('list', { name: 'Updated in place' }),
  ).toContainText('aws:ecs:Service hello-nginx-dev (tags)');
  await docsScreenshot(page, 'upgrade-preview');
  await page.getByRole('button', { name: 'Upgrade', exact: true }).click();
  await expect(dev).toContainText('Deploying', { timeout: 30_000 });
  await expect(dev).toContainText('Succeeded', { timeout: 180_000 });
  await expect(dev).not.toContainText('upgrade available');
  await expect(dev).toContainText(latest);

  // The Proton tab's deployment history shows the new deployment
  await page.goto(`${SERVICE_PAGE}/proton`);
  const history = page.getByRole('grid', {
    name: 'Deployments of instance dev',
  });
  await expect(history.getByRole('row')).toHaveCount(3, { timeout: 30_000 }); // header + two deployments
  // each row says what the deployment did, to which version, who started it and how long it took
  const upgrade = history.getByRole('row').nth(1);
  await expect(upgrade).toContainText('Minor upgrade');
  await expect(upgrade).toContainText(latest);
  await expect(upgrade).toContainText('guest');
  await expect(upgrade).toContainText(/\d+ s/);
  await expect(history.getByRole('row').nth(2)).toContainText('Create');
  await docsScreenshot(page, 'proton-tab');
});

test('the environment page lists its outputs and the service instances deployed into it', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/resource/dev');
  await expect(page.getByText('AWS Proton environment')).toBeVisible();
  await expect(page.getByText('vpcId')).toBeVisible({ timeout: 60_000 });
  const instances = page.getByRole('grid', {
    name: 'Service instances in this environment',
  });
  await expect(
    instances.getByRole('row', { name: /hello-nginx/ }),
  ).toBeVisible();
  await docsScreenshot(page, 'environment-entity-page');

  // the deployment history opens each deployment's log, read from the control plane
  await page
    .getByRole('button', { name: /^Show the log of deployment / })
    .first()
    .click();
  const log = page.getByRole('region', { name: /^Log of deployment / });
  await expect(log.getByLabel('Log lines')).toContainText('SIMULATED', {
    timeout: 30_000,
  });
  await expect(log).toContainText('Succeeded');
  await docsScreenshot(page, 'deployment-log');

  // each output's copy button puts its value on the clipboard
  await page.context().grantPermissions(['clipboard-read']);
  await page.getByRole('button', { name: 'Copy vpcId' }).click();
  await expect(
    page.getByRole('button', { name: 'Copied vpcId' }),
  ).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    'vpc-dev-simulated',
  );

  // the environment's account is copyable too, and each service deployed here leads to its page
  await page.getByRole('button', { name: 'Copy the account ID' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    '000000000000',
  );
  await instances.getByRole('link', { name: 'hello-nginx' }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/hello-nginx$/);
  await expect(page.getByText('AWS Proton service')).toBeVisible();
});

test('a customer managed environment shows the values of the infrastructure it registers', async ({
  page,
}) => {
  await signIn(page);
  await expect(async () => {
    await page.goto('/catalog/default/resource/shared-vpc');
    await expect(page.getByText('AWS Proton environment')).toBeVisible({
      timeout: 10_000,
    });
  }).toPass({ timeout: 120_000, intervals: [5_000] });
  await expect(page.getByText('Customer managed')).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    page.getByText('Values of the existing infrastructure'),
  ).toBeVisible();
  await expect(page.getByText('vpc-0123456789abcdef0')).toBeVisible();
  await expect(page.getByText('Succeeded')).toBeVisible();
  await docsScreenshot(page, 'customer-managed-environment-page');
});

test('a service with a pipeline shows the pipeline, its version standing, outputs and history', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page);
  const servicePage = '/catalog/default/component/hello-pipeline';
  await expect(async () => {
    await page.goto(servicePage);
    await expect(page.getByText('AWS Proton service')).toBeVisible({
      timeout: 10_000,
    });
  }).toPass({ timeout: 240_000, intervals: [5_000] });
  const pipeline = page.getByRole('group', { name: 'Pipeline' });
  await expect(pipeline).toContainText('Succeeded', { timeout: 120_000 });
  await expect(pipeline).toContainText(
    `upgrade available: ${await latestServiceTemplateVersion(
      'fargate-service-with-pipeline',
    )}`,
  );

  await page.goto(`${servicePage}/proton`);
  await expect(
    page.getByRole('heading', { name: 'Pipeline', exact: true }),
  ).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByText('imageRepositoryUri')).toBeVisible();
  await expect(
    page.getByText(
      '000000000000.dkr.ecr.us-east-1.amazonaws.com/hello-pipeline-images',
    ),
  ).toBeVisible();
  await page.getByRole('button', { name: /Instance/ }).click();
  await page.getByRole('option', { name: 'Pipeline' }).click();
  await expect(
    page
      .getByRole('grid', { name: 'Deployments of the pipeline' })
      .getByRole('row'),
  ).toHaveCount(2, { timeout: 30_000 }); // header + the pipeline's first deployment
  await docsScreenshot(page, 'pipeline-proton-tab');
});

test('a service template page lists its versions with the commits they were synced from', async ({
  page,
}) => {
  await signIn(page);
  await expect(async () => {
    await page.goto(
      '/catalog/default/resource/service-template-fargate-service',
    );
    await expect(page.getByText('AWS Proton template versions')).toBeVisible({
      timeout: 10_000,
    });
  }).toPass({ timeout: 120_000, intervals: [5_000] });
  await expect(page.getByText('Template sync', { exact: true })).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByText('Synced', { exact: true })).toBeVisible();
  const latest = await latestServiceTemplateVersion('fargate-service');
  const count = Number(latest.split('.')[1]) + 1;
  const versions = page.getByLabel('Template versions');
  await expect(versions).toContainText(latest);
  await expect(versions).toContainText('1.0');
  await expect(versions).toContainText('recommended');
  // each version names the demo repository's commit and folder it came from (no web pages: no link)
  await expect(
    versions.getByText('fargate-service/v1', { exact: true }),
  ).toHaveCount(count);
  await expect(
    versions.getByText(/^demo\/templates-\d+@main [0-9a-f]{12}$/),
  ).toHaveCount(count);

  // 1.0 against the recommended version: the input 1.1 added, with its default
  await page.getByRole('button', { name: /From$/ }).click();
  await page.getByRole('option', { name: '1.0', exact: true }).click();
  await expect(
    page.getByRole('list', { name: 'Instance inputs: Added' }),
  ).toContainText('healthCheckGracePeriodSeconds (integer), default 0', {
    timeout: 30_000,
  });
  await expect(
    page.getByText('Instance inputs: backward compatible'),
  ).toBeVisible();

  // where it runs: every instance by version, the pinned service with its reason, linked to the catalog
  const fleet = page.getByRole('grid', { name: 'Where it runs' });
  const orders = fleet.getByRole('row', { name: /orders-api \/ prod/ });
  await expect(orders).toContainText('1.0', { timeout: 120_000 });
  await expect(orders).toContainText(`${latest} available`);
  await expect(orders).toContainText(
    'Pinned: Frozen for the end-of-year sales',
  );
  await expect(orders).toContainText('orders');
  await expect(
    fleet.getByRole('row', { name: /search-api \/ dev/ }),
  ).toContainText(latest);
  await expect(
    page.getByRole('list', { name: 'Runs per version' }).getByRole('listitem'),
  ).toHaveCount(2);
  await page.getByRole('button', { name: /Version$/ }).click();
  await page.getByRole('option', { name: '1.0' }).click();
  await expect(fleet.getByRole('row', { name: /search-api/ })).toHaveCount(0);
  await expect(fleet.getByRole('row', { name: /orders-api/ })).toHaveCount(2);
  await page.getByRole('button', { name: /Version$/ }).click();
  await page.getByRole('option', { name: 'All' }).click();
  await docsScreenshot(page, 'service-template-page');
  await fleet.getByRole('link', { name: 'orders-api / dev' }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/orders-api$/);
});

test('a developer fixes a failed instance by editing its inputs on the service page', async ({
  page,
}) => {
  test.setTimeout(300_000);
  // Another client (an older wizard, the AWS CLI) adds search-api/prod with a task size Fargate does
  // not run: 256 CPU units with 8192 MiB. Its deployment fails.
  await demoProtonClient().send(
    new CreateServiceInstanceCommand({
      serviceName: 'search-api',
      name: 'prod',
      spec: [
        'proton: ServiceSpec',
        'instances:',
        '  - name: prod',
        '    environment: prod',
        '    spec:',
        '      path: /search',
        '      cpu: 256',
        '      memory: 8192',
        '',
      ].join('\n'),
    }),
  );
  await signIn(page);
  await page.goto('/catalog/default/component/search-api');
  const prod = page
    .getByRole('grid', { name: 'Service instances' })
    .getByRole('row', { name: /^prod/ });
  await expect(async () => {
    await page.reload();
    await expect(prod).toContainText('Failed', { timeout: 10_000 });
  }).toPass({ timeout: 180_000, intervals: [5_000] });
  await expect(prod).toContainText('memory 8192 does not go with cpu 256');

  // the form of the version's inputs, filled with the instance's values
  await prod.getByRole('button', { name: 'Edit inputs: prod' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit the inputs of prod' });
  await expect(dialog.getByRole('textbox', { name: /URL path/ })).toHaveValue(
    '/search',
  );
  const memory = dialog.getByRole('combobox', { name: /Memory/ });
  await expect(memory.locator('option:checked')).toHaveText('8192');
  await memory.selectOption({ label: '512' });
  await docsScreenshot(page, 'edit-instance-inputs');
  await dialog.getByRole('button', { name: 'Deploy' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });

  // deployed again with the fixed inputs, it succeeds
  await expect(async () => {
    await page.reload();
    await expect(prod).toContainText('Succeeded', { timeout: 10_000 });
  }).toPass({ timeout: 180_000, intervals: [5_000] });
  await expect(prod).not.toContainText('does not go with');
});

test('a developer removes an instance, adds one in another environment, then deletes the service with its entity', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await signIn(page);
  await page.goto('/catalog/default/component/search-api');
  const instances = page.getByRole('grid', { name: 'Service instances' });
  const prod = instances.getByRole('row', { name: /^prod/ });
  await expect(prod).toContainText('Succeeded', { timeout: 60_000 });

  // removing an instance takes its name, typed
  await prod.getByRole('button', { name: 'Delete: prod' }).click();
  const removal = page.getByRole('dialog', {
    name: 'Delete the instance prod',
  });
  const remove = removal.getByRole('button', { name: 'Delete' });
  await expect(remove).toBeDisabled();
  await removal
    .getByRole('textbox', { name: 'Type prod to confirm' })
    .fill('prod');
  await remove.click();
  await expect(removal).toBeHidden({ timeout: 30_000 });
  await expect(async () => {
    await page.reload();
    await expect(instances.getByRole('row', { name: /^dev/ })).toBeVisible({
      timeout: 10_000,
    });
    await expect(prod).toHaveCount(0);
  }).toPass({ timeout: 180_000, intervals: [5_000] });

  // adding one: an environment the template deploys into, its name, its inputs
  await page.getByRole('button', { name: 'Add an instance' }).click();
  const adding = page.getByRole('dialog', {
    name: 'Add an instance of search-api',
  });
  await adding.getByRole('button', { name: /Environment$/ }).click();
  await page.getByRole('option', { name: 'prod', exact: true }).click();
  await expect(
    adding.getByRole('textbox', { name: /Instance name/ }),
  ).toHaveValue('prod');
  await adding.getByRole('textbox', { name: /URL path/ }).fill('/search');
  await adding.getByRole('button', { name: 'Deploy' }).click();
  await expect(adding).toBeHidden({ timeout: 30_000 });
  await expect(async () => {
    await page.reload();
    await expect(prod).toContainText('Succeeded', { timeout: 10_000 });
  }).toPass({ timeout: 180_000, intervals: [5_000] });

  // deleting the service takes its name, typed; its catalog entity goes with it
  await page.getByRole('button', { name: 'Delete the service' }).click();
  const deletion = page.getByRole('dialog', {
    name: 'Delete the service search-api',
  });
  await deletion
    .getByRole('textbox', { name: 'Type search-api to confirm' })
    .fill('search-api');
  await deletion.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('search-api is being deleted')).toBeVisible({
    timeout: 30_000,
  });
  await expect(async () => {
    await page.goto('/catalog/default/component/search-api');
    await expect(page.getByText('Entity not found')).toBeVisible({
      timeout: 10_000,
    });
  }).toPass({ timeout: 180_000, intervals: [5_000] });
});

test('a campaign upgrades what is behind on a template, dev then prod then the pipeline, live on its page', async ({
  page,
}) => {
  test.setTimeout(420_000);
  await signIn(page);
  const version = await latestServiceTemplateVersion(
    'fargate-service-with-pipeline',
  );
  // hello-pipeline's dev and prod instances run fargate-service-with-pipeline 1.0
  await expect(async () => {
    await page.goto(
      '/catalog/default/resource/service-template-fargate-service-with-pipeline',
    );
    await expect(page.getByText('Upgrade campaigns')).toBeVisible({
      timeout: 10_000,
    });
  }).toPass({ timeout: 180_000, intervals: [5_000] });
  const fleet = page.getByRole('grid', { name: 'Where it runs' });
  for (const name of [/hello-pipeline \/ dev/, /hello-pipeline \/ prod/]) {
    await expect(fleet.getByRole('row', { name })).toContainText(
      `${version} available`,
      { timeout: 120_000 },
    );
  }
  await page.getByRole('button', { name: 'Upgrade to recommended' }).click();
  await expect(
    page.getByText(
      /3 upgrades in 3 waves: 1\. dev \(1\); 2\. prod \(1\); 3\. pipelines \(1\)/,
    ),
  ).toBeVisible({
    timeout: 30_000,
  });
  // before starting, one instance's upgrade previewed: its inputs and resources under the latest version
  await page
    .getByRole('button', { name: 'Preview the upgrade of hello-pipeline/prod' })
    .click();
  await expect(
    page
      .getByRole('region', { name: 'Upgrade preview of hello-pipeline/prod' })
      .getByRole('region', { name: 'Resource changes' }),
  ).toContainText(`Resources under ${version} (planned without deploying)`, {
    timeout: 60_000,
  });
  await docsScreenshot(page, 'campaign-preview');
  await page.getByRole('button', { name: 'Start the campaign' }).click();
  const latest = page.getByRole('region', { name: 'Latest campaign' });
  const target = (name: RegExp) =>
    latest.getByRole('row', { name }).getByRole('gridcell').last();
  // the gate: prod waits while dev is under way (a simulated deployment takes longer than a refresh)
  await expect(target(/^hello-pipeline \/ prod/)).toContainText('Waiting', {
    timeout: 30_000,
  });
  await expect(target(/^hello-pipeline \/ dev/)).toContainText(
    /Starting|Deploying|Upgraded/,
  );
  await expect(latest).toContainText('Succeeded', { timeout: 300_000 });
  await expect(latest).toContainText(`3 of 3 upgraded to ${version}`);
  // each upgrade's log is one click away
  await latest
    .getByRole('button', {
      name: "Show the log of hello-pipeline/prod's upgrade",
    })
    .click();
  await expect(
    latest
      .getByRole('region', {
        name: /^Log of deployment .* \(hello-pipeline\/prod\)$/,
      })
      .getByLabel('Log lines'),
  ).toContainText('SIMULATED', { timeout: 30_000 });
  // both instances and the service's pipeline run the latest version now
  const instanceRows = fleet.getByRole('row', {
    name: /hello-pipeline \/ (dev|prod|pipeline)/,
  });
  await expect(instanceRows).toHaveCount(3);
  await expect(
    instanceRows.filter({ hasText: `${version} available` }),
  ).toHaveCount(0, { timeout: 60_000 });
  await docsScreenshot(page, 'upgrade-campaign');
});

// Last of the file on purpose: it leaves a faulty recommended version of fargate-service-with-pipeline
// (hello-pipeline/dev failed on it), which a later test of that template would meet.
test('a campaign stops at the first instance whose deployment fails, with its message and log, and leaves the next wave alone', async ({
  page,
}) => {
  test.setTimeout(420_000);
  // The platform team publishes a version with a fault, through Git: its program reads an
  // environment output (httpsListenerArn) that the demo's environments do not have.
  const template = 'fargate-service-with-pipeline';
  const faulty = await publishServiceTemplateVersionFromGit({
    templateName: template,
    file: 'instance_infrastructure/inputs.ts',
    edit: text =>
      text.replace(
        "const listenerArn = text('listenerArn');",
        "const listenerArn = text('httpsListenerArn');",
      ),
    message: 'Route through the HTTPS listener',
  });
  await signIn(page);
  await page.goto(`/catalog/default/resource/service-template-${template}`);
  const fleet = page.getByRole('grid', { name: 'Where it runs' });
  for (const name of [/hello-pipeline \/ dev/, /hello-pipeline \/ prod/]) {
    await expect(async () => {
      await page.reload();
      await expect(fleet.getByRole('row', { name })).toContainText(
        `${faulty} available`,
        { timeout: 10_000 },
      );
    }).toPass({ timeout: 120_000, intervals: [5_000] });
  }
  await page.getByRole('button', { name: 'Upgrade to recommended' }).click();
  await expect(
    page.getByText(
      /3 upgrades in 3 waves: 1\. dev \(1\); 2\. prod \(1\); 3\. pipelines \(1\)/,
    ),
  ).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Start the campaign' }).click();

  const latest = page.getByRole('region', { name: 'Latest campaign' });
  await expect(latest).toContainText(`to ${faulty}`);
  await expect(latest).toContainText('Stopped', { timeout: 300_000 });
  const row = (name: RegExp) => latest.getByRole('row', { name });
  // the failing instance, with its deployment's message in words
  const dev = row(/^hello-pipeline \/ dev/);
  await expect(dev).toContainText('Failed');
  await expect(dev).toContainText(/no output httpsListenerArn/);
  // the gate held: prod and the pipeline never started, and still run their version
  await expect(row(/^hello-pipeline \/ prod/)).toContainText('Not started');
  await expect(row(/^hello-pipeline pipeline/)).toContainText('Not started');
  await expect(latest).toContainText(`0 of 3 upgraded to ${faulty}, 1 failed`);
  // the failing deployment's log is one click away
  await latest
    .getByRole('button', {
      name: "Show the log of hello-pipeline/dev's upgrade",
    })
    .click();
  await expect(
    latest
      .getByRole('region', {
        name: /^Log of deployment .* \(hello-pipeline\/dev\)$/,
      })
      .getByLabel('Log lines'),
  ).toContainText('httpsListenerArn', { timeout: 30_000 });
  await docsScreenshot(page, 'campaign-stopped');
  // where it runs: dev's failed deployment of the faulty version (as Proton records a failed update),
  // prod still on the version before it, with the faulty one offered
  await expect(async () => {
    await page.reload();
    const devRow = fleet.getByRole('row', { name: /hello-pipeline \/ dev/ });
    await expect(devRow).toContainText('Failed', { timeout: 10_000 });
    await expect(devRow).toContainText(faulty);
    await expect(
      fleet.getByRole('row', { name: /hello-pipeline \/ prod/ }),
    ).toContainText(`${faulty} available`);
  }).toPass({ timeout: 60_000, intervals: [5_000] });

  // The developer's side: the service page says in words why dev failed, and the whole message
  // (no stack trace, no path of the server) opens in a panel of its own.
  await page.goto('/catalog/default/component/hello-pipeline');
  const failed = page
    .getByRole('grid', { name: 'Service instances' })
    .getByRole('row', { name: /^dev/ });
  await expect(failed).toContainText('Failed', { timeout: 60_000 });
  await expect(failed).toContainText(
    'Environment dev has no output httpsListenerArn',
  );
  await failed
    .getByRole('button', {
      name: 'Show the full message of hello-pipeline/dev',
    })
    .click();
  const panel = page
    .getByRole('dialog')
    .filter({ hasText: 'Message of hello-pipeline/dev' });
  await expect(panel).toContainText(
    'deploy this service into an environment made from the fargate-env template',
  );
  await expect(panel).not.toContainText(/\bat \S+ \(|\/tmp\//);
  await docsScreenshot(page, 'failed-instance-message');
});
