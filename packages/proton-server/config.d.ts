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
    /** Where registered template versions are unpacked. */
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
       * A Systems Manager parameter (SecureString) holding the secret key of the first
       * `credentials` entry, passed to builds as a PARAMETER_STORE variable instead of a plaintext
       * one.
       */
      callbackSecretParameter?: string;
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
       * `simulate`: folders searched for a bundle source with the same package-lock.json and its
       * node_modules (e.g. the repository's `templates/proton`).
       */
      nodeModulesSources?: string[];
    };
    /** The largest request body accepted, in bytes. Defaults to 1 MiB. */
    maxRequestBytes?: number;
    /** The credentials clients sign requests with. */
    credentials: Array<{
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
