import {
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import { previewServiceInstanceUpdate } from './updatePreview';

/**
 * The preview client against the control plane's signed preview route: what it signs and sends is
 * checked by the real server. (What the preview computes is the control plane's own test.)
 */
jest.setTimeout(60_000);

describe('previewServiceInstanceUpdate', () => {
  let controlPlane: ScratchControlPlane;

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane();
  });

  afterAll(async () => {
    await controlPlane?.stop();
  });

  it('says that AWS Proton itself cannot preview resources', async () => {
    await expect(
      previewServiceInstanceUpdate(controlPlane.client, undefined, {
        serviceName: 'shop',
        name: 'dev',
        deploymentType: 'MINOR_VERSION',
      }),
    ).resolves.toEqual({
      unavailable: expect.stringMatching(
        /^AWS Proton cannot preview resources/,
      ),
    });
  });

  it('signs its request and hands on the answers UpdateServiceInstance would give', async () => {
    const missing = await previewServiceInstanceUpdate(
      controlPlane.client,
      controlPlane.server.endpoint,
      { serviceName: 'shop', name: 'dev', deploymentType: 'MINOR_VERSION' },
    ).catch(e => e);
    expect(missing.name).toBe('NotFoundError');
    expect(missing.message).toMatch(/shop/);
    const invalid = await previewServiceInstanceUpdate(
      controlPlane.client,
      controlPlane.server.endpoint,
      {
        serviceName: 'shop',
        name: 'dev',
        deploymentType: 'SOMETIMES' as 'MINOR_VERSION',
      },
    ).catch(e => e);
    expect(invalid.name).toBe('InputError');
    expect(invalid.message).toMatch(/deploymentType/);
  });
});
