export interface Config {
  protonDemo?: {
    /**
     * Seed the embedded control plane with the demo once the backend has started: fargate-env 1.0,
     * the environments dev and prod, fargate-service 1.0 and 1.1, and the service hello-nginx with
     * dev on 1.0 and prod on 1.1. What exists is left as it is.
     */
    seed?: boolean;
    /** The repository's templates/proton folder, whose registered versions the demo publishes. */
    templatesDirectory?: string;
  };
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
