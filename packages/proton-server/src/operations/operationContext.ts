import type { Knex } from 'knex';
import type { TemplateRegistrar } from '../bundles/templateRegistrar';
import type { BundleSourceResolver } from '../bundles/bundleSource';
import type { DeploymentCoordinator } from '../deployments/deploymentCoordinator';
import type { RequestPrincipal } from '../protocol/sigv4Verification';

/** Settings every operation may read. */
export interface OperationSettings {
  /** The region used in every ARN and accepted in SigV4 scopes. */
  region: string;
  /** The account id used in every ARN. */
  accountId: string;
}

/** A branch of a linked repository that templates (or services) follow. */
export interface SyncedBranchRef {
  repositoryProvider: string;
  repositoryName: string;
  branch: string;
  syncType: 'TEMPLATE_SYNC' | 'SERVICE_SYNC';
}

/** What operations need of repository sync: the configured connections, and sync requests. */
export interface RepositorySyncRequests {
  /** The provider of the Git connection with this ARN, when this control plane has it configured. */
  connectionProvider(arn: string): string | undefined;
  /**
   * Requests a sync of `branch` (call it once the transaction has committed); with `resync`, its
   * current commit is synced again, because its sync configurations changed.
   */
  request(branch: SyncedBranchRef, resync: boolean): Promise<void>;
}

/** What an operation handler gets besides its input. */
export interface OperationContext {
  /** The transaction of a mutating operation, or the database for a read-only one. */
  db: Knex | Knex.Transaction;
  settings: OperationSettings;
  /** Who signed the request: an operator, or a deployment's steps with its temporary credentials. */
  principal: RequestPrincipal;
  /** The time of the request; use it for every timestamp the operation writes. */
  now: Date;
  /** Schedules work to start once the operation's transaction has committed. */
  afterCommit(task: () => Promise<void>): void;
  bundleSources: BundleSourceResolver;
  templateRegistrar: TemplateRegistrar;
  deployments: DeploymentCoordinator;
  repositorySync: RepositorySyncRequests;
}

/** The input of an operation, already validated against the Proton model. */
export type OperationInput = Record<string, any>;

/** The output of an operation before wire serialization (Dates become epoch seconds). */
export type OperationOutput = Record<string, unknown>;

/**
 * One implemented Proton operation.
 */
export interface OperationDefinition {
  handler(
    input: OperationInput,
    context: OperationContext,
  ): Promise<OperationOutput>;
  /** Read-only operations run outside of a transaction. */
  readOnly?: boolean;
}
