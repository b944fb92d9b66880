export interface Config {
  protonDemo?: {
    /**
     * Seed the embedded control plane with the demo once the backend has started: the demo
     * templates, whose versions come from a Git repository by template sync (fargate-service 1.0 and
     * 1.1 are two commits), the environments dev, prod and shared-vpc, and the service hello-nginx
     * with dev on 1.0 and prod on the latest version. What exists is left as it is.
     */
    seed?: boolean;
    /**
     * The repository's templates/proton folder: the demo builds its template repository from this
     * checkout's Git history of it (every commit that changed a `<template>/v<major>/` bundle).
     */
    templatesDirectory?: string;
    /**
     * Where the demo's template repository is written (`<gitDirectory>/demo/templates.git`), the
     * folder the `protonServer.git` connection of the demo names as its `baseUrl`.
     */
    gitDirectory?: string;
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
