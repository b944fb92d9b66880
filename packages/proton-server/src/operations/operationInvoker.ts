import type { Knex } from 'knex';
import {
  getIdempotencyTokenMember,
  getOperationInputShapeName,
} from '../model/protonApiModel';
import {
  accessDenied,
  conflictError,
  ProtonApiError,
  validationError,
} from '../protocol/errors';
import type { RequestPrincipal } from '../protocol/sigv4Verification';
import { validateOperationInput } from '../protocol/inputValidation';
import { toWireJson, WireJsonText } from '../protocol/wireFormat';
import { isUniqueViolation } from '../store/database';
import {
  isRetryableTransactionError,
  retryOnDeadlock,
} from '../store/databaseDialect';
import {
  findIdempotencyRecord,
  saveIdempotencyRecord,
} from '../store/idempotencyTokens';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import type { ReadResultCache } from './readResultCache';
import { hashParameters } from './requestHash';

function hashRequest(input: OperationInput, tokenMember: string): string {
  const { [tokenMember]: _token, ...parameters } = input;
  return hashParameters(parameters);
}

/** What the invoker needs besides the database. */
export type InvocationServices = Omit<
  OperationContext,
  'db' | 'now' | 'afterCommit' | 'principal'
>;

const OPERATOR: RequestPrincipal = { kind: 'operator' };

/**
 * What a deployment's temporary credentials may call: report the deployment's status and outputs,
 * and read the deployment (the handlers check that it is the deployment's own resource).
 */
const DEPLOYMENT_OPERATIONS = new Set([
  'NotifyResourceDeploymentStatusChange',
  'GetDeployment',
]);

/**
 * Runs operations: checks the input against the Proton model, runs a mutating operation and the
 * bookkeeping of its client token in one transaction, and starts the work it scheduled once the
 * transaction has committed.
 */
export class OperationInvoker {
  private readonly pendingTasks = new Set<Promise<void>>();

  constructor(
    private readonly operations: Record<string, OperationDefinition>,
    private readonly knex: Knex,
    private readonly services: InvocationServices,
    private readonly onTaskError: (error: unknown) => void,
    private readonly clock: () => Date = () => new Date(),
    private readonly readCache?: ReadResultCache,
  ) {}

  /** Whether this control plane implements the operation. */
  has(operation: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.operations, operation);
  }

  /**
   * Runs a read of the control plane's own (an extension route's, such as the update preview) as
   * a read-only operation runs: its input checked against the Proton model's `inputShape`, in a
   * context without a transaction, as an operator. The output is not serialized.
   *
   * @throws ProtonApiError for every failure a client should see
   */
  async read<T>(
    inputShape: string,
    input: unknown,
    handler: (input: OperationInput, context: OperationContext) => Promise<T>,
  ): Promise<T> {
    validateOperationInput(inputShape, input);
    return handler(input as OperationInput, {
      ...this.services,
      principal: OPERATOR,
      db: this.knex,
      now: this.clock(),
      afterCommit: () => {
        throw new Error('A read cannot schedule work');
      },
    });
  }

  /**
   * Runs one operation and returns its output in wire form (timestamps as epoch seconds; a read's
   * output already serialized, as {@link WireJsonText}).
   *
   * @throws ProtonApiError for every failure a client should see
   */
  async invoke(
    operation: string,
    input: unknown,
    principal: RequestPrincipal = OPERATOR,
  ): Promise<unknown> {
    const definition = this.has(operation)
      ? this.operations[operation]
      : undefined;
    const inputShape = getOperationInputShapeName(operation);
    if (!definition || !inputShape) {
      throw new ProtonApiError(
        'UnknownOperationException',
        `The operation ${operation} is not supported by this control plane`,
      );
    }
    if (
      principal.kind === 'deployment' &&
      !DEPLOYMENT_OPERATIONS.has(operation)
    ) {
      throw accessDenied(
        `The credentials of deployment ${principal.deploymentId} may only call ` +
          `${[...DEPLOYMENT_OPERATIONS].join(
            ' and ',
          )} for that deployment, not ${operation}`,
      );
    }
    const validInput = input as OperationInput;
    if (definition.readOnly) {
      const read = async () => {
        validateOperationInput(inputShape, input);
        return new WireJsonText(
          JSON.stringify(
            toWireJson(
              await definition.handler(validInput, {
                ...this.services,
                principal,
                db: this.knex,
                now: this.clock(),
                afterCommit: () => {
                  throw new Error(
                    `${operation} is read-only and cannot schedule work`,
                  );
                },
              }),
            ),
          ),
        );
      };
      // Answers are remembered for operators only (a deployment's reads are checked every time),
      // serialized, and keyed by the input: a remembered input was validated when it was computed.
      return this.readCache && principal.kind === 'operator'
        ? this.readCache.read(`${operation}\n${JSON.stringify(input)}`, read)
        : read();
    }
    validateOperationInput(inputShape, input);
    const now = this.clock();

    const tokenMember = getIdempotencyTokenMember(operation);
    const token: string | undefined = tokenMember
      ? validInput[tokenMember]
      : undefined;
    let tasks: Array<() => Promise<void>> = [];
    let output: unknown;
    const run = () =>
      this.knex.transaction(async trx => {
        let requestHash = '';
        if (token && tokenMember) {
          requestHash = hashRequest(validInput, tokenMember);
          const remembered = await findIdempotencyRecord(
            trx,
            operation,
            token,
            now,
          );
          if (remembered) {
            if (remembered.requestHash !== requestHash) {
              throw validationError(
                `The client token ${token} was already used for a ${operation} request with different parameters`,
              );
            }
            return remembered.response;
          }
        }
        const result = toWireJson(
          await definition.handler(validInput, {
            ...this.services,
            principal,
            db: trx,
            now,
            afterCommit: task => tasks.push(task),
          }),
        );
        if (token) {
          await saveIdempotencyRecord(
            trx,
            operation,
            token,
            { requestHash, response: result },
            now,
          );
        }
        return result;
      });
    try {
      output = await retryOnDeadlock(() => {
        tasks = [];
        return run();
      });
    } catch (error) {
      if (isUniqueViolation(error) || isRetryableTransactionError(error)) {
        throw conflictError(
          `A conflicting ${operation} request changed the same resource at the same time; retry the request`,
        );
      }
      throw error;
    }
    for (const task of tasks) {
      this.track(task);
    }
    return output;
  }

  /**
   * Runs `work` as an operator's mutation outside of any request (a repository sync creating a
   * template version): in one transaction, with the work it schedules started once that has
   * committed and awaited before returning.
   */
  async transact<T>(
    work: (context: OperationContext) => Promise<T>,
  ): Promise<T> {
    let tasks: Array<() => Promise<void>> = [];
    const result = await retryOnDeadlock(() => {
      tasks = [];
      return this.knex.transaction(trx =>
        work({
          ...this.services,
          principal: OPERATOR,
          db: trx,
          now: this.clock(),
          afterCommit: task => tasks.push(task),
        }),
      );
    });
    await Promise.all(
      tasks.map(task => Promise.resolve().then(task).catch(this.onTaskError)),
    );
    return result;
  }

  private track(task: () => Promise<void>): void {
    const running = Promise.resolve()
      .then(task)
      .catch(this.onTaskError)
      .finally(() => this.pendingTasks.delete(running));
    this.pendingTasks.add(running);
  }

  /** Resolves once every task scheduled so far (and those they schedule) has finished. */
  async settled(): Promise<void> {
    while (this.pendingTasks.size > 0) {
      await Promise.all([...this.pendingTasks]);
    }
  }
}
