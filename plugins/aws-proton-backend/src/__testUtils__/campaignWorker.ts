/*
 * A backend process's campaign engine, alone, for the test of campaigns run by several processes
 * (`campaignProcesses.test.ts`): it moves every active campaign on, as the scheduled task of a
 * backend does, until none is left. It prints `ready` once it runs, and at the end how many
 * upgrades it asked Proton for (`{"pid":…,"updates":…}`).
 *
 * Environment: CAMPAIGN_SCHEMA (the PostgreSQL schema of the campaign tables), PROTON_ENDPOINT,
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the scratch control plane's).
 */
import { CacheManager } from '@backstage/backend-defaults/cache';
import type {
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ConfigReader } from '@backstage/config';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import knexFactory from 'knex';
import { CampaignService } from '../campaigns/CampaignService';
import { CampaignStore } from '../campaigns/campaignStore';
import { ProtonReadCache } from '../services/ProtonReadCache';
import { TemplateFleetService } from '../services/TemplateFleetService';
import { TemplateUsageService } from '../services/TemplateUsageService';

async function main() {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const schema = env('CAMPAIGN_SCHEMA');
  const knex = knexFactory({
    client: 'pg',
    connection: 'postgres://postgres@127.0.0.1:5432/test',
    searchPath: [schema],
    pool: { min: 0, max: 4 },
  });
  const clients = ProtonClientFactory.fromConfig(
    new ConfigReader({
      aws: {
        accounts: [
          {
            accountId: '000000000000',
            accessKeyId: env('AWS_ACCESS_KEY_ID'),
            secretAccessKey: env('AWS_SECRET_ACCESS_KEY'),
          },
        ],
      },
      awsProton: {
        regions: ['us-east-1'],
        accountIds: ['000000000000'],
        endpoint: env('PROTON_ENDPOINT'),
      },
    }),
  );
  let updates = 0;
  (await clients.getClient()).middlewareStack.add(
    (next, context) => async args => {
      if (context.commandName === 'UpdateServiceInstanceCommand') updates += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countUpdates' },
  );
  const reads = new ProtonReadCache(
    CacheManager.fromConfig(
      new ConfigReader({ backend: { cache: { store: 'memory' } } }),
    ).forPlugin('aws-proton'),
    30_000,
  );
  const silent: LoggerService = {
    error() {},
    warn() {},
    info() {},
    debug() {},
    child: () => silent,
  };
  // advancing a campaign reads neither the catalog nor permissions: those are checked when it starts
  const unused = new Proxy(
    {},
    {
      get() {
        throw new Error('a campaign worker does not plan campaigns');
      },
    },
  );
  const service = new CampaignService(
    new CampaignStore(knex),
    new TemplateFleetService(
      new TemplateUsageService(clients),
      unused as CatalogService,
      reads,
    ),
    clients,
    reads,
    unused as PermissionsService,
    silent,
    { leaseMs: 10_000 },
  );
  process.stdout.write('ready\n');
  for (;;) {
    if ((await service.advance()) === 0) break;
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  await knex.destroy();
  process.stdout.write(`${JSON.stringify({ pid: process.pid, updates })}\n`);
}

main().catch(error => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
