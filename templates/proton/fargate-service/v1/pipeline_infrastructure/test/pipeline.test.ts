import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { pipelineCalls, pipelineProtonInputs } from './fixtures';
import {
  ofType,
  ProgramRun,
  protonConfig,
  protonStackName,
  runProgram,
  single,
} from './pulumiMocks';

describe('fargate-service pipeline', () => {
  let run: ProgramRun;
  const protonInputs = pipelineProtonInputs({
    dockerfile: 'docker/Dockerfile',
    unitTestCommand: 'npm test',
  });
  before(async () => {
    run = await runProgram({
      config: protonConfig(protonInputs),
      stack: protonStackName(protonInputs),
      state: resource =>
        resource.type === 'aws:ecr/repository:Repository'
          ? {
              repositoryUrl: `111111111111.dkr.ecr.us-east-1.amazonaws.com/${resource.inputs.name}`,
              arn: `arn:aws:ecr:us-east-1:111111111111:repository/${resource.inputs.name}`,
            }
          : { arn: `arn:aws:test:::${resource.name}` },
      call: pipelineCalls,
    });
  });

  it('has a stack of its own beside the instances’ stacks', () => {
    assert.equal(protonStackName(protonInputs), 'orders._pipeline');
  });

  it('keeps the images in a scanned, immutable repository that goes with the pipeline', () => {
    const repository = single(run, 'aws:ecr/repository:Repository');
    assert.equal(repository.inputs.name, 'orders-images');
    assert.equal(repository.inputs.imageTagMutability, 'IMMUTABLE');
    assert.equal(repository.inputs.imageScanningConfiguration.scanOnPush, true);
    assert.equal(repository.inputs.forceDelete, true);
    const lifecycle = JSON.parse(
      single(run, 'aws:ecr/lifecyclePolicy:LifecyclePolicy').inputs.policy,
    );
    assert.equal(lifecycle.rules[0].selection.countNumber, 30);
  });

  it('builds from the service’s repository and branch through the CodeStar connection, then releases', () => {
    const pipeline = single(run, 'aws:codepipeline/pipeline:Pipeline');
    assert.equal(pipeline.inputs.pipelineType, 'V2');
    assert.deepEqual(
      pipeline.inputs.stages.map((stage: any) => stage.name),
      ['Source', 'Build', 'Release'],
    );
    assert.deepEqual(pipeline.inputs.stages[0].actions[0].configuration, {
      ConnectionArn: protonInputs.service.repository_connection_arn,
      FullRepositoryId: 'acme/orders',
      BranchName: 'main',
      DetectChanges: 'true',
    });
    assert.deepEqual(pipeline.inputs.stages[2].actions[0].inputArtifacts, [
      'image',
    ]);
  });

  it('tests and builds with the pipeline inputs, and releases to every instance in order', () => {
    const projects = ofType(run, 'aws:codebuild/project:Project');
    const build = projects.find(p => p.inputs.name === 'orders-build')!;
    const release = projects.find(p => p.inputs.name === 'orders-release')!;
    const variables = (project: any) =>
      Object.fromEntries(
        project.inputs.environment.environmentVariables.map((v: any) => [
          v.name,
          v.value,
        ]),
      );
    assert.equal(variables(build).DOCKERFILE, 'docker/Dockerfile');
    assert.equal(variables(build).UNIT_TEST_COMMAND, 'npm test');
    assert.equal(build.inputs.environment.privilegedMode, true);
    assert.match(
      build.inputs.source.buildspec,
      /bash -c \\"\$UNIT_TEST_COMMAND\\"/,
    );
    assert.deepEqual(JSON.parse(variables(release).PROTON_TARGETS), [
      { name: 'dev', environment: 'dev' },
      { name: 'prod', environment: 'prod' },
    ]);
    assert.match(release.inputs.source.buildspec, /update-service-instance/);
    assert.equal(run.outputs.releasesTo, 'dev (dev), prod (prod)');
  });

  it('lets the builds redeploy only this service’s instances', () => {
    const policies = ofType(run, 'aws:iam/rolePolicy:RolePolicy').map(p =>
      JSON.parse(p.inputs.policy),
    );
    const proton = policies
      .flatMap(p => p.Statement)
      .filter((s: any) => String(s.Action).includes('proton:'));
    assert.deepEqual(proton, [
      {
        Effect: 'Allow',
        Action: ['proton:GetServiceInstance', 'proton:UpdateServiceInstance'],
        Resource:
          'arn:aws:proton:*:111111111111:service/orders/service-instance/*',
      },
    ]);
    const roles = ofType(run, 'aws:iam/role:Role').map(r =>
      JSON.parse(r.inputs.assumeRolePolicy),
    );
    for (const role of roles) {
      assert.deepEqual(role.Statement[0].Condition, {
        StringEquals: { 'aws:SourceAccount': '111111111111' },
      });
    }
  });

  it('tags what it creates with the service and the template version', () => {
    const repository = single(run, 'aws:ecr/repository:Repository');
    assert.deepEqual(repository.inputs.tags, {
      'proton:service': 'orders',
      'proton:pipeline': 'true',
      'proton:template': 'fargate-service',
      'proton:template-version': '1.8',
    });
  });
});
