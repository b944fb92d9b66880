import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `aws:proton:create-service-instance`, run by a test. */
export const examples: TemplateExample[] = [
  {
    description:
      'Add a staging instance to an existing service and wait for it',
    example: yaml.stringify({
      steps: [
        {
          id: 'add-instance',
          action: 'aws:proton:create-service-instance',
          name: 'Add a staging instance',
          input: {
            serviceName: 'orders',
            instanceName: 'orders-staging',
            environment: 'staging',
            inputs: { path: '/orders', port: 8080 },
          },
        },
      ],
    }),
  },
];
