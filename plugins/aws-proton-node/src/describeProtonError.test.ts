import {
  AccessDeniedException,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-proton';
import { callProton, describeProtonError } from './describeProtonError';

const context = {
  operation: 'GetService',
  accountId: '123456789012',
  region: 'eu-west-1',
  resource: 'service "checkout"',
};
const meta = { $metadata: {} };

describe('describeProtonError', () => {
  it('says what was not found where', () => {
    const error = describeProtonError(
      new ResourceNotFoundException({ message: 'no such service', ...meta }),
      context,
    );
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe(
      'AWS Proton has no service "checkout" in account 123456789012, region eu-west-1 (GetService: no such service)',
    );
  });

  it('names the IAM action that was denied', () => {
    const error = describeProtonError(
      new AccessDeniedException({ message: 'denied', ...meta }),
      context,
    );
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toContain('AWS denied proton:GetService');
    expect(error.message).toContain('account 123456789012');
  });

  it('keeps validation details and leaves other errors alone', async () => {
    const validation = describeProtonError(
      new ValidationException({
        message: 'spec.port: must be <= 65535',
        ...meta,
      }),
      context,
    );
    expect(validation.name).toBe('InputError');
    expect(validation.message).toContain('spec.port: must be <= 65535');
    const plain = new TypeError('bug');
    await expect(
      callProton(context, async () => {
        throw plain;
      }),
    ).rejects.toBe(plain);
  });
});
