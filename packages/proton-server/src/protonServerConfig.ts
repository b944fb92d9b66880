import { S3Client } from '@aws-sdk/client-s3';
import path from 'node:path';
import { S3BundleSources } from './bundles/s3BundleSources';
import type { Config } from '@backstage/config';
import type { DeploymentRunnerFactory } from './deployments/deploymentRunner';
import { createCodeBuildRunner } from './deployments/codebuildRunner';
import { createLocalRunner } from './deployments/localRunner';
import { createSimulateRunner } from './deployments/simulateRunner';
import type { ProtonServerOptions } from './protonServerOptions';
import type { ProtonDatabaseOptions } from './store/database';
import {
  assertAcceptableCredentials,
  CredentialSource,
} from './credentialPolicy';
import {
  S3TemplateBundleStore,
  TemplateBundleStore,
} from './bundles/templateBundleStore';
import type { ProtonServerCredentials } from './protocol/sigv4Verification';
import type {
  DeclaredRepository,
  GitConnection,
  GitSyncOptions,
  RepositoryProvider,
} from './sync/gitConnections';

const PROVIDERS: RepositoryProvider[] = [
  'GITHUB',
  'GITHUB_ENTERPRISE',
  'BITBUCKET',
];

/**
 * A `baseUrl` that is a local path (no `scheme://`, not scp-like `user@host:`) is resolved against the
 * working directory, as Backstage resolves its file locations, so that git finds it from anywhere.
 */
function localPathResolved(baseUrl: string, baseDirectory?: string): string {
  if (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(baseUrl) ||
    /^[^/]+@[^/]+:/.test(baseUrl)
  ) {
    return baseUrl;
  }
  return path.resolve(baseDirectory ?? process.cwd(), baseUrl);
}

/**
 * The Git connections of `protonServer.git` (see config.d.ts); a local `baseUrl` and the SSH key
 * and known_hosts files are resolved against `baseDirectory` (the working directory when absent).
 *
 * @param section - the `protonServer` section
 * @throws Error naming the setting at fault: an unknown provider, a repeated ARN, an empty secret
 */
export function gitFromConfig(
  section: Config,
  baseDirectory?: string,
): GitSyncOptions | undefined {
  const git = section.getOptionalConfig('git');
  if (!git) return undefined;
  const seen = new Set<string>();
  const connections = git
    .getConfigArray('connections')
    .map((entry, index): GitConnection => {
      const name = `protonServer.git.connections[${index}]`;
      const provider = entry.getString('provider');
      if (!PROVIDERS.includes(provider as RepositoryProvider)) {
        throw new Error(
          `${name}.provider must be one of ${PROVIDERS.join(
            ', ',
          )}, not ${provider}`,
        );
      }
      const arn = entry.getString('arn');
      if (seen.has(arn)) {
        throw new Error(`${name}.arn ${arn} is listed twice`);
      }
      seen.add(arn);
      const secret = (key: string) => {
        const value = entry.getOptionalString(key);
        if (value !== undefined && !value.trim()) {
          throw new Error(`${name}.${key} is set but empty`);
        }
        return value?.trim();
      };
      const file = (key: string) => {
        const value = entry.getOptionalString(key);
        return value && path.resolve(baseDirectory ?? process.cwd(), value);
      };
      return {
        arn,
        provider: provider as RepositoryProvider,
        baseUrl: localPathResolved(entry.getString('baseUrl'), baseDirectory),
        webUrl: entry.getOptionalString('webUrl'),
        username: entry.getOptionalString('username'),
        token: secret('token'),
        sshPrivateKeyFile: file('sshPrivateKeyFile'),
        sshKnownHostsFile: file('sshKnownHostsFile'),
        webhookSecret: secret('webhookSecret'),
      };
    });
  const repositories = (git.getOptionalConfigArray('repositories') ?? []).map(
    (entry, index): DeclaredRepository => {
      const name = `protonServer.git.repositories[${index}]`;
      const connectionArn = entry.getString('connectionArn');
      const connection = connections.find(c => c.arn === connectionArn);
      if (!connection) {
        throw new Error(
          `${name}.connectionArn ${connectionArn} is not one of protonServer.git.connections`,
        );
      }
      const provider =
        entry.getOptionalString('provider') ?? connection.provider;
      if (provider !== connection.provider) {
        throw new Error(
          `${name}.provider is ${provider}, but its connection reaches ${connection.provider} repositories`,
        );
      }
      return {
        provider: connection.provider,
        name: entry.getString('name'),
        connectionArn,
        templates: (entry.getOptionalConfigArray('templates') ?? []).map(
          (template, templateIndex) => {
            const type = template.getString('type');
            if (type !== 'ENVIRONMENT' && type !== 'SERVICE') {
              throw new Error(
                `${name}.templates[${templateIndex}].type must be ENVIRONMENT or SERVICE, not ${type}`,
              );
            }
            const customerManaged = (key: string) => {
              const value = template.getOptionalString(key);
              if (value !== undefined && value !== 'CUSTOMER_MANAGED') {
                throw new Error(
                  `${name}.templates[${templateIndex}].${key} can only be CUSTOMER_MANAGED`,
                );
              }
              return value as 'CUSTOMER_MANAGED' | undefined;
            };
            return {
              name: template.getString('name'),
              type,
              branch: template.getString('branch'),
              subdirectory: template.getOptionalString('subdirectory'),
              displayName: template.getOptionalString('displayName'),
              description: template.getOptionalString('description'),
              pipelineProvisioning: customerManaged('pipelineProvisioning'),
              provisioning: customerManaged('provisioning'),
            };
          },
        ),
      };
    },
  );
  return {
    connections,
    repositories,
    pollIntervalSeconds: git.getOptionalNumber('pollIntervalSeconds'),
  };
}

/** The runner named by `protonServer.runner`, with the `protonServer.deployments` settings. */
function runnerFromConfig(
  section: Config,
): DeploymentRunnerFactory | undefined {
  const name = section.getOptionalString('runner') ?? 'local';
  const deployments = section.getOptionalConfig('deployments');
  const timeoutSeconds = deployments?.getOptionalNumber('timeoutSeconds');
  const environment = deployments?.getOptionalConfig('environment');
  const common = {
    timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
    concurrency: deployments?.getOptionalNumber('concurrency'),
    environment: environment
      ? Object.fromEntries(
          environment.keys().map(key => [key, environment.getString(key)]),
        )
      : undefined,
    passEnvironment: deployments?.getOptionalStringArray('passEnvironment'),
  };
  switch (name) {
    case 'none':
      return undefined;
    case 'local':
      return createLocalRunner(common);
    case 'simulate':
      return createSimulateRunner({
        ...common,
        nodeModulesSources:
          deployments?.getOptionalStringArray('nodeModulesSources'),
      });
    case 'codebuild': {
      const codebuild = section.getConfig('codebuild');
      return createCodeBuildRunner({
        timeoutMs: common.timeoutMs,
        concurrency: common.concurrency,
        projectName: codebuild.getString('projectName'),
        sourceBucket: codebuild.getString('sourceBucket'),
        sourcePrefix: codebuild.getOptionalString('sourcePrefix'),
        callbackEndpoint: codebuild.getOptionalString('callbackEndpoint'),
        parameterPrefix: codebuild.getOptionalString('parameterPrefix'),
        region: codebuild.getOptionalString('region'),
        computeType: codebuild.getOptionalString('computeType'),
      });
    }
    default:
      throw new Error(
        `protonServer.runner must be local, simulate, codebuild or none, not ${name}`,
      );
  }
}

/** Where the credentials are configured, for error messages. */
const CONFIGURED_CREDENTIALS: CredentialSource = {
  list: 'protonServer.credentials',
  name: index => `protonServer.credentials[${index}]`,
  remedy:
    'Set protonServer.credentials to a key pair of your own (app-config.production.yaml reads it from ' +
    'the environment variables PROTON_SERVER_ACCESS_KEY_ID and PROTON_SERVER_SECRET_ACCESS_KEY; a ' +
    'secret file works too: secretAccessKey: {$file: /run/secrets/proton-server-secret}).',
};

/**
 * The key pairs in `protonServer.credentials`, checked with {@link assertAcceptableCredentials}
 * (secrets read from a file lose their trailing newline).
 *
 * @throws Error naming the setting at fault
 */
function credentialsFromConfig(section: Config): ProtonServerCredentials[] {
  // An empty value (an environment variable set to nothing) counts as not set.
  const read = (entry: Config, key: string) => {
    const value = entry.getOptional(key);
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  const credentials = (section.getOptionalConfigArray('credentials') ?? []).map(
    entry => ({
      accessKeyId: read(entry, 'accessKeyId'),
      secretAccessKey: read(entry, 'secretAccessKey'),
    }),
  );
  assertAcceptableCredentials(credentials, CONFIGURED_CREDENTIALS);
  return credentials;
}

/** The store of registered template bundles: the database, or S3 with `templateBundles.s3`. */
function bundleStoreFromConfig(
  section: Config,
): TemplateBundleStore | undefined {
  const s3 = section.getOptionalConfig('templateBundles.s3');
  return s3
    ? new S3TemplateBundleStore(
        new S3Client({ region: s3.getOptionalString('region') }),
        s3.getString('bucket'),
        s3.getOptionalString('prefix'),
      )
    : undefined;
}

/**
 * Reads the `protonServer` section of Backstage configuration (see config.d.ts) into server options.
 *
 * @throws Error naming the setting at fault, e.g. credentials a production control plane must not
 *   accept (see `assertAcceptableCredentials`)
 * @public
 */
export function readProtonServerConfig(config: Config): ProtonServerOptions {
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
  const leaseSeconds = section.getOptionalNumber('deployments.leaseSeconds');
  return {
    region: section.getOptionalString('region'),
    accountId: section.getOptionalString('accountId'),
    bundlesDirectory: section.getString('bundlesDirectory'),
    // With `s3`, template sources are read from real Amazon S3 (credentials from the default chain)
    bundleSources: section.has('s3')
      ? new S3BundleSources(
          new S3Client({ region: section.getOptionalString('s3.region') }),
          path.join(section.getString('bundlesDirectory'), '.s3-cache'),
        )
      : undefined,
    templateBundleStore: bundleStoreFromConfig(section),
    storageDirectory: section.getOptionalString('storageDirectory'),
    workDirectory: section.getOptionalString('workDirectory'),
    maxRequestBytes: section.getOptionalNumber('maxRequestBytes'),
    credentials: credentialsFromConfig(section),
    database,
    deploymentRunner: runnerFromConfig(section),
    git: gitFromConfig(section),
    deploymentLeases:
      leaseSeconds === undefined ? undefined : { leaseMs: leaseSeconds * 1000 },
  };
}
