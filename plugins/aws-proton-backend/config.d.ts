export interface Config {
  awsProton?: {
    /**
     * How long Proton reads are cached for the entity pages, in seconds. Reads that show a deployment
     * in progress are kept for at most 2 seconds. Defaults to 30; 0 turns the cache off.
     */
    cacheTtlSeconds?: number;
    /**
     * How many service instances' outputs are read at once for one service. Defaults to 20, Proton's
     * quota of instances per service, so that one round of calls reads them all.
     */
    outputsConcurrency?: number;
    /**
     * Where people browse repositories, by provider, for the links to the commit each synced
     * template version came from: `<url>/<owner/repo>/commit/<sha>` (`.../commits/<sha>` for
     * Bitbucket). Defaults to `https://github.com` for GITHUB and `https://bitbucket.org` for
     * BITBUCKET; set GITHUB_ENTERPRISE to your server's (without it, its commits are shown without links).
     */
    repositoryWebUrls?: {
      GITHUB?: string;
      GITHUB_ENTERPRISE?: string;
      BITBUCKET?: string;
    };
  };
}
