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
          /**
           * The owner of entities whose Proton resource has no `backstage:owner` tag, and of templates.
           * Defaults to `unknown`.
           */
          defaultOwner?: string;
          /** The lifecycle of services that have no `backstage:lifecycle` tag. Defaults to `production`. */
          defaultLifecycle?: string;
          /**
           * Read each environment's and service's tags for `backstage:owner` and `backstage:lifecycle`.
           * Proton's list calls do not return tags: this costs one call per resource the first time it
           * is seen (then cached). Defaults to true.
           */
          ownerFromTags?: boolean;
          /** What to ingest; everything by default. */
          ingest?: {
            environments?: boolean;
            services?: boolean;
            /** Service and environment templates as Resource entities. */
            templates?: boolean;
            /** A scaffolder Template per published service template major version. */
            wizards?: boolean;
          };
          /** How often to read Proton. Defaults to every 5 minutes. */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        };
      };
    };
  };
}
