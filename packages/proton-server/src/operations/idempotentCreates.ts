import { parse } from 'yaml';
import { conflictError, validationError } from '../protocol/errors';
import type { OperationContext, OperationInput } from './operationContext';
import { hashParameters } from './requestHash';

/**
 * The hash of a create request's parameters. The spec counts by what it says, not how it is written
 * (YAML parsed; a spec that is not YAML counts by its text), and tags regardless of their order.
 */
function createRequestHash(input: OperationInput): string {
  const parameters: Record<string, unknown> = { ...input };
  if (typeof input.spec === 'string') {
    try {
      parameters.spec = { parsed: parse(input.spec) };
    } catch {
      parameters.spec = { text: input.spec };
    }
  }
  if (Array.isArray(input.tags)) {
    // By code unit, not locale: every replica must hash a request alike.
    parameters.tags = [...input.tags].sort((a, b) =>
      a.key < b.key ? -1 : Number(a.key > b.key),
    );
  }
  return hashParameters(parameters);
}

/**
 * Remembers the parameters a resource was created with, so that a repeat of the request can be told
 * apart from another request for the same name ({@link requireRepeatOfCreate}).
 */
export async function rememberCreateRequest(
  context: OperationContext,
  operation: string,
  resourceArn: string,
  input: OperationInput,
): Promise<void> {
  await context
    .db('create_requests')
    .where({ resource_arn: resourceArn })
    .delete();
  await context.db('create_requests').insert({
    resource_arn: resourceArn,
    operation,
    request_hash: createRequestHash(input),
    created_at: context.now.getTime(),
  });
}

/**
 * For a create whose resource exists already: passes when the request repeats the one that created
 * it (a client retrying after a timeout), so that the operation answers the existing resource, as
 * the Proton API model's `idempotent` trait on CreateEnvironment, CreateService,
 * CreateEnvironmentTemplate and CreateServiceTemplate declares.
 *
 * @param what - the resource, for the message (`The environment dev`)
 * @throws ProtonApiError ValidationException ("idempotent parameter mismatch", HTTP 400) when the
 *   parameters differ from those the resource was created with; ConflictException when the resource
 *   was not made by a create this control plane remembers; nothing is changed
 */
export async function requireRepeatOfCreate(
  context: OperationContext,
  operation: string,
  resourceArn: string,
  input: OperationInput,
  what: string,
): Promise<void> {
  const row = await context
    .db('create_requests')
    .where({ resource_arn: resourceArn, operation })
    .first('request_hash');
  if (!row) {
    // made before create requests were kept (or another way): nothing to compare a repeat with
    throw conflictError(`${what} already exists`);
  }
  if (row.request_hash !== createRequestHash(input)) {
    throw validationError(
      `Idempotent parameter mismatch: ${what} already exists and was created with other parameters; ` +
        `choose another name, or change it with the update operation`,
    );
  }
}
