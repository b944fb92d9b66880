import { defineConfig } from '@playwright/test';

/**
 * The browser end-to-end suite. It starts two Backstage instances itself, on the ports scripts/project.mjs
 * picks (E2E_APP_PORT, E2E_BACKEND_PORT, E2E_READONLY_APP_PORT, E2E_READONLY_BACKEND_PORT), waits until they
 * answer, and stops them when the suite ends, also when it fails:
 *
 * - the demo, as `npm start` runs it: the embedded control plane seeded with the demo, and the guest
 *   user allowed to run Proton mutations;
 * - a read-only Backstage on the same control plane, whose policy lets nobody run Proton mutations.
 *
 * It drives Debian's Chromium: Playwright never downloads a browser here.
 */
const port = (name: string, fallback: number) =>
  Number(process.env[name] ?? fallback);

/** The backend without a file watcher, so that nothing restarts it during the suite. */
const BACKEND =
  'yarn workspace backend exec node --require @backstage/cli/config/nodeTransform.cjs src/index.ts';

function instance(options: {
  appPort: number;
  backendPort: number;
  env?: Record<string, string>;
}) {
  const appUrl = `http://localhost:${options.appPort}`;
  const backendUrl = `http://localhost:${options.backendPort}`;
  const env = {
    // app-config.development.yaml after app-config.yaml: the demo's settings
    BACKSTAGE_ENV: 'development',
    APP_CONFIG_app_baseUrl: appUrl,
    APP_CONFIG_backend_baseUrl: backendUrl,
    APP_CONFIG_backend_listen_port: String(options.backendPort),
    // as app-config.yaml: the page may be opened at either name of the machine
    APP_CONFIG_backend_cors_origin: JSON.stringify([
      appUrl,
      appUrl.replace('localhost', '127.0.0.1'),
    ]),
    // The dev server must not open a browser window of its own
    BROWSER: 'none',
    ...options.env,
  };
  return {
    appUrl,
    backendUrl,
    servers: [
      {
        command: BACKEND,
        url: `${backendUrl}/.backstage/health/v1/readiness`,
        // development mode, as `npm start` runs it: the guest sign-in is for development only
        env: { ...env, NODE_ENV: 'development' },
        timeout: 300_000,
        reuseExistingServer: false,
        stdout: 'pipe' as const,
        gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 },
      },
      {
        command: 'yarn workspace app start',
        url: appUrl,
        env,
        timeout: 300_000,
        reuseExistingServer: false,
        gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 },
      },
    ],
  };
}

const demoBackendPort = port('E2E_BACKEND_PORT', 7007);
const controlPlane = `http://localhost:${demoBackendPort}/api/proton-server`;
const demo = instance({
  appPort: port('E2E_APP_PORT', 3000),
  backendPort: demoBackendPort,
  env: { APP_CONFIG_awsProton_endpoint: controlPlane },
});
const readOnly = instance({
  appPort: port('E2E_READONLY_APP_PORT', 3001),
  backendPort: port('E2E_READONLY_BACKEND_PORT', 7008),
  env: {
    APP_CONFIG_awsProton_endpoint: controlPlane,
    APP_CONFIG_protonDemo_seed: 'false',
    APP_CONFIG_permission_awsProton_mutators: '[]',
  },
});

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  testMatch: '*.test.ts',
  // the dev server's bundle takes seconds to load on a 2-core machine, and each test loads pages
  timeout: 180_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report' }],
  ],
  outputDir: 'test-results',
  webServer: [...demo.servers, ...readOnly.servers],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
      ],
    },
  },
  projects: [
    {
      name: 'demo',
      testIgnore: /readOnly\.test\.ts/,
      use: { browserName: 'chromium', baseURL: demo.appUrl },
    },
    {
      name: 'read-only',
      testMatch: /readOnly\.test\.ts/,
      // after the demo's tests, which wait for the seeded service
      dependencies: ['demo'],
      use: { browserName: 'chromium', baseURL: readOnly.appUrl },
    },
  ],
});
