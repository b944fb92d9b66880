import { ProtonSeedPlan } from '@proton-platform/proton-server';

/**
 * The demo's template repository, as the control plane links it (a local-path Git connection named
 * in app-config.development.yaml) and follows it with template sync.
 */
export const DEMO_REPOSITORY = {
  provider: 'GITHUB_ENTERPRISE',
  name: 'demo/templates',
  connectionArn:
    'arn:aws:codestar-connections:us-east-1:000000000000:connection/proton-demo-templates',
} as const;

/**
 * The instances the demo upgrades to their template's latest version once they deployed on 1.0, so
 * that hello-nginx shows one instance behind (dev) next to one up to date (prod).
 */
export const DEMO_UPGRADED_INSTANCES = ['hello-nginx/prod'];

/** Templates the demo registers from another's bundle: fargate-service with its pipeline. */
export const DEMO_TEMPLATE_COPIES = {
  'fargate-service-with-pipeline': 'fargate-service',
};

const environmentSpec = (cidr: string) =>
  `proton: EnvironmentSpec\nspec:\n  vpcCidrBlock: ${cidr}\n  natGateways: Single\n  loadBalancer: true\n  logRetentionDays: 30\n`;

/**
 * The demo: the templates fargate-env, existing-fargate-env (customer managed), fargate-service and,
 * from the same bundle with its pipeline, fargate-service-with-pipeline, whose versions come from the
 * demo's template repository by template sync (versions: none registered by hand); the environments
 * dev, prod and shared-vpc; the service hello-nginx with an instance in dev and prod (created on 1.0;
 * prod is then upgraded to the latest version, so that dev shows "upgrade available"); orders-api in
 * dev and prod on 1.0, pinned; search-api in dev on the recommended version; and the service
 * hello-pipeline with its pipeline, in dev and prod on 1.0 (a campaign upgrades it wave by wave): a
 * fleet of mixed versions for the template pages.
 */
export const demoPlan: ProtonSeedPlan = {
  environmentTemplates: [
    {
      name: 'fargate-env',
      displayName: 'Fargate environment',
      description: 'A VPC, an ECS cluster and a shared load balancer',
      versions: [],
    },
    {
      name: 'existing-fargate-env',
      displayName: 'Existing Fargate infrastructure',
      description:
        'Registers a VPC, ECS cluster and load balancer that exist already, so that services can deploy into them',
      provisioning: 'CUSTOMER_MANAGED',
      versions: [],
    },
  ],
  serviceTemplates: [
    {
      name: 'fargate-service',
      displayName: 'Fargate service',
      description:
        'A container on Fargate behind the environment load balancer',
      pipelineProvisioning: 'CUSTOMER_MANAGED',
      compatibleEnvironmentTemplates: [
        { templateName: 'fargate-env', majorVersion: '1' },
        { templateName: 'existing-fargate-env', majorVersion: '1' },
      ],
      versions: [],
    },
    {
      // The same bundle, registered with its pipeline (no pipelineProvisioning: Proton provisions it).
      name: 'fargate-service-with-pipeline',
      displayName: 'Fargate service with a pipeline',
      description:
        'A container on Fargate behind the environment load balancer, with a pipeline that builds its repository into an image and rolls every instance to it',
      compatibleEnvironmentTemplates: [
        { templateName: 'fargate-env', majorVersion: '1' },
        { templateName: 'existing-fargate-env', majorVersion: '1' },
      ],
      versions: [],
    },
  ],
  environments: [
    {
      name: 'dev',
      templateName: 'fargate-env',
      templateMajorVersion: '1',
      spec: environmentSpec('10.10.0.0/16'),
      tags: { 'backstage:owner': 'group:default/guests' },
    },
    {
      name: 'prod',
      templateName: 'fargate-env',
      templateMajorVersion: '1',
      spec: environmentSpec('10.20.0.0/16'),
      tags: { 'backstage:owner': 'group:default/guests' },
    },
    {
      // Customer managed: registers infrastructure made outside Proton; nothing is deployed.
      name: 'shared-vpc',
      templateName: 'existing-fargate-env',
      templateMajorVersion: '1',
      spec: [
        'proton: EnvironmentSpec',
        'spec:',
        '  vpcId: vpc-0123456789abcdef0',
        '  privateSubnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]',
        '  clusterArn: arn:aws:ecs:us-east-1:000000000000:cluster/shared',
        '  listenerArn: arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/shared/0123456789abcdef/0123456789abcdef',
        '  loadBalancerDnsName: shared-123456789.us-east-1.elb.amazonaws.com',
        '  loadBalancerSecurityGroupId: sg-0123456789abcdef0',
        '',
      ].join('\n'),
      tags: { 'backstage:owner': 'group:default/guests' },
    },
  ],
  services: [
    {
      name: 'hello-nginx',
      description: 'nginx saying hello, on Fargate',
      templateName: 'fargate-service',
      templateMajorVersion: '1',
      templateMinorVersion: '0',
      spec: [
        'proton: ServiceSpec',
        'instances:',
        '  - name: dev',
        '    environment: dev',
        '    spec:',
        '      path: /hello',
        '  - name: prod',
        '    environment: prod',
        '    spec:',
        '      path: /hello',
        '      desiredCount: 2',
        '',
      ].join('\n'),
      tags: {
        'backstage:owner': 'group:default/guests',
        'backstage:lifecycle': 'production',
      },
    },
    {
      // Pinned (Proton tag proton:pinned): fleet upgrades skip it, and the seed leaves prod on 1.0 too
      name: 'orders-api',
      description: 'The orders API, frozen for the end-of-year sales',
      templateName: 'fargate-service',
      templateMajorVersion: '1',
      templateMinorVersion: '0',
      spec: [
        'proton: ServiceSpec',
        'instances:',
        '  - name: dev',
        '    environment: dev',
        '    spec:',
        '      path: /orders',
        '  - name: prod',
        '    environment: prod',
        '    spec:',
        '      path: /orders',
        '',
      ].join('\n'),
      tags: {
        'backstage:owner': 'group:default/orders',
        'backstage:lifecycle': 'production',
        'proton:pinned': 'Frozen for the end-of-year sales',
      },
    },
    {
      // Created on the recommended version
      name: 'search-api',
      description: 'Search, a newer service on the recommended version',
      templateName: 'fargate-service',
      templateMajorVersion: '1',
      spec: [
        'proton: ServiceSpec',
        'instances:',
        '  - name: dev',
        '    environment: dev',
        '    spec:',
        '      path: /search',
        '',
      ].join('\n'),
      tags: {
        'backstage:owner': 'group:default/guests',
        'backstage:lifecycle': 'experimental',
      },
    },
    {
      // A service with a pipeline, on 1.0 (instances and pipeline), so that all show "upgrade available"
      name: 'hello-pipeline',
      description: 'nginx with a pipeline that builds it from its repository',
      templateName: 'fargate-service-with-pipeline',
      templateMajorVersion: '1',
      templateMinorVersion: '0',
      spec: [
        'proton: ServiceSpec',
        'pipeline:',
        '  unitTestCommand: npm test',
        'instances:',
        '  - name: dev',
        '    environment: dev',
        '    spec:',
        '      path: /pipeline',
        '  - name: prod',
        '    environment: prod',
        '    spec:',
        '      path: /pipeline',
        '',
      ].join('\n'),
      repositoryConnectionArn:
        'arn:aws:codestar-connections:us-east-1:000000000000:connection/00000000-0000-4000-8000-000000000000',
      repositoryId: 'example/hello-pipeline',
      branchName: 'main',
      tags: {
        'backstage:owner': 'group:default/guests',
        'backstage:lifecycle': 'experimental',
      },
    },
  ],
};
