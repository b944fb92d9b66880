import path from 'node:path';
import {
  describeWithServices,
  dropDatabases,
  PRODUCTION_CONFIGS,
  productionEnvironment,
  ROOT,
  startBackend,
} from './__testUtils__/backendProcess';

/**
 * The backend with app-config.production.yaml refuses to start, saying which setting to fix, when
 * the control plane would accept no credentials or the development key pair this repository
 * publishes. It exits with status 1 instead of serving 503s.
 */
describeWithServices('the production settings test', ['postgres', 'redis'])(
  'the production settings',
  () => {
    const prefix = `backstage_ci_settings_${process.pid}_${Date.now()}_`;
    afterAll(() => dropDatabases(prefix), 60_000);

    async function refusal(
      env: Record<string, string>,
      configs = PRODUCTION_CONFIGS,
    ) {
      const backend = await startBackend({ configs, env });
      const code = await Promise.race([
        backend.exited,
        new Promise(resolve => setTimeout(() => resolve('running'), 150_000)),
      ]);
      await backend.stop('SIGKILL');
      return { code, output: backend.output() };
    }

    it('refuse to start without credentials, or with the development key pair, naming the setting', async () => {
      const [missing, development, developmentFile] = await Promise.all([
        // as when the variables that app-config.production.yaml reads are not set
        refusal(productionEnvironment(`${prefix}a_`)),
        refusal(
          productionEnvironment(`${prefix}b_`, {
            accessKeyId: 'proton-dev',
            secretAccessKey: 'proton-dev-secret',
          }),
        ),
        // the development settings loaded by mistake, over the production ones
        refusal(productionEnvironment(`${prefix}c_`), [
          ...PRODUCTION_CONFIGS,
          path.join(ROOT, 'app-config.development.yaml'),
        ]),
      ]);
      expect(missing.code).toBe(1);
      expect(missing.output).toContain(
        'Backstage did not start: Backend startup failed due to the following errors:',
      );
      expect(missing.output).toContain(
        "Plugin 'proton-server' startup failed; caused by Error: protonServer.credentials[0] has no accessKeyId. " +
          'Set protonServer.credentials to a key pair of your own (app-config.production.yaml reads it from the ' +
          'environment variables PROTON_SERVER_ACCESS_KEY_ID and PROTON_SERVER_SECRET_ACCESS_KEY',
      );
      for (const refused of [development, developmentFile]) {
        expect(refused.code).toBe(1);
        expect(refused.output).toContain(
          'protonServer.credentials[0] is a development key pair (access key id proton-dev), which is ' +
            'published with this project: it is accepted only when NODE_ENV is development or test.',
        );
      }
    }, 200_000);
  },
);
