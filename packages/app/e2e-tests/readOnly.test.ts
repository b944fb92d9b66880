import { expect, test } from '@playwright/test';
import { signIn } from './signIn';

/**
 * A Backstage whose permission policy lets nobody run Proton mutations, on the demo's control plane:
 * its users see the service but no upgrade or redeploy button, and its API refuses them.
 */
const backendUrl = `http://localhost:${
  process.env.E2E_READONLY_BACKEND_PORT ?? 7008
}`;

test('without the update permission there is no upgrade, edit or delete button, and the API refuses each change', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signIn(page);
  // the catalog provider ingests the demo's service on its schedule
  await expect(async () => {
    await page.goto('/catalog/default/component/hello-nginx');
    await expect(page.getByText('AWS Proton service')).toBeVisible({
      timeout: 10_000,
    });
  }).toPass({ timeout: 180_000, intervals: [5_000] });
  const instances = page.getByRole('grid', { name: 'Service instances' });
  await expect(instances.getByRole('row', { name: /^dev/ })).toContainText(
    'Succeeded',
    { timeout: 60_000 },
  );
  await expect(instances.getByRole('button')).toHaveCount(0);
  await expect(
    page.getByRole('button', { name: /Add an instance|Delete the service/ }),
  ).toHaveCount(0);

  const session = await page.request.get(
    `${backendUrl}/api/auth/guest/refresh`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  expect(session.ok()).toBe(true);
  const token = (await session.json()).backstageIdentity.token;
  const refused = await page.request.post(
    `${backendUrl}/api/aws-proton/v1/entities/component/default/hello-nginx/service/instances/dev/deployments`,
    {
      headers: { authorization: `Bearer ${token}` },
      data: { deploymentType: 'CURRENT_VERSION' },
    },
  );
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toContain(
    'aws-proton.service-instance.update',
  );
  // nor may such a user edit, add or delete instances, or delete the service
  const service = `${backendUrl}/api/aws-proton/v1/entities/component/default/hello-nginx/service`;
  const headers = { authorization: `Bearer ${token}` };
  const changes = await Promise.all([
    page.request.put(`${service}/instances/dev/inputs`, {
      headers,
      data: { inputs: { path: '/x' } },
    }),
    page.request.post(`${service}/instances`, {
      headers,
      data: { name: 'x', environment: 'prod', inputs: {} },
    }),
    page.request.delete(`${service}/instances/dev`, { headers }),
    page.request.delete(service, { headers }),
  ]);
  expect(changes.map(response => response.status())).toEqual([
    403, 403, 403, 403,
  ]);
});

test('without the upgrade-fleet permission there is no campaign button, and the API refuses a campaign', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signIn(page);
  await expect(async () => {
    await page.goto(
      '/catalog/default/resource/service-template-fargate-service',
    );
    await expect(page.getByText('Upgrade campaigns')).toBeVisible({
      timeout: 10_000,
    });
  }).toPass({ timeout: 180_000, intervals: [5_000] });
  await expect(page.getByRole('grid', { name: 'Where it runs' })).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    page.getByRole('button', { name: 'Upgrade to recommended' }),
  ).toHaveCount(0);

  const session = await page.request.get(
    `${backendUrl}/api/auth/guest/refresh`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  const token = (await session.json()).backstageIdentity.token;
  const refused = await page.request.post(
    `${backendUrl}/api/aws-proton/v1/entities/resource/default/service-template-fargate-service/template/campaigns`,
    { headers: { authorization: `Bearer ${token}` }, data: { dryRun: true } },
  );
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toContain(
    'aws-proton.template.upgrade-fleet',
  );
});
