import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createProtonServer, ProtonServer } from '../ProtonServer';
import type { ProtonDatabaseOptions } from '../store/database';

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
      'directory of the SQLite database and registered templates, or :memory:',
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
  const accessKeyId = env.PROTON_SERVER_ACCESS_KEY_ID;
  const secretAccessKey = env.PROTON_SERVER_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    command.error(
      'error: set PROTON_SERVER_ACCESS_KEY_ID and PROTON_SERVER_SECRET_ACCESS_KEY to the credentials clients sign with',
    );
  }
  // `yarn proton-server` runs in the package's folder; relative paths are meant from where yarn was run.
  const base = env.INIT_CWD ?? process.cwd();
  const database: ProtonDatabaseOptions = options.databaseUrl
    ? { client: 'pg', connection: options.databaseUrl }
    : {
        client: 'sqlite',
        directory:
          options.data === ':memory:'
            ? ':memory:'
            : path.resolve(base, options.data),
      };
  const server = createProtonServer({
    credentials: {
      accessKeyId: accessKeyId!,
      secretAccessKey: secretAccessKey!,
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
  });
  await server.start();
  console.log(
    `Proton control plane listening on ${server.endpoint} ` +
      `(region ${options.region}, account ${options.accountId}, runner ${options.runner})`,
  );
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
