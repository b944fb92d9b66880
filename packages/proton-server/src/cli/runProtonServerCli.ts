import path from 'node:path';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { DeploymentRunnerFactory } from '../deployments/deploymentRunner';
import { createCodeBuildRunner } from '../deployments/codebuildRunner';
import { createLocalRunner } from '../deployments/localRunner';
import { createSimulateRunner } from '../deployments/simulateRunner';
import { createProtonServer, ProtonServer } from '../ProtonServer';
import {
  assertAcceptableCredentials,
  isDevelopmentEnvironment,
} from '../credentialPolicy';
import type { ProtonDatabaseOptions } from '../store/database';
import { gitFromConfig } from '../protonServerConfig';
import {
  DEFAULT_POLL_INTERVAL_SECONDS,
  GitSyncOptions,
} from '../sync/gitConnections';

/** The runners the `--runner` flag accepts. */
const RUNNERS = ['local', 'simulate', 'codebuild'];

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be a port number between 0 and 65535');
  }
  return port;
}

function parseAccountId(value: string): string {
  if (!/^\d{12}$/.test(value)) {
    throw new InvalidArgumentError('must be a 12-digit AWS account id');
  }
  return value;
}

function parseRegion(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) {
    throw new InvalidArgumentError('must be an AWS region such as us-east-1');
  }
  return value;
}

function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new InvalidArgumentError('must be a positive integer');
  }
  return number;
}

interface CliOptions {
  port: number;
  host: string;
  data: string;
  databaseUrl?: string;
  bundles: string;
  runner: string;
  region: string;
  accountId: string;
  maxRequestBytes: number;
  rateLimit?: number;
  deploymentTimeout: number;
  maxConcurrentDeployments: number;
  leaseSeconds: number;
  nodeModulesFrom?: string[];
  passEnv?: string[];
  codebuildProject?: string;
  codebuildBucket?: string;
  codebuildPrefix?: string;
  codebuildCallbackEndpoint?: string;
  codebuildRegion?: string;
  gitConfig?: string;
  delayMs?: number;
}

/**
 * The `protonServer.git` section of the YAML file `file` (Backstage's app-config format, read by
 * Backstage's own config loader: `${VAR}` and `$env` / `$file` substitutions work as in
 * app-config.yaml, so tokens and webhook secrets stay out of the file).
 *
 * @throws Error saying what is wrong with the file or the section
 */
async function readGitConfig(
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<GitSyncOptions> {
  const config = await ConfigSources.toConfig(
    FileConfigSource.create({
      path: file,
      watch: false,
      substitutionFunc: async name => env[name]?.trim(),
    }),
  );
  try {
    const section = config.getOptionalConfig('protonServer');
    const git = section && gitFromConfig(section, path.dirname(file));
    if (!git) {
      throw new Error(
        'it has no protonServer.git section (connections, repositories, pollIntervalSeconds)',
      );
    }
    const ignored = section
      .keys()
      .filter(key => key !== 'git')
      .map(key => `protonServer.${key}`);
    if (ignored.length > 0) {
      console.warn(
        `warning: --git-config reads only protonServer.git; ignoring ${ignored.join(
          ', ',
        )} (use the flags)`,
      );
    }
    return git;
  } finally {
    config.close();
  }
}

function createRunner(
  options: CliOptions,
  base: string,
): DeploymentRunnerFactory {
  const common = {
    timeoutMs: options.deploymentTimeout * 1000,
    concurrency: options.maxConcurrentDeployments,
  };
  if (options.runner === 'simulate') {
    return createSimulateRunner({
      ...common,
      passEnvironment: options.passEnv,
      nodeModulesSources: (options.nodeModulesFrom ?? []).map(dir =>
        path.resolve(base, dir),
      ),
    });
  }
  if (options.runner === 'codebuild') {
    return createCodeBuildRunner({
      ...common,
      projectName: options.codebuildProject!,
      sourceBucket: options.codebuildBucket!,
      sourcePrefix: options.codebuildPrefix,
      callbackEndpoint: options.codebuildCallbackEndpoint,
      region: options.codebuildRegion,
    });
  }
  return createLocalRunner({ ...common, passEnvironment: options.passEnv });
}

function createCommand(): Command {
  return new Command('proton-server')
    .description(
      'A control plane that speaks the AWS Proton API (awsJson1_0, SigV4 signing name "proton").\n' +
        'Requests must be signed with the credentials in PROTON_SERVER_ACCESS_KEY_ID and\n' +
        'PROTON_SERVER_SECRET_ACCESS_KEY.',
    )
    .option(
      '--port <port>',
      'port to listen on (0 picks a free one)',
      parsePort,
      4510,
    )
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(
      '--data <dir|:memory:>',
      "directory of the SQLite database, registered templates and runners' work, or :memory:",
      '.proton-server',
    )
    .addOption(
      new Option(
        '--database-url <url>',
        'PostgreSQL connection string; replaces the SQLite database of --data',
      ).env('PROTON_SERVER_DATABASE_URL'),
    )
    .option(
      '--bundles <dir>',
      'directory standing in for S3: source {s3: {bucket, key}} is <dir>/<bucket>/<key>',
      'bundles',
    )
    .addOption(
      new Option('--runner <runner>', 'how deployments run')
        .choices(RUNNERS)
        .default('local'),
    )
    .option(
      '--region <region>',
      'region used in ARNs and signatures',
      parseRegion,
      'us-east-1',
    )
    .option(
      '--account-id <id>',
      'account id used in ARNs',
      parseAccountId,
      '000000000000',
    )
    .option(
      '--max-request-bytes <bytes>',
      'largest request body accepted',
      parsePositiveInteger,
      1024 * 1024,
    )
    .option(
      '--rate-limit <requests-per-second>',
      'throttle each access key to this many requests a second (default: unlimited)',
      parsePositiveInteger,
    )
    .option(
      '--deployment-timeout <seconds>',
      'how long a deployment may run before it fails',
      parsePositiveInteger,
      3600,
    )
    .option(
      '--max-concurrent-deployments <n>',
      'how many deployments run at once; more wait in order',
      parsePositiveInteger,
      4,
    )
    .option(
      '--lease-seconds <seconds>',
      'how long a claim on a running deployment holds without renewal (servers sharing a database)',
      parsePositiveInteger,
      30,
    )
    .option(
      '--node-modules-from <dirs...>',
      'simulate: reuse the node_modules of bundle sources under these folders whose package-lock.json matches (e.g. templates/proton)',
    )
    .option(
      '--pass-env <names...>',
      "local, simulate: variables of this process's environment the deployments' steps get too (e.g. AWS_PROFILE); " +
        'otherwise they get only PATH, HOME, USER, LOGNAME, the locale, TZ and the CA bundle variables (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, ...)',
    )
    .option(
      '--codebuild-project <name>',
      'codebuild: the CodeBuild project that runs the builds (required with --runner codebuild)',
    )
    .option(
      '--codebuild-bucket <bucket>',
      "codebuild: the S3 bucket that receives the builds' sources (required with --runner codebuild)",
    )
    .option(
      '--codebuild-prefix <prefix>',
      'codebuild: prefix of the source keys (default: proton-server/)',
    )
    .option(
      '--codebuild-callback-endpoint <url>',
      'codebuild: the URL of this server that builds reach to report status and outputs (without it, deployments fail)',
    )
    .option(
      '--codebuild-region <region>',
      "codebuild: region of CodeBuild and S3 (default: the AWS SDK's, e.g. AWS_REGION)",
    )
    .option(
      '--git-config <file>',
      'YAML file whose protonServer.git section holds the Git connections, linked repositories and polling interval ' +
        '(the app-config.yaml format; ${VAR} and $env/$file substitutions keep tokens out of the file)',
    )
    .addOption(
      new Option(
        '--delay-ms <ms>',
        'for tests and benchmarks only: answer no request sooner than this after it came',
      ).argParser(parsePositiveInteger),
    )
    .showHelpAfterError();
}

/**
 * Runs the standalone control plane: parses the command line (`--help` lists the flags), starts the
 * server and stops it on SIGINT or SIGTERM.
 *
 * @param argv - the full process argv (`node`, script, then the flags)
 * @returns the started server
 * @public
 */
export async function runProtonServerCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProtonServer> {
  const command = createCommand();
  command.parse(argv);
  const options = command.opts<CliOptions>();
  const credentials = {
    accessKeyId: env.PROTON_SERVER_ACCESS_KEY_ID,
    secretAccessKey: env.PROTON_SERVER_SECRET_ACCESS_KEY,
  };
  try {
    assertAcceptableCredentials(
      credentials.accessKeyId || credentials.secretAccessKey
        ? [credentials]
        : [],
      {
        list: 'PROTON_SERVER_ACCESS_KEY_ID / PROTON_SERVER_SECRET_ACCESS_KEY',
        name: () =>
          'PROTON_SERVER_ACCESS_KEY_ID / PROTON_SERVER_SECRET_ACCESS_KEY',
        remedy:
          'Set PROTON_SERVER_ACCESS_KEY_ID and PROTON_SERVER_SECRET_ACCESS_KEY to the key pair clients sign with.',
      },
      isDevelopmentEnvironment(env),
    );
  } catch (error) {
    command.error(`error: ${(error as Error).message}`);
  }
  // `yarn proton-server` runs in the package's folder; relative paths are meant from where yarn was run.
  const base = env.INIT_CWD ?? process.cwd();
  if (
    options.runner === 'codebuild' &&
    (!options.codebuildProject || !options.codebuildBucket)
  ) {
    command.error(
      'error: --runner codebuild needs --codebuild-project and --codebuild-bucket',
    );
  }
  if (options.runner === 'codebuild' && !options.codebuildCallbackEndpoint) {
    console.warn(
      'warning: without --codebuild-callback-endpoint, codebuild deployments fail: builds could not report to this server',
    );
  }
  let git: GitSyncOptions | undefined;
  if (options.gitConfig) {
    const file = path.resolve(base, options.gitConfig);
    try {
      git = await readGitConfig(file, env);
    } catch (error) {
      command.error(
        `error: --git-config ${options.gitConfig}: ${(error as Error).message}`,
      );
    }
  }
  const dataDirectory =
    options.data === ':memory:' ? undefined : path.resolve(base, options.data);
  const database: ProtonDatabaseOptions = options.databaseUrl
    ? { client: 'pg', connection: options.databaseUrl }
    : { client: 'sqlite', directory: dataDirectory ?? ':memory:' };
  const server = createProtonServer({
    // Registered templates are kept in the database; --data holds their unpacked cache and the
    // runners' work, with PostgreSQL too.
    storageDirectory: dataDirectory && path.join(dataDirectory, 'templates'),
    workDirectory: dataDirectory && path.join(dataDirectory, 'work'),
    credentials: {
      accessKeyId: credentials.accessKeyId!,
      secretAccessKey: credentials.secretAccessKey!,
    },
    bundlesDirectory: path.resolve(base, options.bundles),
    port: options.port,
    host: options.host,
    region: options.region,
    accountId: options.accountId,
    database,
    maxRequestBytes: options.maxRequestBytes,
    rateLimit: options.rateLimit
      ? { requestsPerSecond: options.rateLimit, burst: options.rateLimit }
      : undefined,
    deploymentRunner: createRunner(options, base),
    responseDelayMs: options.delayMs,
    deploymentLeases: { leaseMs: options.leaseSeconds * 1000 },
    git,
  });
  await server.start();
  console.log(
    `Proton control plane listening on ${server.endpoint} ` +
      `(region ${options.region}, account ${options.accountId}, runner ${options.runner})`,
  );
  if (git) {
    const interval = git.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS;
    console.log(
      `Git sync: ${git.connections.length} connection(s), ${
        git.repositories?.length ?? 0
      } declared repository(ies), ${
        interval > 0 ? `polling every ${interval} s` : 'no polling'
      }; webhooks at ${server.endpoint}/webhooks/git`,
    );
  }
  const shutdown = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return server;
}
