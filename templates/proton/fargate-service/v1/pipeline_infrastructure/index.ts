import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import fs from 'node:fs';
import path from 'node:path';
import { readPipelineInputs, readPipelineSource } from './inputs';
import { createHash } from 'node:crypto';
import {
  acceptedByAws,
  AWS_NAMES,
  AwsNameRule,
  awsName,
  pulumiNameFits,
} from './naming';

// The pipeline of a fargate-service service: on each commit of the service's branch, CodePipeline takes
// the repository through a CodeStar connection, CodeBuild runs the unit tests and builds and pushes the
// image to this pipeline's ECR repository, and a second CodeBuild project rolls every instance to it
// (release.py: aws proton update-service-instance, one instance after the other).
const config = new pulumi.Config();
const inputs = readPipelineInputs(config);
const { source, targets } = readPipelineSource(config);
const service = source.service;

const tags = {
  'proton:service': service,
  'proton:pipeline': 'true',
  'proton:template': 'fargate-service',
  'proton:template-version': source.templateVersion,
};
const account = aws.getCallerIdentityOutput();
const partition = aws.getPartitionOutput();

const region = aws.getRegionOutput().region;

/**
 * The name 1.0 and 1.1 gave (`<service>-<suffix>`, or cut before 8 hexadecimal characters of the
 * service name's SHA-256 and the suffix), kept where AWS accepts it so that upgrading replaces
 * nothing; else naming.ts's rule.
 */
function pipelineResourceName(suffix: string, rule: AwsNameRule): string {
  const base = rule.lowercase ? service.toLowerCase() : service;
  let earlier = `${base}-${suffix}`;
  if (earlier.length > rule.maxLength) {
    const hash = createHash('sha256').update(service).digest('hex').slice(0, 8);
    earlier = `${base.slice(
      0,
      rule.maxLength - suffix.length - hash.length - 2,
    )}-${hash}-${suffix}`;
  }
  return acceptedByAws(earlier, rule)
    ? earlier
    : awsName([service, suffix], rule);
}

// IAM names are global to the account: where Pulumi's own name does not fit, the role's name is hashed
// with the account and region too.
const roleName = (suffix: string) =>
  pulumiNameFits(`${service}-${suffix}`, AWS_NAMES.iamRole)
    ? undefined
    : pulumi
        .all([account.accountId, region])
        .apply(([accountId, r]) =>
          awsName([service, suffix], AWS_NAMES.iamRole, [accountId, r]),
        );

const repository = new aws.ecr.Repository(`${service}-images`, {
  name: pipelineResourceName('images', AWS_NAMES.ecrRepository),
  // tags are commit ids: an image once pushed never changes
  imageTagMutability: 'IMMUTABLE',
  imageScanningConfiguration: { scanOnPush: true },
  // deprovisioning the pipeline deletes its images with it
  forceDelete: true,
  tags,
});
new aws.ecr.LifecyclePolicy(`${service}-images`, {
  repository: repository.name,
  policy: JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: 'Keep the 30 newest images',
        selection: {
          tagStatus: 'any',
          countType: 'imageCountMoreThan',
          countNumber: 30,
        },
        action: { type: 'expire' },
      },
    ],
  }),
});

// Bucket names are global across AWS: one Pulumi makes (random suffix) where it fits, else one
// hashed with the account and region too.
const artifacts = new aws.s3.Bucket(`${service}-pipeline-artifacts`, {
  bucket: pulumiNameFits(`${service}-pipeline-artifacts`, AWS_NAMES.s3Bucket)
    ? undefined
    : pulumi
        .all([account.accountId, region])
        .apply(([accountId, region]) =>
          awsName([service, 'pipeline-artifacts'], AWS_NAMES.s3Bucket, [
            accountId,
            region,
          ]),
        ),
  forceDestroy: true,
  tags,
});
new aws.s3.BucketPublicAccessBlock(`${service}-pipeline-artifacts`, {
  bucket: artifacts.id,
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
});

const logGroup = new aws.cloudwatch.LogGroup(`${service}-pipeline`, {
  name: `/proton/pipelines/${service}`,
  retentionInDays: 30,
  tags,
});

function assumedBy(principal: string) {
  return pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: principal },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account.accountId } },
      },
    ],
  });
}

// CodeBuild: logs, artifacts, pushing to this repository, and redeploying this service's instances.
const buildRole = new aws.iam.Role(`${service}-pipeline-build`, {
  name: roleName('pipeline-build'),
  description: `Builds and releases the images of the Proton service ${service}`,
  assumeRolePolicy: assumedBy('codebuild.amazonaws.com'),
  tags,
});
new aws.iam.RolePolicy(`${service}-pipeline-build`, {
  role: buildRole.id,
  policy: pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: pulumi.interpolate`${logGroup.arn}:*`,
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: pulumi.interpolate`${artifacts.arn}/*`,
      },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Effect: 'Allow',
        Action: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:BatchGetImage',
          'ecr:CompleteLayerUpload',
          'ecr:InitiateLayerUpload',
          'ecr:PutImage',
          'ecr:UploadLayerPart',
        ],
        Resource: repository.arn,
      },
      {
        Effect: 'Allow',
        Action: ['proton:GetServiceInstance', 'proton:UpdateServiceInstance'],
        Resource: pulumi.interpolate`arn:${partition.partition}:proton:*:${account.accountId}:service/${service}/service-instance/*`,
      },
    ],
  }),
});

const BUILD_IMAGE = 'aws/codebuild/amazonlinux2-x86_64-standard:5.0';
const logsConfig = {
  cloudwatchLogs: { groupName: logGroup.name },
};

const build = new aws.codebuild.Project(`${service}-build`, {
  name: pipelineResourceName('build', AWS_NAMES.codebuildProject),
  description: `Tests and builds the image of the Proton service ${service}`,
  serviceRole: buildRole.arn,
  source: { type: 'CODEPIPELINE', buildspec: buildSpec() },
  artifacts: { type: 'CODEPIPELINE' },
  environment: {
    computeType: 'BUILD_GENERAL1_SMALL',
    image: BUILD_IMAGE,
    type: 'LINUX_CONTAINER',
    // docker build needs it
    privilegedMode: true,
    environmentVariables: [
      { name: 'REPOSITORY_URI', value: repository.repositoryUrl },
      { name: 'DOCKERFILE', value: inputs.dockerfile },
      { name: 'UNIT_TEST_COMMAND', value: inputs.unitTestCommand },
    ],
  },
  logsConfig,
  tags,
});

const release = new aws.codebuild.Project(`${service}-release`, {
  name: pipelineResourceName('release', AWS_NAMES.codebuildProject),
  description: `Rolls every instance of the Proton service ${service} to the new image`,
  serviceRole: buildRole.arn,
  source: { type: 'CODEPIPELINE', buildspec: releaseSpec() },
  artifacts: { type: 'CODEPIPELINE' },
  environment: {
    computeType: 'BUILD_GENERAL1_SMALL',
    image: BUILD_IMAGE,
    type: 'LINUX_CONTAINER',
    environmentVariables: [
      { name: 'PROTON_SERVICE', value: service },
      { name: 'PROTON_TARGETS', value: JSON.stringify(targets) },
    ],
  },
  logsConfig,
  tags,
});

// CodePipeline: the connection to the repository, the artifacts, and starting the two builds.
const pipelineRole = new aws.iam.Role(`${service}-pipeline`, {
  name: roleName('pipeline'),
  description: `Runs the pipeline of the Proton service ${service}`,
  assumeRolePolicy: assumedBy('codepipeline.amazonaws.com'),
  tags,
});
new aws.iam.RolePolicy(`${service}-pipeline`, {
  role: pipelineRole.id,
  policy: pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:GetBucketVersioning'],
        Resource: [artifacts.arn, pulumi.interpolate`${artifacts.arn}/*`],
      },
      {
        Effect: 'Allow',
        Action: [
          'codestar-connections:UseConnection',
          'codeconnections:UseConnection',
        ],
        Resource: source.connectionArn,
      },
      {
        Effect: 'Allow',
        Action: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'],
        Resource: [build.arn, release.arn],
      },
    ],
  }),
});

const pipeline = new aws.codepipeline.Pipeline(`${service}-pipeline`, {
  name: pipelineResourceName('pipeline', AWS_NAMES.codepipeline),
  roleArn: pipelineRole.arn,
  pipelineType: 'V2',
  artifactStores: [{ location: artifacts.bucket, type: 'S3' }],
  stages: [
    {
      name: 'Source',
      actions: [
        {
          name: 'Source',
          category: 'Source',
          owner: 'AWS',
          provider: 'CodeStarSourceConnection',
          version: '1',
          outputArtifacts: ['source'],
          configuration: {
            ConnectionArn: source.connectionArn,
            FullRepositoryId: source.repositoryId,
            BranchName: source.branch,
            DetectChanges: 'true',
          },
        },
      ],
    },
    {
      name: 'Build',
      actions: [
        {
          name: 'TestAndBuild',
          category: 'Build',
          owner: 'AWS',
          provider: 'CodeBuild',
          version: '1',
          inputArtifacts: ['source'],
          outputArtifacts: ['image'],
          configuration: { ProjectName: build.name },
        },
      ],
    },
    {
      name: 'Release',
      actions: [
        {
          name: 'RollOutToInstances',
          category: 'Build',
          owner: 'AWS',
          provider: 'CodeBuild',
          version: '1',
          inputArtifacts: ['image'],
          configuration: { ProjectName: release.name },
        },
      ],
    },
  ],
  tags,
});

/** The build: unit tests, then the image tagged with the commit, pushed; its URI for the release. */
function buildSpec(): string {
  return JSON.stringify({
    version: 0.2,
    env: { shell: 'bash' },
    phases: {
      pre_build: {
        commands: [
          'aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}"',
          'bash -c "$UNIT_TEST_COMMAND"',
        ],
      },
      build: {
        commands: [
          'TAG="${CODEBUILD_RESOLVED_SOURCE_VERSION:0:12}"',
          'docker build --file "$DOCKERFILE" --tag "$REPOSITORY_URI:$TAG" .',
          'docker push "$REPOSITORY_URI:$TAG"',
          'printf \'{"image":"%s"}\' "$REPOSITORY_URI:$TAG" > image.json',
        ],
      },
    },
    artifacts: { files: ['image.json'] },
  });
}

/** The release: release.py, written out from this bundle, with PyYAML to read the specs. */
function releaseSpec(): string {
  const script = fs.readFileSync(path.join(__dirname, 'release.py'), 'utf8');
  return JSON.stringify({
    version: 0.2,
    env: { shell: 'bash' },
    phases: {
      install: { commands: ['python3 -m pip install --quiet "PyYAML==6.0.2"'] },
      build: {
        commands: [
          `cat > /tmp/release.py <<'RELEASE_PY'\n${script}RELEASE_PY`,
          'python3 /tmp/release.py',
        ],
      },
    },
  });
}

export const imageRepositoryUri = repository.repositoryUrl;
export const pipelineName = pipeline.name;
export const logGroupName = logGroup.name;
/** Where a release goes, for the entity page (an output is at most 1,024 characters). */
const targetList = targets.map(t => `${t.name} (${t.environment})`).join(', ');
export const releasesTo =
  targets.length === 0
    ? 'no instances'
    : targetList.length <= 1024
    ? targetList
    : `${targets.length} instances`;
