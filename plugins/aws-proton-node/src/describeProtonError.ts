import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/**
 * What was being done when a Proton call failed, so that the error can say it.
 *
 * @public
 */
export interface ProtonCallContext {
  /** The Proton API operation, such as `GetService`; the IAM action is `proton:<operation>`. */
  operation: string;
  /** The 12-digit AWS account ID the call went to. */
  accountId: string;
  /** The AWS Region the call went to. */
  region: string;
  /** What the call was about, such as `service "checkout"`. */
  resource?: string;
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error
    ? String((error as { name: unknown }).name)
    : undefined;
}

function errorMessage(error: unknown): string {
  const message =
    typeof error === 'object' && error !== null && 'message' in error
      ? String((error as { message: unknown }).message)
      : String(error);
  return message.replace(/\s+$/, '');
}

/**
 * Turns an error from the Proton API into a Backstage error whose message a person can act on:
 * what was not found in which account and region, which IAM action was denied, which input was invalid.
 * Errors that are not from the Proton API are returned unchanged.
 *
 * @public
 */
export function describeProtonError(
  error: unknown,
  context: ProtonCallContext,
): Error {
  const where = `in account ${context.accountId}, region ${context.region}`;
  const what = context.resource ?? 'the resource';
  const detail = errorMessage(error);
  switch (errorName(error)) {
    case 'ResourceNotFoundException':
      return new NotFoundError(
        `AWS Proton has no ${what} ${where} (${context.operation}: ${detail})`,
      );
    case 'AccessDeniedException':
      return new NotAllowedError(
        `AWS denied proton:${context.operation} on ${what} ${where}; grant that IAM action to the credentials Backstage uses for this account (${detail})`,
      );
    case 'ValidationException':
      return new InputError(
        `AWS Proton refused ${context.operation} on ${what}: ${detail}`,
      );
    case 'ConflictException':
      return new ConflictError(
        `AWS Proton refused ${context.operation} on ${what} because of a conflict: ${detail}`,
      );
    case 'ServiceQuotaExceededException':
      return new InputError(
        `AWS Proton refused ${context.operation} on ${what}: a service quota is exceeded ${where} (${detail})`,
      );
    case 'ThrottlingException':
    case 'InternalServerException':
      return new ServiceUnavailableError(
        `AWS Proton did not complete ${context.operation} on ${what} ${where} after retrying: ${detail}`,
      );
    default:
      if (
        errorName(error) === 'TimeoutError' ||
        /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket hang up/.test(detail)
      ) {
        return new ServiceUnavailableError(
          `AWS Proton could not be reached for ${context.operation} ${where}: ${detail}`,
        );
      }
      return error instanceof Error ? error : new Error(detail);
  }
}

/**
 * Runs one Proton API call and translates its failure with {@link describeProtonError}.
 *
 * @public
 */
export async function callProton<T>(
  context: ProtonCallContext,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw describeProtonError(error, context);
  }
}

/**
 * Returns a field the Proton API always sets, or fails with a message naming it. The SDK types mark
 * every response field optional; this keeps a malformed response from turning into blank values.
 *
 * @public
 */
export function requireField<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null) {
    throw new Error(`The AWS Proton response has no ${field}`);
  }
  return value;
}
