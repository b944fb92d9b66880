import type http from 'node:http';
import type { BundleSourceResolver } from './bundles/bundleSource';
import type { BundleLimits } from './bundles/extractBundle';
import type { TemplateBundleStore } from './bundles/templateBundleStore';
import type { TemplateSchemaCheck } from './bundles/templateSchemaCheck';
import type { LeaseOptions } from './deployments/deploymentLeases';
import type {
  DeploymentRunner,
  DeploymentRunnerFactory,
} from './deployments/deploymentRunner';
import type { ProtonServerLogger } from './protocol/requestListener';
import type { RequestRateLimit } from './protocol/requestRateLimiter';
import type { ProtonServerCredentials } from './protocol/sigv4Verification';
import type { ProtonDatabaseOptions } from './store/database';
import type { GitSyncOptions } from './sync/gitConnections';

/**
 * Options of {@link createProtonServer}.
 *
 * @public
 */
export interface ProtonServerOptions {
  /**
   * The credentials requests must be signed with (SigV4, signing name `proton`); at least one. The
   * first one's secret also keys the temporary credentials each deployment's steps get, so every
   * server sharing a database must list the same first key pair.
   */
  credentials: ProtonServerCredentials | ProtonServerCredentials[];
  /** Where `{s3: {bucket, key}}` template sources are read: `<bundlesDirectory>/<bucket>/<key>`. */
  bundlesDirectory: string;
  /**
   * Where `{s3: {bucket, key}}` template sources are read from; defaults to `<bundlesDirectory>/<bucket>/<key>`.
   * `S3BundleSources` reads them from real Amazon S3.
   */
  bundleSources?: BundleSourceResolver;
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
   * Where registered template versions are kept for good: a {@link DatabaseTemplateBundleStore} (the
   * default, in this server's database) or an {@link S3TemplateBundleStore}. Every server sharing the
   * database must use the same store.
   */
  templateBundleStore?: TemplateBundleStore;
  /**
   * A local cache of unpacked template versions, rebuilt from the bundle store whenever something is
   * missing (so it need not be shared or kept). Defaults to `templates/` in the SQLite data
   * directory, or to a temporary directory (removed on stop) for other databases.
   */
  storageDirectory?: string;
  /**
   * Git connections for linked repositories (template sync), with their credentials and webhook
   * secrets, and the polling interval. Without connections, CreateRepository refuses every
   * connection ARN.
   */
  git?: GitSyncOptions;
  /** The largest request body accepted, in bytes; defaults to 1 MiB. */
  maxRequestBytes?: number;
  /** Throttles each access key to this rate (ThrottlingException, 429); unlimited by default. */
  rateLimit?: RequestRateLimit;
  /** The largest accepted clock skew of a signed request, in minutes; defaults to 15 as AWS. */
  maxClockSkewMinutes?: number;
  /** Template bundle quotas; default to AWS Proton's (10 MB bundle, 500 files, 2 MB per file). */
  bundleLimits?: Partial<BundleLimits>;
  /**
   * Executes deployments: a runner, or a factory called at start (e.g. `createLocalRunner()`).
   * Without one, deployments stay IN_PROGRESS until NotifyResourceDeploymentStatusChange reports
   * their outcome, as with self-managed provisioning.
   */
  deploymentRunner?: DeploymentRunner | DeploymentRunnerFactory;
  /**
   * Where runners keep working directories and logs. Defaults to `work/` in the SQLite data
   * directory, or to a temporary directory (removed on stop).
   */
  workDirectory?: string;
  /** How servers claim deployments (leases, recovery); see {@link LeaseOptions}. */
  deploymentLeases?: Partial<LeaseOptions>;
  /** Checks template schemas during registration; defaults to `protonTemplateSchemaCheck`. */
  templateSchemaCheck?: TemplateSchemaCheck;
  /** Where internal errors are reported; defaults to the console. */
  logger?: ProtonServerLogger;
  /**
   * The endpoint runners call back (the `aws` CLI in a bundle's steps) when it is not this server's
   * own listener, e.g. `http://backstage:7007/api/proton-server` for the backend plugin.
   */
  endpoint?: string;
  /**
   * The URL a request was signed for, when the listener is mounted below a path (Express's
   * `originalUrl`); defaults to the request's URL.
   */
  signedUrl?: (request: http.IncomingMessage) => string;
  /**
   * For tests and benchmarks only: answers no call sooner than this many milliseconds after it came
   * (the work overlaps the wait, as an upstream serving calls in parallel); the log and webhook
   * routes wait this long first.
   */
  responseDelayMs?: number;
  /**
   * With SQLite, read-only operations remember their outputs until the next write to the database
   * (exact, since this server is its only writer). Defaults to true; false turns it off.
   */
  readCache?: boolean;
}
