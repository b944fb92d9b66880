/*
 * An upgrade campaign over 1,000 service instances (200 services in 5 environments, so 5 waves of
 * 200), 10 deployments at once, each deployment taking 1 s (a deployer reports it SUCCEEDED 1 s
 * after it started, as a runner would): the Proton calls the campaign makes per instance (target
 * at most 3) and its wall time against the ideal one, every wave in rounds of 10 deployments of 1 s
 * (target at most 1.5 times).
 *
 *   yarn workspace @proton-platform/plugin-aws-proton-backend bench campaign
 *
 * It drives the plugin's CampaignService in-process on an in-memory SQLite database, moving the
 * campaign on every 200 ms (the scheduled task moves it on every second); the deployer's own calls
 * are not counted.
 */
import {
  NotifyResourceDeploymentStatusChangeCommand,
  paginateListServiceInstances,
} from '@aws-sdk/client-proton';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { parseProtonArn } from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import {
  countProtonCalls,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import knexFactory from 'knex';
import { CampaignService } from '../src/campaigns/CampaignService';
import {
  CampaignStore,
  migrateCampaignStore,
} from '../src/campaigns/campaignStore';
import { ProtonReadCache } from '../src/services/ProtonReadCache';
import { TemplateFleetService } from '../src/services/TemplateFleetService';
import { TemplateUsageService } from '../src/services/TemplateUsageService';
import { BENCH_ARN_PREFIX, benchConfig, seedBenchFleet } from './benchFleet';

const SERVICES = 200;
const ENVIRONMENTS = 5;
const MAX_CONCURRENT = 10;
const DEPLOYMENT_MS = 1_000;
const ROUND_MS = 200;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export async function campaignBench() {
  const scratch = await startScratchControlPlane();
  const { client: admin } = scratch;
  const entities = await seedBenchFleet(scratch, {
    services: SERVICES,
    environments: ENVIRONMENTS,
    minorOf: () => '0',
  });

  // the deployer: ends each deployment DEPLOYMENT_MS after it first saw it in progress
  const firstSeen = new Map<string, number>();
  let deploying = true;
  const deployer = (async () => {
    while (deploying) {
      for await (const page of paginateListServiceInstances(
        { client: admin },
        { filters: [{ key: 'deploymentStatus', value: 'IN_PROGRESS' }] },
      )) {
        for (const instance of page.serviceInstances ?? []) {
          const seen = firstSeen.get(instance.arn!) ?? Date.now();
          firstSeen.set(instance.arn!, seen);
          if (Date.now() - seen >= DEPLOYMENT_MS) {
            firstSeen.delete(instance.arn!);
            await admin.send(
              new NotifyResourceDeploymentStatusChangeCommand({
                resourceArn: instance.arn!,
                status: 'SUCCEEDED',
              }),
            );
          }
        }
      }
      await sleep(20);
    }
  })();
  const config = benchConfig(scratch);
  const clients = ProtonClientFactory.fromConfig(config);
  const client = await clients.getClient();
  const calls = countProtonCalls(client);
  const reads = new ProtonReadCache(
    CacheManager.fromConfig(config).forPlugin('campaign-bench'),
    30_000,
  );
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  await migrateCampaignStore(knex);
  const campaigns = new CampaignService(
    new CampaignStore(knex),
    new TemplateFleetService(
      new TemplateUsageService(clients),
      catalogServiceMock({ entities }),
      reads,
    ),
    clients,
    reads,
    mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    mockServices.rootLogger({ level: 'error' }),
  );
  const templateArn = parseProtonArn(
    `${BENCH_ARN_PREFIX}:service-template/svc`,
  );

  calls.clear();
  const started = Date.now();
  const campaign = await campaigns.start(
    templateArn,
    { maxConcurrent: MAX_CONCURRENT },
    mockCredentials.user(),
  );
  let rounds = 0;
  let current = campaign;
  while (current.status === 'RUNNING') {
    await campaigns.advance();
    rounds += 1;
    current = await campaigns.get(campaign.templateArn, campaign.id);
    if (current.status === 'RUNNING') await sleep(ROUND_MS);
  }
  const wallMs = Date.now() - started;
  deploying = false;
  await deployer;

  const instances = campaign.targets.length;
  const upgraded = current.targets.filter(t => t.status === 'SUCCEEDED').length;
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  const byOperation = [...calls.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([operation, count]) => `${operation} ${count}`)
    .join(', ');
  const idealMs = current.waves.reduce(
    (sum, _wave, index) =>
      sum +
      Math.ceil(
        current.targets.filter(t => t.wave === index).length / MAX_CONCURRENT,
      ) *
        DEPLOYMENT_MS,
    0,
  );
  console.log(
    `campaign                            ${instances} instances in ${current.waves.length} waves, ${MAX_CONCURRENT} at once, deployments of ${DEPLOYMENT_MS} ms, a round every ${ROUND_MS} ms`,
  );
  console.log(
    `outcome                             ${current.status}: ${upgraded} upgraded in ${rounds} rounds`,
  );
  console.log(
    `Proton calls                        ${total} (${byOperation}); ${(
      total / instances
    ).toFixed(2)} per instance (target: at most 3)`,
  );
  console.log(
    `wall time                           ${(wallMs / 1000).toFixed(
      1,
    )} s against an ideal ${(idealMs / 1000).toFixed(1)} s: ${(
      wallMs / idealMs
    ).toFixed(2)}x (target: at most 1.5x)`,
  );

  await knex.destroy();
  client.destroy();
  await scratch.stop();
}
