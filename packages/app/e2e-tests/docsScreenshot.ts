import { Page } from '@playwright/test';
import path from 'node:path';

/**
 * With DOCS_SCREENSHOTS set (`npm run docs:screenshots`), saves what the page shows as
 * docs/images/<name>.png, the screenshots the README uses; otherwise does nothing.
 */
export async function docsScreenshot(page: Page, name: string) {
  if (!process.env.DOCS_SCREENSHOTS) return;
  // wide enough for the entity page's two columns and the instances table
  await page.setViewportSize({ width: 1680, height: 1050 });
  await page.waitForTimeout(500);
  // as tall as the page, so that the sidebar (sticky to the viewport) runs its whole height
  const height = await page.evaluate(
    () => document.documentElement.scrollHeight,
  );
  await page.setViewportSize({ width: 1680, height: Math.max(1050, height) });
  await page.waitForTimeout(500);
  await page.screenshot({
    path: path.resolve(__dirname, '../../../docs/images', `${name}.png`),
  });
}
