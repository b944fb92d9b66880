import {
  GetServiceInstanceCommand,
  ListDeploymentsCommand,
  TagResourceCommand,
  UpdateServiceInstanceCommand,
} from '@aws-sdk/client-proton';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  Campaign,
  campaignTargetLabel,
  parseProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { seedProtonResources } from '@proton-platform/proton-server';
import {
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import { Knex } from 'knex';
import { ProtonReadCache } from '../services/ProtonReadCache';
import { TemplateFleetService } from '../services/TemplateFleetService';
import { TemplateUsageService } from '../services/TemplateUsageService';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { createCampaignNotifier } from './campaignNotifications';
import { CampaignService } from './CampaignService';
import { CampaignStore, migrateCampaignStore } from './campaignStore';
import {
  scratchClients,
  seedWebTemplate,
  serviceSpec,
  settleDeployments,
} from '../__testUtils__/fleetFixtures';
import { testDatabases } from '../__testUtils__/testDatabase';

/**
 * Upgrade campaigns against a real control plane (no runner: each deployment stays IN_PROGRESS until
 * the test reports its outcome, as a runner would) and a real database, SQLite and PostgreSQL (where
 * it answers): waves, the concurrency limit, the health gate, pause, resume and cancel, a restart,
 * and two processes on one database, each with its own connection pool.
 */

jest.setTimeout(60_000);

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const TEMPLATE = parseProtonArn(`${PREFIX}:service-template/web`);
const TEMPLATE_ARN = `${PREFIX}:service-template/web`;

// service: its instances (each in the environment of the same name)
const SERVICES: Record<string, string[]> = {
  alpha: ['dev', 'staging', 'prod'],
  beta: ['dev', 'prod'],
  gamma: ['dev'], // pinned on its entity
  delta: ['prod'], // its prod instance tagged proton:pinned
  omega: ['dev'], // no entity in the catalog
};

function entity(name: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'aws.amazon.com/aws-proton-service': `${PREFIX}:service/${name}`,
        ...annotations,
      },
    },
    spec: { type: 'service', owner: 'group:default/team', lifecycle: 'test' },
  } as Entity;
}

describe.each(testDatabases())('upgrade campaigns on $name', testDatabase => {
  let controlPlane: ScratchControlPlane;
  let knex: Knex;
  let clients: ProtonClientFactory;

  /** A backend process's campaign service; processes share the database, not their caches. */
  const notifications = {
    send: jest.fn(async (_options: NotificationSendOptions) => {}),
  };
  beforeEach(() => notifications.send.mockClear());

  function processOn(
    database: Knex,
    permission:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
    now?: () => number,
    factory: ProtonClientFactory = clients,
  ) {
    const config = new ConfigReader({
      backend: { cache: { store: 'memory' } },
    });
    const reads = new ProtonReadCache(
      CacheManager.fromConfig(config).forPlugin(`campaigns-${Math.random()}`),
      30_000,
    );
    return new CampaignService(
      new CampaignStore(database),
      new TemplateFleetService(
        new TemplateUsageService(clients),
        catalogServiceMock({
          entities: [
            entity('alpha'),
            entity('beta'),
            entity('gamma', {
              'aws.amazon.com/aws-proton-pinned': 'waiting for the load test',
            }),
            entity('delta'),
          ],
        }),
        reads,
      ),
      factory,
      reads,
      mockServices.permissions({ result: permission }),
      mockServices.logger.mock(),
      {
        now,
        notifier: createCampaignNotifier(
          notifications,
          mockServices.logger.mock(),
        ),
      },
    );
  }

  /** What the owners were told, as `<recipient entities>: <title>`. */
  const notified = () =>
    notifications.send.mock.calls.map(
      ([{ recipients, payload }]) =>
        `${
          recipients.type === 'entity'
            ? [recipients.entityRef].flat().join(', ')
            : ''
        }: ${payload.title}`,
    );

  async function instance(service: string, name: string) {
    const { serviceInstance } = await controlPlane.client.send(
      new GetServiceInstanceCommand({ serviceName: service, name }),
    );
    return serviceInstance!;
  }

  /** Reports the outcome of every running deployment, as the runner would (FAILED for `failing`). */
  const finishDeployments = (failing: string[] = []) =>
    settleDeployments(controlPlane.client, failing);

  /** Ends running deployments and moves the campaign on until it ends (20 rounds at most); its status. */
  async function runToEnd(
    service: ReturnType<typeof processOn>,
    id: string,
  ): Promise<string> {
    for (let step = 0; step < 20; step += 1) {
      await finishDeployments();
      await service.advance();
      const { status } = await service.get(TEMPLATE_ARN, id);
      if (status !== 'RUNNING') return status;
    }
    return (await service.get(TEMPLATE_ARN, id)).status;
  }

  function deploying(campaign: Campaign) {
    return campaign.targets
      .filter(t => t.status === 'DEPLOYING')
      .map(t => campaignTargetLabel(t))
      .sort();
  }

  async function reset() {
    // every instance back on 1.0, settled; no campaign
    await knex('campaign_targets').delete();
    await knex('campaigns').delete();
    for (const [service, instances] of Object.entries(SERVICES)) {
      for (const name of instances) {
        const found = await instance(service, name);
        if (found.templateMinorVersion !== '0') {
          await controlPlane.client.send(
            new UpdateServiceInstanceCommand({
              serviceName: service,
              name,
              deploymentType: 'MINOR_VERSION',
              templateMajorVersion: '1',
              templateMinorVersion: '0',
            }),
          );
        }
      }
    }
    await finishDeployments();
  }

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane();
    const { client } = controlPlane;
    await seedWebTemplate(controlPlane, ['dev', 'staging', 'prod']);
    await seedProtonResources(client, {
      services: Object.entries(SERVICES).map(([name, instances]) => ({
        name,
        templateName: 'web',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        spec: serviceSpec(...instances),
      })),
    });
    await finishDeployments();
    await client.send(
      new TagResourceCommand({
        resourceArn: `${PREFIX}:service/delta/service-instance/prod`,
        tags: [{ key: 'proton:pinned', value: 'end-of-year freeze' }],
      }),
    );
    clients = scratchClients(controlPlane);
    knex = testDatabase.connect();
    await migrateCampaignStore(knex);
    await migrateCampaignStore(knex); // a second start changes nothing
  });

  afterAll(async () => {
    await testDatabase.close();
    await controlPlane?.stop();
  });

  beforeEach(reset);

  it('plans the targets, leaving pinned, unlinked and forbidden ones alone with the reason', async () => {
    const plan = await processOn(knex).start(
      TEMPLATE,
      { dryRun: true },
      mockCredentials.user(),
    );
    expect(plan).toMatchObject({
      id: '',
      targetVersion: '1.1',
      waves: [['dev'], ['staging'], ['prod']],
      status: 'RUNNING',
    });
    const byName = Object.fromEntries(
      plan.targets.map(t => [
        campaignTargetLabel(t),
        [t.wave, t.status, t.statusMessage],
      ]),
    );
    expect(byName).toEqual({
      'alpha/dev': [0, 'PENDING', undefined],
      'beta/dev': [0, 'PENDING', undefined],
      'gamma/dev': [0, 'SKIPPED', 'pinned: waiting for the load test'],
      'omega/dev': [
        0,
        'SKIPPED',
        'its service omega has no entity in the catalog to check permissions on',
      ],
      'alpha/staging': [1, 'PENDING', undefined],
      'alpha/prod': [2, 'PENDING', undefined],
      'beta/prod': [2, 'PENDING', undefined],
      'delta/prod': [2, 'PENDING', undefined],
    });
    // nothing stored, nothing deployed
    const [{ n }] = await knex('campaigns').count({ n: '*' });
    expect(Number(n)).toBe(0);

    const forbidden = await processOn(knex, AuthorizeResult.DENY).start(
      TEMPLATE,
      { dryRun: true },
      mockCredentials.user(),
    );
    expect(
      forbidden.targets.find(t => t.serviceName === 'alpha')?.statusMessage,
    ).toBe(
      'you may not upgrade the instances of component:default/alpha (aws-proton.service-instance.update)',
    );
    expect(forbidden.status).toBe('SUCCEEDED');
  });

  it('upgrades wave by wave, at most maxConcurrent at once, and skips an instance tagged proton:pinned', async () => {
    const service = processOn(knex);
    const { id } = await service.start(
      TEMPLATE,
      { maxConcurrent: 1, waves: [['dev', 'staging'], ['prod']] },
      mockCredentials.user(),
    );
    const seen: string[][] = [];
    for (let step = 0; step < 20; step += 1) {
      await service.advance();
      const campaign = await service.get(TEMPLATE_ARN, id);
      if (campaign.status === 'SUCCEEDED') break;
      seen.push(deploying(campaign));
      await finishDeployments();
    }
    // one at a time; dev and staging (wave 0) before prod (wave 1)
    expect(seen.filter(step => step.length > 0)).toEqual([
      ['alpha/dev'],
      ['alpha/staging'],
      ['beta/dev'],
      ['alpha/prod'],
      ['beta/prod'],
    ]);
    const done = await service.get(TEMPLATE_ARN, id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.statusMessage).toBe('Upgraded 5 service instances to 1.1');
    expect(done.targets.find(t => t.serviceName === 'delta')).toMatchObject({
      status: 'SKIPPED',
      statusMessage: 'pinned: end-of-year freeze',
    });
    expect((await instance('alpha', 'prod')).templateMinorVersion).toBe('1');
    expect((await instance('delta', 'prod')).templateMinorVersion).toBe('0');
    // the owners heard of each upgrade, and those of pinned instances that 1.1 is available
    expect(notified().sort()).toEqual([
      'component:default/alpha: alpha/dev was upgraded to web 1.1',
      'component:default/alpha: alpha/prod was upgraded to web 1.1',
      'component:default/alpha: alpha/staging was upgraded to web 1.1',
      'component:default/beta: beta/dev was upgraded to web 1.1',
      'component:default/beta: beta/prod was upgraded to web 1.1',
      'component:default/delta: web 1.1 is available for delta/prod',
      'component:default/gamma: web 1.1 is available for gamma/dev',
    ]);
    expect(notifications.send).toHaveBeenCalledWith(
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'web 1.1 is available for delta/prod',
          description: expect.stringContaining('(pinned: end-of-year freeze)'),
          link: '/catalog/default/component/delta/proton',
          severity: 'normal',
        }),
      }),
    );
    expect((await instance('gamma', 'dev')).templateMinorVersion).toBe('0');
  });

  it('stops at the first failure: the next wave never starts, running deployments finish', async () => {
    const service = processOn(knex);
    const { id } = await service.start(
      TEMPLATE,
      { maxConcurrent: 5 },
      mockCredentials.user(),
    );
    await service.advance();
    expect(deploying(await service.get(TEMPLATE_ARN, id))).toEqual([
      'alpha/dev',
      'beta/dev',
    ]);
    await finishDeployments(['beta/dev']);
    await service.advance();
    const stopped = await service.get(TEMPLATE_ARN, id);
    expect(stopped.status).toBe('STOPPED');
    expect(stopped.statusMessage).toBe(
      'Stopped at beta/dev: the tasks did not become healthy',
    );
    const status = (name: string) =>
      stopped.targets.find(t => campaignTargetLabel(t) === name)?.status;
    expect(status('alpha/dev')).toBe('SUCCEEDED');
    expect(status('beta/dev')).toBe('FAILED');
    // the failed upgrade names its deployment, whose log the template page opens
    const failed = stopped.targets.find(t => t.status === 'FAILED')!;
    expect(failed.deploymentId).toBe(
      (await instance('beta', 'dev')).lastAttemptedDeploymentId,
    );
    expect(failed.deploymentId).toMatch(/^[0-9a-f-]{36}$/);
    // the owners of beta, and whoever started the campaign, hear where it stopped
    expect(notified()).toContain(
      'component:default/beta, user:default/mock: The upgrade campaign of web stopped at beta/dev',
    );
    expect(notifications.send).toHaveBeenCalledWith(
      expect.objectContaining({
        payload: expect.objectContaining({
          severity: 'high',
          description: expect.stringContaining(
            'failed: the tasks did not become healthy',
          ),
        }),
      }),
    );
    expect(status('alpha/staging')).toBe('NOT_STARTED');
    expect(status('alpha/prod')).toBe('NOT_STARTED');
    expect((await instance('alpha', 'staging')).templateMinorVersion).toBe('0');
  });

  it('pauses, resumes and cancels; a cancelled campaign lets its running deployment finish', async () => {
    const service = processOn(knex);
    const user = mockCredentials.user();
    const { id } = await service.start(TEMPLATE, { maxConcurrent: 1 }, user);
    await service.advance();
    expect(deploying(await service.get(TEMPLATE_ARN, id))).toEqual([
      'alpha/dev',
    ]);
    await service.act(TEMPLATE_ARN, id, 'pause', user);
    await finishDeployments();
    await service.advance();
    const paused = await service.get(TEMPLATE_ARN, id);
    expect(paused.status).toBe('PAUSED');
    expect(deploying(paused)).toEqual([]); // nothing new starts while paused
    await expect(service.act(TEMPLATE_ARN, id, 'pause', user)).rejects.toThrow(
      `Campaign ${id} is PAUSED; it cannot be paused now`,
    );

    await service.act(TEMPLATE_ARN, id, 'resume', user);
    expect(deploying(await service.get(TEMPLATE_ARN, id))).toEqual([
      'beta/dev',
    ]);
    const cancelling = await service.act(TEMPLATE_ARN, id, 'cancel', user);
    expect(cancelling.status).toBe('CANCELLING');
    await finishDeployments();
    await service.advance();
    const cancelled = await service.get(TEMPLATE_ARN, id);
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.statusMessage).toBe('Cancelled by user:default/mock');
    expect(cancelled.targets.filter(t => t.status === 'SUCCEEDED').length).toBe(
      2,
    );
    // every instance is on its old version or fully upgraded
    for (const target of cancelled.targets) {
      const found = await instance(target.serviceName!, target.name);
      expect(found.deploymentStatus).toBe('SUCCEEDED');
      expect(found.templateMinorVersion).toBe(
        target.status === 'SUCCEEDED' ? '1' : '0',
      );
    }
  });

  it('carries on after a restart, and two processes on one database start each deployment once', async () => {
    const first = processOn(knex);
    const { id, createdAt } = await first.start(
      TEMPLATE,
      { maxConcurrent: 2 },
      mockCredentials.user(),
    );
    await first.advance();
    // the first process stops; two new ones take over, at once, from the database
    const [second, third] = [
      processOn(testDatabase.connect()),
      processOn(testDatabase.connect()),
    ];
    for (let step = 0; step < 20; step += 1) {
      await finishDeployments();
      await Promise.all([second.advance(), third.advance()]);
      if ((await second.get(TEMPLATE_ARN, id)).status === 'SUCCEEDED') break;
    }
    expect((await second.get(TEMPLATE_ARN, id)).status).toBe('SUCCEEDED');
    // each upgraded instance was deployed once by the campaign: one deployment before, one after
    for (const name of ['alpha/dev', 'alpha/prod', 'beta/prod']) {
      const [serviceName, instanceName] = name.split('/');
      const { deployments } = await controlPlane.client.send(
        new ListDeploymentsCommand({
          serviceName,
          serviceInstanceName: instanceName,
        }),
      );
      const sinceStart = deployments!.filter(
        d => d.createdAt!.getTime() >= Date.parse(createdAt),
      );
      expect(sinceStart).toHaveLength(1);
    }
  });

  it('gives back a claim whose backend stopped before asking Proton, once its lease ran out', async () => {
    const clock = { now: Date.now() };
    const service = processOn(knex, AuthorizeResult.ALLOW, () => clock.now);
    const { id, createdAt } = await service.start(
      TEMPLATE,
      { maxConcurrent: 1 },
      mockCredentials.user(),
    );
    // a backend claims alpha/dev, then stops before its UpdateServiceInstance
    const alphaDev = `${PREFIX}:service/alpha/service-instance/dev`;
    expect(
      await new CampaignStore(knex).claim(
        id,
        alphaDev,
        clock.now + 60_000,
        clock.now,
      ),
    ).toBe(true);
    await service.advance();
    const held = await service.get(TEMPLATE_ARN, id);
    expect(held.targets.find(t => t.arn === alphaDev)?.status).toBe('STARTING');
    expect(deploying(held)).toEqual([]); // the claim fills the one slot
    expect((await instance('alpha', 'dev')).deploymentStatus).toBe('SUCCEEDED');

    clock.now += 61_000;
    await service.advance();
    expect(deploying(await service.get(TEMPLATE_ARN, id))).toEqual([
      'alpha/dev',
    ]);
    expect(await runToEnd(service, id)).toBe('SUCCEEDED');
    const { deployments } = await controlPlane.client.send(
      new ListDeploymentsCommand({
        serviceName: 'alpha',
        serviceInstanceName: 'dev',
      }),
    );
    expect(
      deployments!.filter(d => d.createdAt!.getTime() >= Date.parse(createdAt)),
    ).toHaveLength(1);
  });

  it('takes over the deployment of a backend whose claim lapsed while its update was on the way', async () => {
    const clock = { now: Date.now() };
    const alphaDev = `${PREFIX}:service/alpha/service-instance/dev`;
    // this backend's UpdateServiceInstance of alpha/dev comes just after the slow backend's reached Proton
    const factory = scratchClients(controlPlane);
    (await factory.getClient()).middlewareStack.add(
      (next, context) => async args => {
        const input = args.input as { serviceName?: string; name?: string };
        if (
          context.commandName === 'UpdateServiceInstanceCommand' &&
          input.serviceName === 'alpha' &&
          input.name === 'dev' &&
          (await instance('alpha', 'dev')).deploymentStatus !== 'IN_PROGRESS'
        ) {
          await controlPlane.client.send(
            new UpdateServiceInstanceCommand({
              serviceName: 'alpha',
              name: 'dev',
              deploymentType: 'MINOR_VERSION',
              templateMajorVersion: '1',
              templateMinorVersion: '1',
            }),
          );
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const service = processOn(
      knex,
      AuthorizeResult.ALLOW,
      () => clock.now,
      factory,
    );
    const { id } = await service.start(
      TEMPLATE,
      { maxConcurrent: 1 },
      mockCredentials.user(),
    );
    // the slow backend claims alpha/dev; its lease runs out before its update reaches Proton
    await new CampaignStore(knex).claim(
      id,
      alphaDev,
      clock.now + 60_000,
      clock.now,
    );
    clock.now += 61_000;
    // this backend gives the claim back, claims it again, and Proton refuses its own update
    await service.advance();
    const taken = await service.get(TEMPLATE_ARN, id);
    expect(taken.status).toBe('RUNNING');
    expect(taken.targets.find(t => t.arn === alphaDev)).toMatchObject({
      status: 'DEPLOYING',
      deploymentId: (await instance('alpha', 'dev')).lastAttemptedDeploymentId,
    });
    expect(await runToEnd(service, id)).toBe('SUCCEEDED');
  });

  it('does not ask Proton for an update once its claim lapsed while it read the tags', async () => {
    const clock = { now: Date.now() };
    const factory = scratchClients(controlPlane);
    let slow = true;
    // the first tag read takes longer than the lease
    (await factory.getClient()).middlewareStack.add(
      (next, context) => async args => {
        if (context.commandName === 'ListTagsForResourceCommand' && slow) {
          slow = false;
          clock.now += 61_000;
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const service = processOn(
      knex,
      AuthorizeResult.ALLOW,
      () => clock.now,
      factory,
    );
    const { id } = await service.start(
      TEMPLATE,
      { maxConcurrent: 1 },
      mockCredentials.user(),
    );
    await service.advance();
    const held = await service.get(TEMPLATE_ARN, id);
    const claimed = held.targets.find(t => t.status === 'STARTING')!;
    expect(deploying(held)).toEqual([]);
    expect(
      (await instance(claimed.serviceName!, claimed.name)).deploymentStatus,
    ).toBe('SUCCEEDED');
    expect(await runToEnd(service, id)).toBe('SUCCEEDED');
  });

  it('refuses a second campaign while one runs, and a version the template has not published', async () => {
    const service = processOn(knex);
    const { id } = await service.start(TEMPLATE, {}, mockCredentials.user());
    await expect(
      service.start(TEMPLATE, {}, mockCredentials.user()),
    ).rejects.toThrow(
      `Campaign ${id} of web is RUNNING; let it end or cancel it first`,
    );
    await expect(
      service.start(
        TEMPLATE,
        { targetVersion: '1.7', dryRun: true },
        mockCredentials.user(),
      ),
    ).rejects.toThrow('The service template web has no published version 1.7');
    await expect(
      service.start(
        TEMPLATE,
        { waves: [['dev'], ['dev']], dryRun: true },
        mockCredentials.user(),
      ),
    ).rejects.toThrow('The waves name the environment dev twice');
    await expect(
      service.start(
        TEMPLATE,
        { maxConcurrent: 0, dryRun: true },
        mockCredentials.user(),
      ),
    ).rejects.toThrow('maxConcurrent must be a whole number from 1 to 50');
  });
});
