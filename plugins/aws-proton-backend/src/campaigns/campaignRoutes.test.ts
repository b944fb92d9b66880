import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { seedProtonResources } from '@proton-platform/proton-server';
import {
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import request from 'supertest';
import { awsProtonPlugin } from '../plugin';
import { testDatabaseFactory } from '../__testUtils__/testDatabase';
import {
  seedWebTemplate,
  serviceSpec,
  settleDeployments,
} from '../__testUtils__/fleetFixtures';

const database = testDatabaseFactory();

/**
 * The campaign routes of the backend plugin: permission-gated (aws-proton.template.upgrade-fleet),
 * recorded by the auditor, stored in the plugin's database.
 */

jest.setTimeout(60_000);

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const CAMPAIGNS =
  '/api/aws-proton/v1/entities/resource/default/web/template/campaigns';

describe('campaign routes', () => {
  let controlPlane: ScratchControlPlane;

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane();
    const { client } = controlPlane;
    await seedWebTemplate(controlPlane, ['dev']);
    await seedProtonResources(client, {
      services: [
        {
          name: 'shop',
          templateName: 'web',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: serviceSpec('dev'),
        },
      ],
    });
    await settleDeployments(client);
  });

  const backends: Array<{ stop(): Promise<void> }> = [];

  afterAll(async () => {
    // stops the backends' scheduled campaign task too
    for (const started of backends) await started.stop();
    await controlPlane?.stop();
  });

  async function backend(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
    const auditor = mockServices.auditor.mock();
    const event = { success: jest.fn(), fail: jest.fn() };
    auditor.createEvent.mockResolvedValue(event);
    const started = await startTestBackend({
      features: [
        awsProtonPlugin,
        database,
        auditor.factory,
        mockServices.permissions.factory({ result }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Resource',
              metadata: {
                name: 'web',
                namespace: 'default',
                annotations: {
                  'aws.amazon.com/aws-proton-service-template': `${PREFIX}:service-template/web`,
                },
              },
              spec: { type: 'aws-proton-service-template', owner: 'platform' },
            },
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'shop',
                namespace: 'default',
                annotations: {
                  'aws.amazon.com/aws-proton-service': `${PREFIX}:service/shop`,
                },
              },
              spec: { type: 'service', owner: 'team', lifecycle: 'test' },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              accounts: [
                { accountId: '000000000000', ...controlPlane.credentials },
              ],
            },
            awsProton: {
              regions: ['us-east-1'],
              accountIds: ['000000000000'],
              endpoint: controlPlane.server.endpoint,
            },
          },
        }),
      ],
    });
    backends.push(started);
    return { server: started.server, auditor, event };
  }

  it('refuses a campaign without aws-proton.template.upgrade-fleet, and records the refusal', async () => {
    const { server, event } = await backend(AuthorizeResult.DENY);
    const refused = await request(server)
      .post(CAMPAIGNS)
      .set('authorization', mockCredentials.user.header())
      .send({ dryRun: true });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'You may not run upgrade campaigns of resource:default/web (aws-proton.template.upgrade-fleet)',
    );
    expect(event.fail).toHaveBeenCalled();
  });

  it('starts a campaign, lists it, cancels it; bad requests say what is wrong', async () => {
    const { server, auditor, event } = await backend(AuthorizeResult.ALLOW);
    const user = mockCredentials.user.header();
    const dryRun = await request(server)
      .post(CAMPAIGNS)
      .set('authorization', user)
      .send({ dryRun: true });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.targets).toHaveLength(1);

    const started = await request(server)
      .post(CAMPAIGNS)
      .set('authorization', user)
      .send({ maxConcurrent: 1 });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      targetVersion: '1.1',
      status: 'RUNNING',
      createdBy: 'user:default/mock',
    });
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'upgrade-campaign',
        meta: expect.objectContaining({ actionType: 'start' }),
      }),
    );
    expect(event.success).toHaveBeenCalledWith({
      meta: {
        campaignId: started.body.id,
        targetVersion: '1.1',
        targets: 1,
      },
    });

    const listed = await request(server)
      .get(CAMPAIGNS)
      .set('authorization', user);
    expect(listed.body.map((c: { id: string }) => c.id)).toEqual([
      started.body.id,
    ]);
    const cancelled = await request(server)
      .post(`${CAMPAIGNS}/${started.body.id}/cancel`)
      .set('authorization', user);
    expect(cancelled.status).toBe(200);
    expect(['CANCELLING', 'CANCELLED']).toContain(cancelled.body.status);

    const bad = await request(server)
      .post(CAMPAIGNS)
      .set('authorization', user)
      .send({ waves: 'dev' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'waves must be a list of lists of environment names, e.g. [["dev"], ["prod"]]',
    );
    const renamed = await request(server)
      .post(CAMPAIGNS)
      .set('authorization', user)
      .send({ dryRun: true, instanceArns: [] });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.message).toBe(
      'A campaign request has no field instanceArns; its fields are targetVersion, targetArns, includeMajorUpgrades, waves, maxConcurrent, dryRun',
    );
    const unknown = await request(server)
      .get(`${CAMPAIGNS}/no-such-campaign`)
      .set('authorization', user);
    expect(unknown.status).toBe(404);
    const action = await request(server)
      .post(`${CAMPAIGNS}/${started.body.id}/restart`)
      .set('authorization', user);
    expect(action.status).toBe(400);
  });
});
