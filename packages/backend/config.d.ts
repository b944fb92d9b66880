export interface Config {
  permission?: {
    awsProton?: {
      /**
       * Entity refs of the users and groups that may run AWS Proton mutations (create services
       * and environments, redeploy and upgrade service instances). Everyone else may only read.
       */
      mutators?: string[];
    };
  };
}
