import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Config } from '@backstage/config';
import type { Knex } from 'knex';
import { readProtonServerConfig } from './protonServerConfig';
import type { ProtonServerOptions } from './protonServerOptions';
import {
  BundleSourceResolver,
  DirectoryBundleSources,
} from './bundles/bundleSource';
import { BundleLimits, PROTON_BUNDLE_LIMITS } from './bundles/extractBundle';
import { DatabaseTemplateBundleStore } from './bundles/templateBundleStore';
import { TemplateFiles } from './bundles/templateFiles';
import { TemplateRegistrar } from './bundles/templateRegistrar';
import { protonTemplateSchemaCheck } from './bundles/templateSchemaCheck';
import { DeploymentCoordinator } from './deployments/deploymentCoordinator';
import { defaultLeaseOptions } from './deployments/deploymentLeases';
import { PROTON_SIGNING_NAME } from './model/protonApiModel';
import { OperationInvoker } from './operations/operationInvoker';
import { createOperationTable } from './operations/operationTable';
import { ReadResultCache } from './operations/readResultCache';
import { previewServiceInstanceUpdate } from './operations/serviceInstancePreview';
import {
  createProtonRequestListener,
  ProtonServerLogger,
} from './protocol/requestListener';
import {
  createCredentialResolver,
  DeploymentCredentials,
} from './protocol/deploymentCredentials';
import { RequestRateLimiter } from './protocol/requestRateLimiter';
import type { ProtonServerCredentials } from './protocol/sigv4Verification';
import { openProtonDatabase, ProtonDatabaseOptions } from './store/database';
import { DEFAULT_POLL_INTERVAL_SECONDS } from './sync/gitConnections';
import { GitMirrors, GitOperationCounts } from './sync/gitMirrors';
import { RepositorySync } from './sync/repositorySync';
import { applyDeclaredRepositories } from './sync/declaredRepositories';
import { toWireJson, WireJsonText } from './protocol/wireFormat';
import {
  makeTemporaryDirectory,
  removeAbandonedTemporaryDirectories,
} from './temporaryDirectories';

/** How long an idle client connection stays open (ms). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export type { ProtonServerOptions } from './protonServerOptions';

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
  private temporaryDirectories: string[] = [];
  private deployments?: DeploymentCoordinator;
  private registrar?: TemplateRegistrar;
  private repositorySync?: RepositorySync;
  private mirrors?: GitMirrors;
  private recoveryTimer?: NodeJS.Timeout;
  private recovery: Promise<void> = Promise.resolve();
  private ownsKnex = false;
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
    return new ProtonServer({
      ...readProtonServerConfig(config),
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

  /**
   * The endpoint clients should use, e.g. `http://127.0.0.1:4510`; the `endpoint` option when given
   * (a server mounted in another one, e.g. Backstage's).
   */
  get endpoint(): string {
    if (this.options.endpoint) return this.options.endpoint;
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
    const listener = await this.open();
    const options = this.options;
    // Clients keep idle connections to reuse (the AWS SDK's agent does); a server that closed
    // them after Node's default 5 s would race a request sent on one at that moment (ECONNRESET).
    // Keep them longer than clients usually do, as load balancers do (60 s idle).
    const server = http.createServer(
      { keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS },
      listener,
    );
    this.server = server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.boundPort = (server.address() as AddressInfo).port;
      await this.startBackgroundWork();
    } catch (error) {
      await this.stop();
      throw error;
    }
    return this.boundPort;
  }

  /**
   * Opens the database and starts executing deployments without listening: the returned node:http
   * request listener serves the API wherever it is mounted (set the `endpoint` option to where that
   * is). `stop()` closes it.
   */
  async mount(): Promise<
    (request: http.IncomingMessage, response: http.ServerResponse) => void
  > {
    const listener = await this.open();
    try {
      await this.startBackgroundWork();
    } catch (error) {
      await this.stop();
      throw error;
    }
    return listener;
  }

  /**
   * Resumes what servers that stopped left unfinished (deployments and template registrations no
   * live server holds), then keeps looking for it.
   */
  private async startBackgroundWork(): Promise<void> {
    await this.deployments!.startExecution();
    const registrar = this.registrar!;
    const logger = this.options.logger ?? consoleLogger;
    const recover = () => {
      this.recovery = this.recovery
        .then(() => registrar.recover())
        .catch(error =>
          logger.error(
            'Resuming interrupted template registrations failed',
            error as Error,
          ),
        );
      return this.recovery;
    };
    await recover();
    await applyDeclaredRepositories(
      this.options.git?.repositories ?? [],
      async (operation, input) => {
        const output = await this.invoker!.invoke(operation, input);
        return output instanceof WireJsonText
          ? JSON.parse(output.text)
          : output;
      },
      logger,
    );
    this.repositorySync!.start();
    this.recoveryTimer = setInterval(
      recover,
      defaultLeaseOptions(this.options.deploymentLeases).recoveryIntervalMs,
    );
    this.recoveryTimer.unref();
  }

  private async open(): Promise<
    (request: http.IncomingMessage, response: http.ServerResponse) => void
  > {
    if (this.knex) throw new Error('The Proton server is already open');
    const options = this.options;
    const logger = options.logger ?? consoleLogger;
    const database: ProtonDatabaseOptions = options.database ?? {
      client: 'sqlite',
      directory: ':memory:',
    };
    const knex = await openProtonDatabase(database);
    this.knex = knex;
    this.ownsKnex = database.client !== 'knex';
    let storage = options.storageDirectory;
    if (
      !storage &&
      database.client === 'sqlite' &&
      database.directory !== ':memory:'
    ) {
      storage = path.join(database.directory, 'templates');
    }
    // what a control plane killed before its shutdown finished left behind
    const abandoned = await removeAbandonedTemporaryDirectories();
    if (abandoned.length > 0) {
      logger.info(
        `Removed ${abandoned.length} temporary folder(s) of control planes that stopped without removing them`,
      );
    }
    const temporary = async () => {
      const directory = await makeTemporaryDirectory();
      this.temporaryDirectories.push(directory);
      return directory;
    };
    if (!storage) storage = await temporary();
    const sqliteFile =
      database.client === 'sqlite' && database.directory !== ':memory:';
    const workDirectory =
      options.workDirectory ??
      (sqliteFile
        ? path.join(database.directory as string, 'work')
        : await temporary());
    const limits: BundleLimits = {
      ...PROTON_BUNDLE_LIMITS,
      ...options.bundleLimits,
    };
    const onBackgroundError = (error: unknown) =>
      logger.error(
        'A background task of the Proton server failed',
        error as Error,
      );
    const bundleSources: BundleSourceResolver =
      options.bundleSources ??
      new DirectoryBundleSources(
        options.bundlesDirectory,
        limits.maxBundleBytes,
      );
    const settings = {
      region: options.region ?? 'us-east-1',
      accountId: options.accountId ?? '000000000000',
    };
    const credentials = ([] as ProtonServerCredentials[]).concat(
      options.credentials,
    );
    if (credentials.length === 0) {
      throw new Error(
        'The Proton server has no credentials: it would accept no request',
      );
    }
    const leases = defaultLeaseOptions({
      releaseClaimsOnStart: sqliteFile,
      ...options.deploymentLeases,
    });
    const templateFiles = new TemplateFiles(
      knex,
      options.templateBundleStore ?? new DatabaseTemplateBundleStore(),
      storage,
      limits,
    );
    for (const version of await templateFiles.storeLegacyVersions()) {
      logger.info(
        `Stored the files of ${version.kind} template ${version.templateName} ${version.major}.${version.minor} ` +
          'in the template bundle store (registered before bundles were kept there)',
      );
    }
    const registrar = new TemplateRegistrar(
      knex,
      templateFiles,
      bundleSources,
      options.templateSchemaCheck ?? protonTemplateSchemaCheck,
      limits,
      leases,
      storage,
      onBackgroundError,
      (revision, file) =>
        this.repositorySync!.writeRevisionBundle(revision, file),
    );
    if (leases.releaseClaimsOnStart) await registrar.releaseClaims();
    this.registrar = registrar;
    const deploymentCredentials =
      DeploymentCredentials.fromServerCredentials(credentials);
    const runner =
      typeof options.deploymentRunner === 'function'
        ? options.deploymentRunner({
            endpoint: () => this.endpoint,
            workDirectory,
          })
        : options.deploymentRunner;
    const deployments = new DeploymentCoordinator(
      knex,
      runner,
      onBackgroundError,
      { templateFiles, credentials: deploymentCredentials, leases },
    );
    this.deployments = deployments;
    const mirrors = new GitMirrors(path.join(workDirectory, 'git-mirrors'));
    this.mirrors = mirrors;
    const connections = options.git?.connections ?? [];
    const repositorySync = new RepositorySync({
      knex,
      mirrors,
      connections,
      leases,
      pollIntervalMs:
        connections.length > 0
          ? (options.git?.pollIntervalSeconds ??
              DEFAULT_POLL_INTERVAL_SECONDS) * 1000
          : 0,
      scratchDirectory: path.join(storage, 'sync'),
      onInternalError: onBackgroundError,
      transact: work => this.invoker!.transact(work),
      invokeAsServiceSync: (operation, input) =>
        this.invoker!.invoke(operation, input, { kind: 'serviceSync' }),
    });
    this.repositorySync = repositorySync;
    this.invoker = new OperationInvoker(
      createOperationTable(),
      knex,
      {
        settings,
        bundleSources,
        templateRegistrar: registrar,
        deployments,
        repositorySync: {
          connectionProvider: arn => repositorySync.connection(arn)?.provider,
          request: (branch, resync) => repositorySync.request(branch, resync),
        },
      },
      onBackgroundError,
      undefined,
      // SQLite has one writer, this server: reads can be remembered until the next write.
      database.client === 'sqlite' && options.readCache !== false
        ? new ReadResultCache(knex)
        : undefined,
    );
    return createProtonRequestListener({
      runner: this.invoker,
      sigv4: {
        resolveCredentials: createCredentialResolver(
          credentials,
          deploymentCredentials,
        ),
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
      readDeploymentLog: id => deployments.readLog(id),
      previewServiceInstanceUpdate: input =>
        this.invoker!.read(
          'UpdateServiceInstanceInput',
          input,
          previewServiceInstanceUpdate,
        ).then(toWireJson),
      handleWebhook: (headers, body) =>
        repositorySync.handleWebhook(headers, body),
      responseDelayMs: options.responseDelayMs,
      signedUrl: options.signedUrl,
    });
  }

  /**
   * The log of a deployment (what `GET /deployments/<id>/log` serves): kept in the database once the
   * deployment ended, the runner's while it runs; undefined when there is none.
   */
  async deploymentLog(deploymentId: string): Promise<string | undefined> {
    if (!this.deployments) {
      throw new Error('The Proton server has not been started');
    }
    return this.deployments.readLog(deploymentId);
  }

  /**
   * Resolves once every background task started so far (template registrations, repository syncs)
   * has finished.
   */
  async settled(): Promise<void> {
    await this.invoker?.settled();
    await this.repositorySync?.settled();
    await this.invoker?.settled();
  }

  /**
   * Requests a sync of every branch a template sync or service sync configuration follows, as the
   * poll timer does
   * (`git.pollIntervalSeconds`); `settled()` resolves once they have run.
   */
  async pollRepositories(): Promise<void> {
    if (!this.repositorySync) {
      throw new Error('The Proton server has not been started');
    }
    await this.repositorySync.poll();
  }

  /** How many fetches and clones of linked repositories this server made. */
  get gitOperationCounts(): GitOperationCounts {
    return { ...(this.mirrors?.counts ?? { fetches: 0, clones: 0 }) };
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
    clearInterval(this.recoveryTimer);
    this.recoveryTimer = undefined;
    await this.repositorySync?.stop();
    await this.recovery;
    await this.settled();
    await this.deployments?.stopExecution();
    await this.settled();
    if (this.ownsKnex) await this.knex?.destroy();
    for (const directory of this.temporaryDirectories) {
      await fs.promises.rm(directory, { recursive: true, force: true });
    }
    this.temporaryDirectories = [];
    this.deployments = undefined;
    this.registrar = undefined;
    this.repositorySync = undefined;
    this.mirrors = undefined;
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
