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
    /** Template sources `{s3: {bucket, key}}` resolve to `<bundlesDirectory>/<bucket>/<key>`. */
    bundlesDirectory: string;
    /** Where registered template versions are unpacked. */
    storageDirectory?: string;
    /** The largest request body accepted, in bytes. Defaults to 1 MiB. */
    maxRequestBytes?: number;
    /** The credentials clients sign requests with. */
    credentials: Array<{
      accessKeyId: string;
      /** @visibility secret */
      secretAccessKey: string;
    }>;
    /**
     * The database: `sqlite` in `directory` (`:memory:` for an in-memory database, the default), or
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
