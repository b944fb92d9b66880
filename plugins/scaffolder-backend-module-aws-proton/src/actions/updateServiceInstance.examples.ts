import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `aws:proton:update-service-instance`, run by a test. */
export const examples: TemplateExample[] = [
  {
    description:
      "Upgrade an instance to the recommended minor version of its template's major version",
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade',
          action: 'aws:proton:update-service-instance',
          name: 'Upgrade the instance',
          input: {
            serviceName: 'orders',
            instanceName: 'orders-dev',
            upgrade: 'minor',
          },
        },
      ],
    }),
  },
  {
    description: 'Give an instance new inputs on the version it runs',
    example: yaml.stringify({
      steps: [
        {
          id: 'scale',
          action: 'aws:proton:update-service-instance',
          name: 'Scale the instance out',
          input: {
            serviceName: 'orders',
            instanceName: 'orders-prod',
            inputs: { path: '/orders', port: 8080, desiredCount: 4 },
          },
        },
      ],
    }),
  },
];
