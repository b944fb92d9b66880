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

test('an entity without the annotation shows the Proton card empty state', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/example-website');
  await expect(page.getByText('Missing Annotation')).toBeVisible();
  await expect(
    page.getByText('aws.amazon.com/aws-proton-service').first(),
  ).toBeVisible();
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
