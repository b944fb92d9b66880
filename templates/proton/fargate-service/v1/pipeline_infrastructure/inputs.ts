import * as pulumi from '@pulumi/pulumi';

/** The pipeline inputs of fargate-service (schema.yaml, FargateServicePipelineInputs), with their defaults. */
export interface PipelineInputs {
  /** The Dockerfile, relative to the repository root. */
  dockerfile: string;
  /** The command the build runs before building the image; a failure stops the release. */
  unitTestCommand: string;
}

/** The service and the repository its pipeline builds, as Proton gives them. */
export interface PipelineSource {
  service: string;
  /** The CodeStar connection (AWS CodeConnections) to the repository's provider. */
  connectionArn: string;
  /** `owner/repository`. */
  repositoryId: string;
  branch: string;
  templateVersion: string;
}

/** A service instance the pipeline rolls the new image out to. */
export interface PipelineTarget {
  name: string;
  environment: string;
}

export const PIPELINE_DEFAULTS: PipelineInputs = {
  dockerfile: 'Dockerfile',
  unitTestCommand: 'echo "no unit tests configured"',
};

const CONNECTION_ARN =
  /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;
const REPOSITORY_ID = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** Reads the pipeline inputs; a missing one takes its default. Fails with a message naming the input. */
export function readPipelineInputs(config: pulumi.Config): PipelineInputs {
  const dockerfile = config.get('dockerfile') ?? PIPELINE_DEFAULTS.dockerfile;
  if (dockerfile.startsWith('/') || dockerfile.split('/').includes('..')) {
    throw new Error(
      `Input dockerfile must be a path inside the repository, got ${JSON.stringify(
        dockerfile,
      )}`,
    );
  }
  const unitTestCommand =
    config.get('unitTestCommand') ?? PIPELINE_DEFAULTS.unitTestCommand;
  if (unitTestCommand.trim() === '') {
    throw new Error(
      'Input unitTestCommand is empty: give a command, or leave it out for none',
    );
  }
  return { dockerfile, unitTestCommand };
}

/**
 * Reads the service, its repository and its instances, from the configuration provision.sh writes
 * from proton-inputs.json. Fails with a message naming what is missing or malformed.
 */
export function readPipelineSource(config: pulumi.Config): {
  source: PipelineSource;
  targets: PipelineTarget[];
} {
  const connectionArn = config.require('repositoryConnectionArn');
  if (!CONNECTION_ARN.test(connectionArn)) {
    throw new Error(
      `repositoryConnectionArn must be the ARN of a CodeStar connection, got ${JSON.stringify(
        connectionArn,
      )}`,
    );
  }
  const repositoryId = config.require('repositoryId');
  if (!REPOSITORY_ID.test(repositoryId)) {
    throw new Error(
      `repositoryId must be owner/repository, got ${JSON.stringify(
        repositoryId,
      )}`,
    );
  }
  const targets = config.requireObject<PipelineTarget[]>('serviceInstances');
  if (
    !Array.isArray(targets) ||
    targets.some(
      t => typeof t?.name !== 'string' || typeof t?.environment !== 'string',
    )
  ) {
    throw new Error(
      'serviceInstances must list each instance with its name and environment',
    );
  }
  return {
    source: {
      service: config.require('protonServiceName'),
      connectionArn,
      repositoryId,
      branch: config.require('branchName'),
      templateVersion: config.require('templateVersion'),
    },
    targets,
  };
}
