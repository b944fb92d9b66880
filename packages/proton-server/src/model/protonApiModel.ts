import model from './protonApiShapes.json';

/**
 * One shape of the AWS Proton API model, reduced to what input validation needs.
 * Generated into protonApiShapes.json by `scripts/generate-proton-model.mjs`.
 */
export interface ProtonShape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'boolean'
    | 'timestamp';
  required?: string[];
  members?: Record<string, { shape: string; idempotencyToken?: boolean }>;
  member?: string;
  key?: string;
  value?: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  union?: boolean;
  sensitive?: boolean;
}

interface ProtonApiModel {
  metadata: { apiVersion: string; targetPrefix: string; signingName: string };
  operations: Record<string, { input?: string }>;
  shapes: Record<string, ProtonShape>;
}

const protonApiModel = model as unknown as ProtonApiModel;

/** The `X-Amz-Target` prefix of every Proton operation, `AwsProton20200720`. */
export const PROTON_TARGET_PREFIX = protonApiModel.metadata.targetPrefix;

/** The SigV4 signing name of the Proton API, `proton`. */
export const PROTON_SIGNING_NAME = protonApiModel.metadata.signingName;

/** Names of every operation the AWS Proton API model declares. */
export function listModelOperations(): string[] {
  return Object.keys(protonApiModel.operations);
}

/** The name of an operation's input shape, or undefined when the model has no such operation. */
export function getOperationInputShapeName(
  operation: string,
): string | undefined {
  return Object.prototype.hasOwnProperty.call(
    protonApiModel.operations,
    operation,
  )
    ? protonApiModel.operations[operation].input
    : undefined;
}

/** A shape of the model by name; throws when the model has no such shape. */
export function getShape(name: string): ProtonShape {
  const shape = protonApiModel.shapes[name];
  if (!shape) {
    throw new Error(`The Proton API model has no shape ${name}`);
  }
  return shape;
}

/** The member of an operation's input that carries its idempotency token, if it has one. */
export function getIdempotencyTokenMember(
  operation: string,
): string | undefined {
  const inputName = getOperationInputShapeName(operation);
  if (!inputName) return undefined;
  const members = getShape(inputName).members ?? {};
  return Object.keys(members).find(m => members[m].idempotencyToken);
}
