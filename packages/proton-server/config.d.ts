export interface Config {
  /**
   * The Proton-compatible control plane (`@proton-platform/proton-server`), read by
   * `ProtonServer.fromConfig`.
   */
  protonServer?: {
    /** The region used in every ARN and accepted in SigV4 scopes. Defaults to `us-east-1`. */
    region?: string;
    /** The account id used in every ARN. Defaults to `000000000000`. */
    accountId?: string;
    /**
     * Template sources `{s3: {bucket, key}}` resolve to `<bundlesDirectory>/<bucket>/<key>`; with `s3`,
     * they are read from Amazon S3 and cached in `<bundlesDirectory>/.s3-cache`.
     */
    bundlesDirectory: string;
    /**
     * Read template sources from real Amazon S3 (credentials from the AWS SDK's default chain), as AWS
     * Proton does, instead of from `bundlesDirectory`.
     */
    s3?: {
      /** The region of the buckets; defaults to the SDK's. */
      region?: string;
    };
    /**
     * Where registered template versions are kept for good. By default in the control plane's
     * database; with `s3`, in an S3 bucket (credentials from the AWS SDK's default chain). Every
     * server sharing the database must use the same.
     */
    templateBundles?: {
      s3?: {
        bucket: string;
        /** Key prefix; defaults to `proton-server/template-bundles/`. */
        prefix?: string;
        /** The bucket's region; defaults to the SDK's. */
        region?: string;
      };
    };
    /**
     * Linked repositories and template sync: the Git connections `CreateRepository` names by ARN
     * (what AWS Proton reached through CodeStar connections), and how often synced branches are
     * polled. Fetching needs `git` on the PATH.
     */
    git?: {
      connections: Array<{
        /**
         * The connection ARN clients pass as `connectionArn`, e.g.
         * `arn:aws:codestar-connections:us-east-1:123456789012:connection/<id>`.
         */
        arn: string;
        /** GITHUB, GITHUB_ENTERPRISE or BITBUCKET: the provider of the repositories it reaches. */
        provider: string;
        /**
         * Where repositories live: `https://github.com`, `https://bitbucket.org`, a GitHub Enterprise
         * or self-hosted server (`https://git.example.com/scm`), an SSH base (`ssh://git@github.com`,
         * `git@github.com:`), or a local folder of bare repositories (resolved against the working
         * directory). `owner/repo` is fetched from `<baseUrl>/owner/repo.git`.
         */
        baseUrl: string;
        /** Where people browse the repositories, for links to commits (e.g. `https://github.com`). */
        webUrl?: string;
        /** The HTTPS user name sent with the token; defaults to `x-access-token` (GitHub's). */
        username?: string;
        /**
         * An access token for HTTPS (a GitHub token, a Bitbucket access token or app password).
         * @visibility secret
         */
        token?: string;
        /** A private key file for SSH base URLs. */
        sshPrivateKeyFile?: string;
        /** The known_hosts file the server's SSH key is checked against. */
        sshKnownHostsFile?: string;
        /**
         * The secret push webhooks are signed with (GitHub `X-Hub-Signature-256`, Bitbucket
         * `X-Hub-Signature`), delivered to `<control plane endpoint>/webhooks/git`.
         * @visibility secret
         */
        webhookSecret?: string;
      }>;
      /** How often every synced branch is fetched, in seconds; 0 turns polling off. Defaults to 60. */
      pollIntervalSeconds?: number;
      /**
       * Repositories linked at start, with the templates that follow them: what CreateRepository,
       * CreateEnvironmentTemplate/CreateServiceTemplate (for a template that does not exist yet) and
       * CreateTemplateSyncConfig would do. Applying it again changes nothing; a changed branch or
       * folder updates the template's sync configuration. Removing an entry unlinks nothing.
       */
      repositories?: Array<{
        /** `owner/repo`. */
        name: string;
        /** One of `connections[].arn`. */
        connectionArn: string;
        /** Defaults to the connection's. */
        provider?: string;
        templates?: Array<{
          name: string;
          /** ENVIRONMENT or SERVICE. */
          type: string;
          branch: string;
          /** The folder holding `<template>/v<major>/`; the repository's root when absent. */
          subdirectory?: string;
          displayName?: string;
          description?: string;
          /** CUSTOMER_MANAGED for a service template created here whose versions have no pipeline. */
          pipelineProvisioning?: string;
          /** CUSTOMER_MANAGED for an environment template created here for existing infrastructure. */
          provisioning?: string;
        }>;
      }>;
    };
    /**
     * A local cache of unpacked template versions, rebuilt from `templateBundles` when missing.
     * Defaults to a temporary directory (removed on shutdown).
     */
    storageDirectory?: string;
    /**
     * Where runners keep working directories and logs. Defaults to `work/` in a SQLite data
     * directory, or to a temporary directory.
     */
    workDirectory?: string;
    /**
     * How deployments run: `local` (the default: the bundle's CodeBuild manifest steps as child
     * processes on this host), `simulate` (the bundle's Pulumi program against Pulumi's mock runtime;
     * nothing is created), `codebuild` (builds of an AWS CodeBuild project, see `codebuild`) or
     * `none` (deployments wait for NotifyResourceDeploymentStatusChange).
     */
    runner?: 'local' | 'simulate' | 'codebuild' | 'none';
    /**
     * Settings of the `codebuild` runner (required with it). CodeBuild and S3 are called with
     * credentials from the default AWS chain.
     */
    codebuild?: {
      /** The CodeBuild project that runs the builds; its service role deploys the bundles. */
      projectName: string;
      /** The S3 bucket that receives each deployment's source, `<sourcePrefix><deployment id>/source.zip`. */
      sourceBucket: string;
      /** Prefix of the source keys. Defaults to `proton-server/`. */
      sourcePrefix?: string;
      /**
       * This server's endpoint as CodeBuild reaches it (`AWS_ENDPOINT_URL_PROTON` in the build), e.g.
       * `https://backstage.example.com/api/proton-server`. Without it deployments fail before any
       * build starts, since a build could not report its status and outputs.
       */
      callbackEndpoint?: string;
      /**
       * Where each deployment's secret callback values are put in Systems Manager Parameter Store
       * (SecureString `<prefix><deployment id>/secret-access-key` and `.../session-token`, deleted
       * when it ends); builds read them as PARAMETER_STORE variables. Defaults to
       * `/proton-server/deployments/`.
       */
      parameterPrefix?: string;
      /** Region of CodeBuild and S3. Defaults to the AWS SDK's (AWS_REGION, profile). */
      region?: string;
      /** `computeTypeOverride` of each build, e.g. `BUILD_GENERAL1_MEDIUM`. Defaults to the project's. */
      computeType?: string;
    };
    /** Settings of the `local`, `simulate` and `codebuild` runners. */
    deployments?: {
      /** How long a deployment may run, in seconds. Defaults to 3600. */
      timeoutSeconds?: number;
      /** How many deployments run at once. Defaults to 4. */
      concurrency?: number;
      /**
       * How long a server's claim on a deployment (or template registration) holds without renewal,
       * in seconds: after a server dies, another takes its work up this long after its last renewal.
       * Defaults to 30.
       */
      leaseSeconds?: number;
      /**
       * `local` and `simulate`: variables the steps get besides the deployment's own (e.g.
       * `PULUMI_BACKEND_URL`). Values of variables named like secrets (`*TOKEN*`, `*SECRET*`,
       * `*PASSWORD*`, `*KEY*`, ...) are redacted from deployment logs.
       * @visibility secret
       */
      environment?: { [name: string]: string };
      /**
       * `local` and `simulate`: names of variables of the backend's own environment that the steps
       * get too (e.g. `AWS_PROFILE`, `HTTPS_PROXY`). Nothing else of it reaches bundle code but PATH,
       * HOME, USER, LOGNAME, the locale, TZ and where the CA bundles are (NODE_EXTRA_CA_CERTS,
       * SSL_CERT_FILE, SSL_CERT_DIR, AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE).
       */
      passEnvironment?: string[];
      /**
       * `simulate`: folders searched for a bundle source with the same package-lock.json and its
       * node_modules (e.g. the repository's `templates/proton`).
       */
      nodeModulesSources?: string[];
    };
    /** The largest request body accepted, in bytes. Defaults to 1 MiB. */
    maxRequestBytes?: number;
    /**
     * The key pairs clients sign requests with (at least one). Outside development (NODE_ENV other
     * than `development` or `test`) the backend refuses to start with the development key pair
     * (access key ids starting with `proton-dev`) or with a secret shorter than 20 characters. The
     * first pair also keys the temporary credentials of deployments: every replica must list the
     * same first pair.
     */
    credentials?: Array<{
      accessKeyId: string;
      /** @visibility secret */
      secretAccessKey: string;
    }>;
    /**
     * The database of `ProtonServer.fromConfig` and the standalone server. The Backstage backend
     * plugin ignores it and keeps its state in the plugin's own database (`backend.database`).
     * `sqlite` in `directory` (`:memory:` for an in-memory database, the default), or
     * `pg` with a connection string and an optional schema.
     */
    database?: {
      client: 'sqlite' | 'pg';
      directory?: string;
      /** @visibility secret */
      connection?: string;
      schema?: string;
    };
  };
}
