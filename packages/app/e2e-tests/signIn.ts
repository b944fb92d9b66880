import { expect, Page } from '@playwright/test';

/** Enters as the guest user and waits for the landing page, so the session is kept across page loads. */
export async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    page.getByRole('heading', { name: 'Proton Platform Catalog' }),
  ).toBeVisible();
}
