import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { readPipelineInputs, readPipelineSource } from '../inputs';
import { pipelineProtonInputs } from './fixtures';
import { protonConfig } from './pulumiMocks';

function configOf(values: Record<string, string>): pulumi.Config {
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries({ templateVersion: '1.1', ...values }).map(([k, v]) => [
        `proton-fargate-service-pipeline:${k}`,
        v,
      ]),
    ),
  );
  return new pulumi.Config('proton-fargate-service-pipeline');
}

describe('pipeline inputs', () => {
  it('takes the defaults of what the spec leaves out', () => {
    const config = configOf(protonConfig(pipelineProtonInputs({})));
    assert.deepEqual(readPipelineInputs(config), {
      dockerfile: 'Dockerfile',
      unitTestCommand: 'echo "no unit tests configured"',
    });
  });

  it('refuses a Dockerfile outside the repository and an empty test command, naming the input', () => {
    assert.throws(
      () =>
        readPipelineInputs(
          configOf(protonConfig(pipelineProtonInputs({ dockerfile: '../x' }))),
        ),
      /Input dockerfile must be a path inside the repository/,
    );
    assert.throws(
      () =>
        readPipelineInputs(
          configOf(
            protonConfig(pipelineProtonInputs({ unitTestCommand: '  ' })),
          ),
        ),
      /Input unitTestCommand is empty/,
    );
  });

  it('refuses a repository that is not owner/repository and a connection that is not one', () => {
    assert.throws(
      () =>
        readPipelineSource(
          configOf(
            protonConfig(
              pipelineProtonInputs({}, undefined, { repository_id: 'orders' }),
            ),
          ),
        ),
      /repositoryId must be owner\/repository, got "orders"/,
    );
    assert.throws(
      () =>
        readPipelineSource(
          configOf(
            protonConfig(
              pipelineProtonInputs({}, undefined, {
                repository_connection_arn: 'arn:aws:iam::1:role/x',
              }),
            ),
          ),
        ),
      /repositoryConnectionArn must be the ARN of a CodeStar connection/,
    );
  });
});
