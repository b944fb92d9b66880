import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import {
  getIdempotencyTokenMember,
  getOperationInputShapeName,
} from '../model/protonApiModel';
import {
  conflictError,
  ProtonApiError,
  validationError,
} from '../protocol/errors';
import { validateOperationInput } from '../protocol/inputValidation';
import { toWireJson } from '../protocol/wireFormat';
import { isUniqueViolation } from '../store/database';
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

/** A JSON text with sorted keys, so that equal inputs hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined && member !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function hashRequest(input: OperationInput, tokenMember: string): string {
  const { [tokenMember]: _token, ...parameters } = input;
  return createHash('sha256').update(canonicalJson(parameters)).digest('hex');
}

/** What the invoker needs besides the database. */
export type InvocationServices = Omit<
  OperationContext,
  'db' | 'now' | 'afterCommit'
>;

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
   * Runs one operation and returns its output in wire form (timestamps as epoch seconds).
   *
   * @throws ProtonApiError for every failure a client should see
   */
  async invoke(operation: string, input: unknown): Promise<unknown> {
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
    validateOperationInput(inputShape, input);
    const validInput = input as OperationInput;
    const now = this.clock();
    if (definition.readOnly) {
      const read = async () =>
        toWireJson(
          await definition.handler(validInput, {
            ...this.services,
            db: this.knex,
            now,
            afterCommit: () => {
              throw new Error(
                `${operation} is read-only and cannot schedule work`,
              );
            },
          }),
        );
      return this.readCache
        ? this.readCache.read(`${operation}\n${JSON.stringify(input)}`, read)
        : read();
    }

    const tokenMember = getIdempotencyTokenMember(operation);
    const token: string | undefined = tokenMember
      ? validInput[tokenMember]
      : undefined;
    const tasks: Array<() => Promise<void>> = [];
    let output: unknown;
    try {
      output = await this.knex.transaction(async trx => {
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
    } catch (error) {
      if (isUniqueViolation(error)) {
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
