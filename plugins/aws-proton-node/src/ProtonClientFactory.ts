import { ProtonClient } from '@aws-sdk/client-proton';
import { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import {
  parseProtonArn,
  ProtonArn,
} from '@proton-platform/plugin-aws-proton-common';

/**
 * Where a Proton client points: an account and a region.
 *
 * @public
 */
export interface ProtonTarget {
  /** The 12-digit AWS account ID; must be one of `awsProton.accountIds`. */
  accountId: string;
  /** The AWS Region, such as `us-east-1`; must be one of `awsProton.regions`. */
  region: string;
}

/**
 * The `awsProton` configuration, read once.
 *
 * @public
 */
export interface ProtonClientSettings {
  /** `awsProton.regions`: the AWS Regions clients may be made for; never empty. */
  regions: string[];
  /** `awsProton.accountIds`: the 12-digit AWS account IDs clients may be made for; never empty. */
  accountIds: string[];
  /** The Region used where a caller names none: `awsProton.defaultRegion`, else the first of `regions`. */
  defaultRegion: string;
  /**
   * The account used where a caller names none: `awsProton.defaultAccountId`, else the first of
   * `accountIds`.
   */
  defaultAccountId: string;
  /** `awsProton.endpoint`: a Proton API endpoint to call instead of AWS's, when set. */
  endpoint?: string;
  /** Timeout of one Proton API request (and of connecting), in milliseconds; defaults to 10000. */
  requestTimeoutMs: number;
  /** How many times the SDK tries a throttled or failed request (adaptive retry); defaults to 5. */
  maxAttempts: number;
}

/**
 * Reads and checks the `awsProton` configuration, filling in the defaults.
 *
 * @throws Error when `awsProton` is missing, `regions` or `accountIds` is empty, an account ID is not
 *   12 digits, or the default Region or account is not among the configured ones
 * @public
 */
export function readProtonClientSettings(config: Config): ProtonClientSettings {
  const section = config.getConfig('awsProton');
  const regions = section.getStringArray('regions');
  const accountIds = section.getStringArray('accountIds');
  if (regions.length === 0) {
    throw new Error('awsProton.regions must name at least one AWS region');
  }
  if (accountIds.length === 0) {
    throw new Error('awsProton.accountIds must name at least one AWS account');
  }
  for (const id of accountIds) {
    if (!/^\d{12}$/.test(id)) {
      throw new Error(
        `awsProton.accountIds: "${id}" is not a 12-digit AWS account id`,
      );
    }
  }
  const defaultRegion =
    section.getOptionalString('defaultRegion') ?? regions[0];
  const defaultAccountId =
    section.getOptionalString('defaultAccountId') ?? accountIds[0];
  if (!regions.includes(defaultRegion)) {
    throw new Error(
      `awsProton.defaultRegion "${defaultRegion}" is not one of awsProton.regions`,
    );
  }
  if (!accountIds.includes(defaultAccountId)) {
    throw new Error(
      `awsProton.defaultAccountId "${defaultAccountId}" is not one of awsProton.accountIds`,
    );
  }
  return {
    regions,
    accountIds,
    defaultRegion,
    defaultAccountId,
    endpoint: section.getOptionalString('endpoint'),
    requestTimeoutMs: section.getOptionalNumber('requestTimeoutMs') ?? 10_000,
    maxAttempts: section.getOptionalNumber('maxAttempts') ?? 5,
  };
}

/**
 * Gives Proton API clients for the configured accounts and regions, with each account's credentials
 * from `@backstage/integration-aws-node`. Anything outside the configured accounts and regions is
 * refused before a client is made, so no caller can make the backend call another account.
 *
 * @public
 */
export class ProtonClientFactory {
  private readonly clients = new Map<string, Promise<ProtonClient>>();

  /** Creates a factory from the `aws` and `awsProton` configuration. */
  static fromConfig(config: Config): ProtonClientFactory {
    return new ProtonClientFactory(
      readProtonClientSettings(config),
      DefaultAwsCredentialsManager.fromConfig(config),
    );
  }

  constructor(
    /** The settings the factory was created with; clients are limited to their accounts and Regions. */
    readonly settings: ProtonClientSettings,
    private readonly credentials: AwsCredentialsManager,
  ) {}

  /** The account and region to use where a caller named none or only some. */
  resolveTarget(target: Partial<ProtonTarget> = {}): ProtonTarget {
    const resolved = {
      accountId: target.accountId || this.settings.defaultAccountId,
      region: target.region || this.settings.defaultRegion,
    };
    this.assertAllowed(resolved);
    return resolved;
  }

  /**
   * Refuses an account or region that is not configured.
   *
   * @throws NotAllowedError naming the account or region and the config key that allows it
   */
  assertAllowed(target: ProtonTarget): void {
    if (!this.settings.accountIds.includes(target.accountId)) {
      throw new NotAllowedError(
        `AWS account ${target.accountId} is not one of the accounts this Backstage may call (awsProton.accountIds)`,
      );
    }
    if (!this.settings.regions.includes(target.region)) {
      throw new NotAllowedError(
        `AWS region ${target.region} is not one of the regions this Backstage may call (awsProton.regions)`,
      );
    }
  }

  /** A client for an account and region (defaults from config), cached per account and region. */
  async getClient(target: Partial<ProtonTarget> = {}): Promise<ProtonClient> {
    const { accountId, region } = this.resolveTarget(target);
    const key = `${accountId}/${region}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.createClient(accountId, region);
      this.clients.set(key, client);
      client.catch(() => this.clients.delete(key));
    }
    return client;
  }

  /** A client for the account and region of a Proton ARN, after checking both are allowed. */
  async getClientForArn(
    arn: string | ProtonArn,
  ): Promise<{ client: ProtonClient; arn: ProtonArn }> {
    const parsed = typeof arn === 'string' ? parseProtonArn(arn) : arn;
    const client = await this.getClient({
      accountId: parsed.accountId,
      region: parsed.region,
    });
    return { client, arn: parsed };
  }

  private async createClient(
    accountId: string,
    region: string,
  ): Promise<ProtonClient> {
    const { sdkCredentialProvider } =
      await this.credentials.getCredentialProvider({ accountId });
    return new ProtonClient({
      region,
      credentials: sdkCredentialProvider,
      endpoint: this.settings.endpoint,
      maxAttempts: this.settings.maxAttempts,
      retryMode: 'adaptive',
      requestHandler: {
        requestTimeout: this.settings.requestTimeoutMs,
        connectionTimeout: this.settings.requestTimeoutMs,
      },
    });
  }
}
