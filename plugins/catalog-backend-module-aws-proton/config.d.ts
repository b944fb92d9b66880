import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * AWS Proton entity providers, one per key. Each reads one AWS account and region
       * (credentials from `aws`, allowed accounts and regions and the endpoint from `awsProton`).
       */
      awsProton?: {
        [id: string]: {
          /** The AWS account id to read; defaults to awsProton.defaultAccountId. */
          accountId?: string;
          /** The AWS region to read; defaults to awsProton.defaultRegion. */
          region?: string;
          /** The owner of the ingested entities. Defaults to `unknown`. */
          defaultOwner?: string;
          /** The lifecycle of the ingested services. Defaults to `production`. */
          defaultLifecycle?: string;
          /** How often to read Proton. Defaults to every 5 minutes. */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        };
      };
    };
  };
}
