/**
 * The errors the control plane answers with, in the shape AWS Proton uses on the wire.
 *
 * The modeled Proton errors keep their AWS names and status codes; the authentication and protocol
 * errors use the names AWS's front end sends for awsJson services, which botocore and the AWS SDK for
 * JavaScript recognise (for example `InvalidSignatureException` triggers their clock-skew correction).
 */

/**
 * Names of the errors the control plane can answer with.
 *
 * @public
 */
export type ProtonErrorName =
  | 'ValidationException'
  | 'ServiceQuotaExceededException'
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'ConflictException'
  | 'ThrottlingException'
  | 'InternalServerException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'RequestEntityTooLargeException';

const STATUS_CODES: Record<ProtonErrorName, number> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 402,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerException: 500,
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 400,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  UnknownOperationException: 400,
  SerializationException: 400,
  RequestEntityTooLargeException: 413,
};

/**
 * An error that is answered to the client as it is: its name becomes the `__type`, its message the
 * `message`. Anything thrown that is not a ProtonApiError is answered as an InternalServerException
 * with a generic message, so no internal detail leaks.
 *
 * @public
 */
export class ProtonApiError extends Error {
  /** The error's name, answered as the response's `__type`. */
  readonly errorName: ProtonErrorName;
  /**
   * The HTTP status code of the response, as AWS Proton uses for `errorName` (e.g. 404 for
   * ResourceNotFoundException).
   */
  readonly statusCode: number;

  constructor(errorName: ProtonErrorName, message: string) {
    super(message);
    this.name = 'ProtonApiError';
    this.errorName = errorName;
    this.statusCode = STATUS_CODES[errorName];
  }
}

/** A ValidationException (400). */
export function validationError(message: string): ProtonApiError {
  return new ProtonApiError('ValidationException', message);
}

/** A ResourceNotFoundException (404) naming the missing resource. */
export function resourceNotFound(what: string): ProtonApiError {
  return new ProtonApiError(
    'ResourceNotFoundException',
    `${what} does not exist`,
  );
}

/** A ConflictException (409). */
export function conflictError(message: string): ProtonApiError {
  return new ProtonApiError('ConflictException', message);
}

/** An AccessDeniedException (403). */
export function accessDenied(message: string): ProtonApiError {
  return new ProtonApiError('AccessDeniedException', message);
}

/** A ServiceQuotaExceededException (402). */
export function quotaExceeded(message: string): ProtonApiError {
  return new ProtonApiError('ServiceQuotaExceededException', message);
}

/** The namespace of every `__type` the control plane sends. */
export const ERROR_TYPE_NAMESPACE = 'com.amazonaws.proton';
