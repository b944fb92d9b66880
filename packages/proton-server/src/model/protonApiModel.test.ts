import * as sdk from '@aws-sdk/client-proton';
import {
  getIdempotencyTokenMember,
  getOperationInputShapeName,
  getShape,
  listModelOperations,
  PROTON_SIGNING_NAME,
  PROTON_TARGET_PREFIX,
} from './protonApiModel';

type SdkStructure = [
  number,
  string,
  string,
  unknown,
  string[],
  unknown[],
  number?,
];

/** The SDK's operation schemas: exports named `<Operation>$` whose first element is 9. */
function sdkOperations(): Map<string, SdkStructure> {
  const operations = new Map<string, SdkStructure>();
  for (const [name, value] of Object.entries(sdk)) {
    if (name.endsWith('$') && Array.isArray(value) && value[0] === 9) {
      const input = (value[4] as () => SdkStructure)();
      operations.set(value[2] as string, input);
    }
  }
  return operations;
}

describe('the Proton API model', () => {
  const operations = sdkOperations();

  it('names the protocol constants of the Proton API', () => {
    expect(PROTON_TARGET_PREFIX).toBe('AwsProton20200720');
    expect(PROTON_SIGNING_NAME).toBe('proton');
  });

  it('has exactly the operations of @aws-sdk/client-proton', () => {
    expect(operations.size).toBeGreaterThan(80);
    expect([...operations.keys()].sort()).toEqual(listModelOperations().sort());
  });

  it('agrees with the SDK on every input member, required member and idempotency token', () => {
    for (const [operation, input] of operations) {
      const shape = getShape(getOperationInputShapeName(operation)!);
      const [, , , , memberNames, memberSchemas, requiredCount = 0] = input;
      expect({
        operation,
        members: Object.keys(shape.members ?? {}).sort(),
      }).toEqual({
        operation,
        members: [...memberNames].sort(),
      });
      expect({
        operation,
        required: [...(shape.required ?? [])].sort(),
      }).toEqual({
        operation,
        required: memberNames.slice(0, requiredCount).sort(),
      });
      // The SDK marks an idempotency token member with the trait bit 4: `[0, 4]`.
      const sdkToken = memberNames.find((_name, index) => {
        const schema = memberSchemas[index];
        return (
          Array.isArray(schema) &&
          typeof schema[1] === 'number' &&
          (schema[1] & 4) !== 0
        );
      });
      expect({
        operation,
        token: getIdempotencyTokenMember(operation),
      }).toEqual({
        operation,
        token: sdkToken,
      });
    }
  });

  it('declares the constraints the issue names', () => {
    expect(getShape('ResourceName')).toMatchObject({
      min: 1,
      max: 100,
      pattern: '^[0-9A-Za-z]+[0-9A-Za-z_\\-]*$',
    });
    expect(getShape('MaxPageResults')).toMatchObject({ min: 1, max: 100 });
    expect(getShape('TemplateVersionStatus').enum).toEqual([
      'REGISTRATION_IN_PROGRESS',
      'REGISTRATION_FAILED',
      'DRAFT',
      'PUBLISHED',
    ]);
  });
});
