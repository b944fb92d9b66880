import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `aws:proton:create-service`, shown in the scaffolder's action list and run by a test. */
export const examples: TemplateExample[] = [
  {
    description:
      'Create a service from the spec file the template put in the workspace (the archived plugin\'s tutorial shape)',
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
];
