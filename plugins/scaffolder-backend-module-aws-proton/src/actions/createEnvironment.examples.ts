import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `aws:proton:create-environment`, run by a test. */
export const examples: TemplateExample[] = [
  {
    description:
      'Create a staging environment from an environment template and wait for it',
    example: yaml.stringify({
      steps: [
        {
          id: 'create-environment',
          action: 'aws:proton:create-environment',
          name: 'Create the Proton environment',
          input: {
            name: 'staging',
            templateName: 'fargate-env',
            templateMajorVersion: '1',
            inputs: { vpcCidrBlock: '10.1.0.0/16', natGateways: 'Single' },
            description: 'Staging',
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open in catalog',
            icon: 'catalog',
            entityRef: '${{ steps["create-environment"].output.entityRef }}',
          },
        ],
      },
    }),
  },
];
