import { expect, Page, test } from '@playwright/test';
import { docsScreenshot } from './docsScreenshot';
import { latestServiceTemplateVersion } from './demoTemplates';
import { signIn } from './signIn';

/**
 * A newcomer creates a service through the "Create a Fargate service on Proton" wizard: the real
 * scaffolder runs aws:proton:create-service against the demo's control plane, waits for the instance,
 * and the task page links to the catalog entity the provider ingested.
 */
const WIZARD = '/create/templates/default/proton-fargate-service';

/** Opens the wizard once the demo's service template is published (the seed runs at start). */
async function openWizard(page: Page) {
  await expect(async () => {
    await page.goto(WIZARD);
    await page.locator('#root_serviceTemplate-name').click();
    await expect(
      page.getByRole('option', { name: /Fargate service/ }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 240_000, intervals: [5_000] });
  await page.getByRole('option', { name: /Fargate service/ }).click();
}

test('creating a service through the wizard: a bad input is refused, a good one deploys and links to the entity', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page);
  await openWizard(page);
  const latest = await latestServiceTemplateVersion('fargate-service');
  await expect(page.locator('#root_serviceTemplate-version')).toContainText(
    latest,
  );
  await page.getByRole('textbox', { name: 'Name' }).fill('orders');
  await page.getByLabel('Description').fill('Takes and tracks orders');
  await page.getByRole('combobox').click();
  await page.getByRole('option', { name: 'guests', exact: true }).click();
  // the lifecycle the entity will show (experimental unless chosen)
  await page.locator('#root_lifecycle').click();
  await page.getByRole('option', { name: 'production', exact: true }).click();
  await page.getByRole('button', { name: 'Next', exact: true }).click();

  // The instance: the environment picker lists the deployed environments, the inputs come from schema.yaml
  await page.getByLabel('Instance name').fill('dev');
  await page.locator('#root_instances_0_environment').click();
  await expect(page.getByRole('option', { name: /^prod/ })).toContainText(
    'Succeeded',
  );
  await page.getByRole('option', { name: /^dev/ }).click();
  await expect(page.getByLabel('Container image')).toHaveValue(
    'public.ecr.aws/nginx/nginx:1.27',
  );
  await page.getByLabel('URL path').fill('orders');
  // the item takes the instance's name, and the add button says what it adds
  await expect(
    page.getByRole('heading', { name: 'Instance dev' }),
  ).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'Add an instance' }),
  ).toBeVisible();
  // the error shows under the field as it is entered, in words from the input's description, with
  // the pattern as a detail; the wizard does not move on
  await expect(
    page.getByText(
      'is not in the expected form: The path prefix this service answers on, for example /orders (the load balancer forwards /orders and /orders/* unchanged, unless the prefix is stripped) (pattern ^(/|(/[A-Za-z0-9._~-]+)+)$)',
      { exact: true },
    ),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Review', exact: true }).click();
  await expect(
    page
      .getByText(
        /item 1 \(dev\), URL path: is not in the expected form: The path prefix this service answers on/,
      )
      .first(),
  ).toBeVisible();
  // the pattern shows once, under the field
  await expect(page.getByText(/\(pattern \^/)).toHaveCount(1);
  await docsScreenshot(page, 'create-wizard');

  await page.getByLabel('URL path').fill('/orders');
  await page.getByRole('button', { name: 'Review', exact: true }).click();
  await expect(page.getByText('Takes and tracks orders')).toBeVisible();
  await page.getByRole('button', { name: 'Create', exact: true }).click();

  // The task page: the action's progress with the runner's lines of the instance's deployment, then
  // the link to the new entity
  const open = page.getByRole('link', { name: 'Open in catalog' });
  await expect(open).toBeVisible({ timeout: 180_000 });
  await expect(
    page.getByText('The AWS Proton service orders is deployed: dev SUCCEEDED'),
  ).toBeVisible();
  await expect(
    page.getByText(
      /\[dev\] \[proton-server\] SIMULATED: \d+ resources registered/,
    ),
  ).toBeVisible();
  await docsScreenshot(page, 'create-task');
  // the log keeps its first lines above (the viewer follows the end): its search finds them
  await page
    .getByRole('textbox', { name: 'Search' })
    .fill('Created the AWS Proton service');
  await expect(
    page.getByText(
      `Created the AWS Proton service orders from fargate-service ${latest}`,
    ),
  ).toBeVisible();

  await open.click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/orders$/);
  await expect(page.getByText('AWS Proton service')).toBeVisible();
  const dev = page
    .getByRole('grid', { name: 'Service instances' })
    .getByRole('row', { name: /^dev/ });
  await expect(dev).toContainText('Succeeded');
  await expect(dev).toContainText(
    /simulated\.us-east-1\.elb\.amazonaws\.com\/orders/,
  );
  // the lifecycle chosen in the wizard, from the service's backstage:lifecycle tag
  await expect(
    page.getByText('production', { exact: true }).first(),
  ).toBeVisible();
  // the deployment history names who created it: the scaffolder's action recorded the guest, on
  // whose behalf it ran
  await page.goto('/catalog/default/component/orders/proton');
  const created = page
    .getByRole('grid', { name: 'Deployments of instance dev' })
    .getByRole('row')
    .nth(1);
  await expect(created).toContainText('Create', { timeout: 30_000 });
  await expect(created).toContainText('guest');
});

test('the catalog provider generates a wizard for the published service template, with its inputs', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/create');
  // the innermost element holding both the wizard's title and a Choose button: its card
  const card = page
    .locator('div')
    .filter({
      has: page.getByText(
        'Create a service from Fargate service (fargate-service 1, AWS Proton)',
        { exact: true },
      ),
    })
    .filter({ has: page.getByRole('button', { name: 'Choose', exact: true }) })
    .last();
  // its card says which template it is for, unlike the hand-written wizard for any template
  await expect(card).toContainText(
    'A container on Fargate behind the environment load balancer. A form made from the inputs of the service template fargate-service 1',
  );
  await expect(
    page.getByText('Pick any published service template and version'),
  ).toBeVisible();
  await docsScreenshot(page, 'create-page');
  await card.getByRole('button', { name: 'Choose', exact: true }).click();
  await expect(page).toHaveURL(
    /\/create\/templates\/default\/proton-fargate-service-v1$/,
  );
  await page.getByRole('textbox', { name: 'Name' }).fill('generated');
  await page.getByRole('combobox').click();
  await page.getByRole('option', { name: 'guests', exact: true }).click();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(page.getByLabel('URL path')).toBeVisible();
  await expect(page.getByLabel('Container image')).toHaveValue(
    'public.ecr.aws/nginx/nginx:1.27',
  );
});
