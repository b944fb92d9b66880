import { defineConfig } from '@playwright/test';

/**
 * The browser end-to-end suite. It starts the backend and the frontend itself, on the ports given by
 * E2E_BACKEND_PORT and E2E_APP_PORT (scripts/project.mjs picks free ones), waits until both answer,
 * and stops them when the suite ends, also when it fails. It drives Debian's Chromium: Playwright
 * never downloads a browser here.
 */
const appPort = Number(process.env.E2E_APP_PORT ?? 3000);
const backendPort = Number(process.env.E2E_BACKEND_PORT ?? 7007);
const appUrl = `http://localhost:${appPort}`;
const backendUrl = `http://localhost:${backendPort}`;

const env = {
  APP_CONFIG_app_baseUrl: appUrl,
  APP_CONFIG_awsProton_endpoint: `${backendUrl}/api/proton-server`,
  APP_CONFIG_backend_baseUrl: backendUrl,
  APP_CONFIG_backend_listen_port: String(backendPort),
  APP_CONFIG_backend_cors_origin: appUrl,
  // The dev server must not open a browser window of its own
  BROWSER: 'none',
};

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  testMatch: '*.test.ts',
  timeout: 60_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  outputDir: 'test-results',
  webServer: [
    {
      // The backend without a file watcher, so that nothing restarts it during the suite
      command:
        'yarn workspace backend exec node --require @backstage/cli/config/nodeTransform.cjs src/index.ts',
      url: `${backendUrl}/.backstage/health/v1/readiness`,
      // development mode, as `yarn start` runs it: the guest sign-in is for development only
      env: { ...env, NODE_ENV: 'development' },
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
    {
      command: 'yarn workspace app start',
      url: appUrl,
      env,
      timeout: 300_000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
  ],
  use: {
    baseURL: appUrl,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
