import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `aws:proton:upgrade-fleet`, run by its test (upgradeFleet.test.ts). */
export const examples: TemplateExample[] = [
  {
    description:
      "Plan an upgrade of a service template's instances to its recommended version, without starting it",
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'aws:proton:upgrade-fleet',
          name: 'Plan the upgrade',
          input: {
            template: 'resource:default/service-template-fargate-service',
            dryRun: true,
          },
        },
      ],
    }),
  },
  {
    description:
      'Upgrade every instance to 1.1, dev before prod, two at a time, and follow the campaign to its end',
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade',
          action: 'aws:proton:upgrade-fleet',
          name: 'Upgrade the fleet',
          input: {
            template: 'resource:default/service-template-fargate-service',
            targetVersion: '1.1',
            waves: [['dev'], ['prod']],
            maxConcurrent: 2,
            wait: true,
          },
        },
      ],
    }),
  },
];
