import type { IncomingMessage } from 'node:http';
import {
  coreServices,
  createBackendPlugin,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ProtonServer,
  readProtonServerConfig,
} from '@proton-platform/proton-server';

type LoggerMeta = Parameters<LoggerService['info']>[1];

/**
 * The Proton-compatible control plane as a Backstage backend plugin: the API under
 * `/api/proton-server` (SigV4-signed, so Backstage's own authentication does not apply), its state,
 * registered template bundles included, in the plugin's database; runner and credentials from the
 * `protonServer` configuration (see `@proton-platform/proton-server`'s config.d.ts).
 *
 * Startup fails, naming the setting, when `protonServer.credentials` would let anyone in (none; the
 * development key pair or a short secret outside development).
 *
 * @public
 */
export const protonServerPlugin = createBackendPlugin({
  pluginId: 'proton-server',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
      },
      async init({
        config,
        database,
        discovery,
        httpRouter,
        lifecycle,
        logger,
      }) {
        const options = readProtonServerConfig(config);
        const server = new ProtonServer({
          ...options,
          database: { client: 'knex', knex: await database.getClient() },
          endpoint: await discovery.getBaseUrl('proton-server'),
          logger: {
            info: (message, meta) => logger.info(message, meta as LoggerMeta),
            warn: (message, meta) => logger.warn(message, meta as LoggerMeta),
            error: (message, meta) => logger.error(message, meta as LoggerMeta),
          },
          // Requests are signed for the full path, e.g. /api/proton-server/.
          signedUrl: (request: IncomingMessage) =>
            (request as IncomingMessage & { originalUrl?: string })
              .originalUrl ??
            request.url ??
            '/',
        });
        const listener = await server.mount();
        lifecycle.addShutdownHook(() => server.stop());
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        httpRouter.use((request, response) => listener(request, response));
      },
    });
  },
});
