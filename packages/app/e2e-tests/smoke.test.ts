import { expect, test } from '@playwright/test';
import { signIn } from './signIn';

test('the catalog lists the example entities', async ({ page }) => {
  await signIn(page);
  await expect(
    page.getByRole('link', { name: 'example-website' }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'example-misconfigured-service' }),
  ).toBeVisible();
});

test('a component without the Proton annotation shows no Proton card or tab', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/example-website');
  await expect(page.getByText('About')).toBeVisible();
  // the cards have loaded (the graph's card, loaded as lazily as ours, is there) and the page is quiet:
  // what is not there by now is not coming
  await expect(page.getByRole('heading', { name: 'Relations' })).toBeVisible();
  await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => {
    // a page that keeps a request open never goes idle; the cards are there already
  });
  await expect(page.getByText('AWS Proton service')).toHaveCount(0);
  await expect(page.getByText('Missing Annotation')).toHaveCount(0);
  await expect(
    page.getByRole('link', { name: 'Proton', exact: true }),
  ).toHaveCount(0);
});

test('a malformed ARN shows a clear error inside the card, and the page keeps working', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/example-misconfigured-service');
  await expect(
    page.getByText(
      'The aws.amazon.com/aws-proton-service annotation is not valid',
    ),
  ).toBeVisible();
  await expect(
    page.getByText(/names an environment, but a service ARN is expected here/),
  ).toBeVisible();
  // The rest of the entity page still renders
  await expect(page.getByText('About')).toBeVisible();
});

test('/catalog, where Backstage keeps its catalog by default, answers with the catalog', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog?filters%5Bkind%5D=component');
  await expect(
    page.getByRole('heading', { name: 'Proton Platform Catalog' }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/\?filters%5Bkind%5D=component/);
});

test('the guest signs in at 127.0.0.1 as well as at localhost, as the catalog user who owns the demo services', async ({
  page,
  baseURL,
}) => {
  // the address the dev server prints: another origin than the configured localhost
  const numeric = baseURL!.replace('localhost', '127.0.0.1');
  const failures: string[] = [];
  page.on('response', response => {
    if (response.status() >= 400) {
      failures.push(`${response.status()} ${response.url()}`);
    }
  });
  await page.goto(`${numeric}/`);
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('heading', { name: 'Proton Platform Catalog' }),
  ).toBeVisible();
  // the guest is the catalog's user:default/guest, a member of guests, which owns the demo's services
  await page.getByRole('menuitem', { name: /Owned/ }).click();
  await expect(page.getByRole('link', { name: 'hello-nginx' })).toBeVisible({
    timeout: 60_000,
  });
  await page.goto(`${numeric}/catalog/default/user/guest`);
  await expect(page.getByText('guests').first()).toBeVisible();
  await expect(page.getByText('platform').first()).toBeVisible();
  // no request failed on the way: not the sign-in, not the user's own entity
  expect(failures).toEqual([]);
});
