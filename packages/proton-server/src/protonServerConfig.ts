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

/** The runner named by `protonServer.runner`, with the `protonServer.deployments` settings. */
function runnerFromConfig(
  section: Config,
): DeploymentRunnerFactory | undefined {
  const name = section.getOptionalString('runner') ?? 'local';
  const deployments = section.getOptionalConfig('deployments');
  const timeoutSeconds = deployments?.getOptionalNumber('timeoutSeconds');
  const common = {
    timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
    concurrency: deployments?.getOptionalNumber('concurrency'),
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
        ...common,
        projectName: codebuild.getString('projectName'),
        sourceBucket: codebuild.getString('sourceBucket'),
        sourcePrefix: codebuild.getOptionalString('sourcePrefix'),
        callbackEndpoint: codebuild.getOptionalString('callbackEndpoint'),
        callbackSecretParameter: codebuild.getOptionalString(
          'callbackSecretParameter',
        ),
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

/**
 * Reads the `protonServer` section of Backstage configuration (see config.d.ts) into server options.
 *
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
    storageDirectory: section.getOptionalString('storageDirectory'),
    workDirectory: section.getOptionalString('workDirectory'),
    maxRequestBytes: section.getOptionalNumber('maxRequestBytes'),
    credentials: section.getConfigArray('credentials').map(entry => ({
      accessKeyId: entry.getString('accessKeyId'),
      secretAccessKey: entry.getString('secretAccessKey'),
    })),
    database,
    deploymentRunner: runnerFromConfig(section),
  };
}
