import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `aws:proton:create-service`, shown in the scaffolder's action list and run by a test. */
export const examples: TemplateExample[] = [
  {
    description:
      "Create a service from the spec file the template put in the workspace (the archived plugin's tutorial shape)",
    example: yaml.stringify({
      steps: [
        {
          id: 'create-proton-service',
          action: 'aws:proton:create-service',
          name: 'Create AWS Proton Service',
          input: {
            serviceName: 'hello-nginx',
            templateName: 'fargate-service',
            templateMajorVersion: '1',
            serviceSpecPath: './spec.yaml',
            region: 'us-east-1',
          },
        },
      ],
    }),
  },
  {
    description:
      'Create a service with two instances given as inputs, wait for both and link to the catalog entity',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'aws:proton:create-service',
          name: 'Create the Proton service',
          input: {
            serviceName: 'orders',
            description: 'The orders API',
            templateName: 'fargate-service',
            templateMajorVersion: '1',
            instances: [
              {
                name: 'orders-dev',
                environment: 'dev',
                inputs: { path: '/orders', port: 8080 },
              },
              {
                name: 'orders-prod',
                environment: 'prod',
                inputs: { path: '/orders', port: 8080, desiredCount: 2 },
              },
            ],
            tags: { 'backstage:owner': 'group:default/team-orders' },
            maxWaitSeconds: 900,
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open in catalog',
            icon: 'catalog',
            entityRef: '${{ steps.create.output.entityRef }}',
          },
        ],
      },
    }),
  },
];
