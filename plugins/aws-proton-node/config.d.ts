export interface Config {
  /**
   * Settings for the AWS Proton plugins. AWS credentials come from the `aws` section read by
   * `@backstage/integration-aws-node` (`aws.mainAccount`, `aws.accounts`, `aws.accountDefaults`).
   */
  awsProton?: {
    /**
     * The AWS regions the plugins may call. An ARN in any other region is refused before any call.
     */
    regions: string[];
    /**
     * The AWS account ids the plugins may call. An ARN in any other account is refused before any call.
     */
    accountIds: string[];
    /**
     * The region used when an action or provider names none. Defaults to the first of `regions`.
     */
    defaultRegion?: string;
    /**
     * The account id used when an action or provider names none. Defaults to the first of `accountIds`.
     */
    defaultAccountId?: string;
    /**
     * A Proton API endpoint to call instead of AWS, for example the control plane of
     * `@proton-platform/proton-server` (`http://localhost:7007/api/proton-server`).
     */
    endpoint?: string;
    /**
     * Timeout of one Proton API request, in milliseconds. Defaults to 10000.
     */
    requestTimeoutMs?: number;
    /**
     * How many times the SDK tries a request that was throttled or failed on the server side
     * (adaptive retry). Defaults to 5.
     */
    maxAttempts?: number;
  };
}
