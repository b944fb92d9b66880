import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '@backstage/config';
import type { Knex } from 'knex';
import {
  BundleSourceResolver,
  DirectoryBundleSources,
} from './bundles/bundleSource';
import { BundleLimits, PROTON_BUNDLE_LIMITS } from './bundles/extractBundle';
import { TemplateRegistrar } from './bundles/templateRegistrar';
import {
  protonTemplateSchemaCheck,
  TemplateSchemaCheck,
} from './bundles/templateSchemaCheck';
import { DeploymentCoordinator } from './deployments/deploymentCoordinator';
import type { DeploymentRunner } from './deployments/deploymentRunner';
import { PROTON_SIGNING_NAME } from './model/protonApiModel';
import { OperationInvoker } from './operations/operationInvoker';
import { createOperationTable } from './operations/operationTable';
import {
  createProtonRequestListener,
  ProtonServerLogger,
} from './protocol/requestListener';
import {
  RequestRateLimit,
  RequestRateLimiter,
} from './protocol/requestRateLimiter';
import type { ProtonServerCredentials } from './protocol/sigv4Verification';
import { openProtonDatabase, ProtonDatabaseOptions } from './store/database';

/**
 * Options of {@link createProtonServer}.
 *
 * @public
 */
export interface ProtonServerOptions {
  /** The credentials requests must be signed with (SigV4, signing name `proton`). */
  credentials: ProtonServerCredentials | ProtonServerCredentials[];
  /** Where `{s3: {bucket, key}}` template sources are read: `<bundlesDirectory>/<bucket>/<key>`. */
  bundlesDirectory: string;
  /** The port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** The address to listen on; defaults to `127.0.0.1`. */
  host?: string;
  /** The region in every ARN and accepted in signatures; defaults to `us-east-1`. */
  region?: string;
  /** The account id in every ARN; defaults to `000000000000`. */
  accountId?: string;
  /** The database; defaults to an in-memory SQLite database. */
  database?: ProtonDatabaseOptions;
  /**
   * Where registered template versions are unpacked. Defaults to `templates/` in the SQLite data
   * directory, or to a temporary directory (removed on stop) for other databases.
   */
  storageDirectory?: string;
  /** The largest request body accepted, in bytes; defaults to 1 MiB. */
  maxRequestBytes?: number;
  /** Throttles each access key to this rate (ThrottlingException, 429); unlimited by default. */
  rateLimit?: RequestRateLimit;
  /** The largest accepted clock skew of a signed request, in minutes; defaults to 15 as AWS. */
  maxClockSkewMinutes?: number;
  /** Template bundle quotas; default to AWS Proton's (10 MB bundle, 500 files, 2 MB per file). */
  bundleLimits?: Partial<BundleLimits>;
  /**
   * Executes deployments. Without one, deployments stay IN_PROGRESS until
   * NotifyResourceDeploymentStatusChange reports their outcome, as with self-managed provisioning.
   */
  deploymentRunner?: DeploymentRunner;
  /** Checks template schemas during registration; defaults to {@link protonTemplateSchemaCheck}. */
  templateSchemaCheck?: TemplateSchemaCheck;
  /** Where internal errors are reported; defaults to the console. */
  logger?: ProtonServerLogger;
}

/** The default largest request body: 1 MiB, well above the largest Proton input. */
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

const consoleLogger: ProtonServerLogger = {
  info: (message, meta) => console.log(message, meta ?? ''),
  warn: (message, meta) => console.warn(message, meta ?? ''),
  error: (message, meta) => console.error(message, meta ?? ''),
};

/**
 * A control plane that speaks the AWS Proton API over node:http.
 *
 * @public
 */
export class ProtonServer {
  private server?: http.Server;
  private knex?: Knex;
  private invoker?: OperationInvoker;
  private temporaryStorage?: string;
  private boundPort?: number;

  constructor(private readonly options: ProtonServerOptions) {}

  /**
   * Creates a server from the `protonServer` section of Backstage configuration (see config.d.ts);
   * `overrides` take precedence, e.g. a logger or a port.
   */
  static fromConfig(
    config: Config,
    overrides: Partial<ProtonServerOptions> = {},
  ): ProtonServer {
    const section = config.getConfig('protonServer');
    const databaseConfig = section.getOptionalConfig('database');
    let database: ProtonDatabaseOptions | undefined;
    if (databaseConfig?.getString('client') === 'pg') {
      database = {
        client: 'pg',
        connection: databaseConfig.getString('connection'),
        schema: databaseConfig.getOptionalString('schema'),
      };
    } else if (databaseConfig) {
      database = {
        client: 'sqlite',
        directory: databaseConfig.getOptionalString('directory') ?? ':memory:',
      };
    }
    return new ProtonServer({
      region: section.getOptionalString('region'),
      accountId: section.getOptionalString('accountId'),
      bundlesDirectory: section.getString('bundlesDirectory'),
      storageDirectory: section.getOptionalString('storageDirectory'),
      maxRequestBytes: section.getOptionalNumber('maxRequestBytes'),
      credentials: section.getConfigArray('credentials').map(entry => ({
        accessKeyId: entry.getString('accessKeyId'),
        secretAccessKey: entry.getString('secretAccessKey'),
      })),
      database,
      ...overrides,
    });
  }

  /** The port the server listens on; only known once started. */
  get port(): number {
    if (this.boundPort === undefined) {
      throw new Error('The Proton server has not been started');
    }
    return this.boundPort;
  }

  /** The endpoint clients should use, e.g. `http://127.0.0.1:4510`. */
  get endpoint(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  /**
   * Opens the database (running its migrations) and starts listening.
   *
   * @returns the port the server is bound to
   */
  async start(): Promise<number> {
    if (this.server) return this.port;
    const options = this.options;
    const logger = options.logger ?? consoleLogger;
    const database: ProtonDatabaseOptions = options.database ?? {
      client: 'sqlite',
      directory: ':memory:',
    };
    const knex = await openProtonDatabase(database);
    this.knex = knex;
    let storage = options.storageDirectory;
    if (
      !storage &&
      database.client === 'sqlite' &&
      database.directory !== ':memory:'
    ) {
      storage = path.join(database.directory, 'templates');
    }
    if (!storage) {
      storage = await fs.promises.mkdtemp(
        path.join(os.tmpdir(), 'proton-server-'),
      );
      this.temporaryStorage = storage;
    }
    const limits: BundleLimits = {
      ...PROTON_BUNDLE_LIMITS,
      ...options.bundleLimits,
    };
    const onBackgroundError = (error: unknown) =>
      logger.error(
        'A background task of the Proton server failed',
        error as Error,
      );
    const bundleSources: BundleSourceResolver = new DirectoryBundleSources(
      options.bundlesDirectory,
      limits.maxBundleBytes,
    );
    const settings = {
      region: options.region ?? 'us-east-1',
      accountId: options.accountId ?? '000000000000',
    };
    this.invoker = new OperationInvoker(
      createOperationTable(),
      knex,
      {
        settings,
        bundleSources,
        templateRegistrar: new TemplateRegistrar(
          knex,
          storage,
          options.templateSchemaCheck ?? protonTemplateSchemaCheck,
          limits,
          onBackgroundError,
        ),
        deployments: new DeploymentCoordinator(
          knex,
          options.deploymentRunner,
          onBackgroundError,
        ),
      },
      onBackgroundError,
    );
    const credentials = ([] as ProtonServerCredentials[]).concat(
      options.credentials,
    );
    const listener = createProtonRequestListener({
      runner: this.invoker,
      sigv4: {
        credentials,
        region: settings.region,
        service: PROTON_SIGNING_NAME,
        maxClockSkewMs: (options.maxClockSkewMinutes ?? 15) * 60 * 1000,
        now: () => new Date(),
      },
      maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      rateLimiter: options.rateLimit
        ? new RequestRateLimiter(options.rateLimit)
        : undefined,
      logger,
    });
    const server = http.createServer(listener);
    this.server = server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.boundPort = (server.address() as AddressInfo).port;
    return this.boundPort;
  }

  /** Resolves once every background task started so far (template registrations) has finished. */
  async settled(): Promise<void> {
    await this.invoker?.settled();
  }

  /** Stops listening, waits for background tasks and closes the database. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await this.settled();
    await this.knex?.destroy();
    if (this.temporaryStorage) {
      await fs.promises.rm(this.temporaryStorage, {
        recursive: true,
        force: true,
      });
    }
    this.server = undefined;
    this.knex = undefined;
    this.invoker = undefined;
    this.boundPort = undefined;
  }
}

/**
 * Creates a control plane that speaks the AWS Proton API; call `start()` to listen.
 *
 * @public
 */
export function createProtonServer(options: ProtonServerOptions): ProtonServer {
  return new ProtonServer(options);
}
