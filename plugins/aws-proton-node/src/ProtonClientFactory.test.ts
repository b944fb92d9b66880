import { GetServiceCommand, ProtonClient } from '@aws-sdk/client-proton';
import { ConfigReader } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import { mockClient } from 'aws-sdk-client-mock';
import { ProtonClientFactory } from './ProtonClientFactory';

const config = (awsProton: object) =>
  new ConfigReader({
    aws: {
      accounts: [
        {
          accountId: '000000000000',
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'secret',
        },
      ],
    },
    awsProton,
  });

describe('ProtonClientFactory', () => {
  const factory = ProtonClientFactory.fromConfig(
    config({
      regions: ['us-east-1', 'eu-west-1'],
      accountIds: ['000000000000'],
      endpoint: 'http://127.0.0.1:1',
    }),
  );

  it('defaults to the first configured account and region', () => {
    expect(factory.resolveTarget()).toEqual({
      accountId: '000000000000',
      region: 'us-east-1',
    });
  });

  it('refuses accounts and regions that are not configured', async () => {
    await expect(
      factory.getClient({ accountId: '111111111111' }),
    ).rejects.toThrow(
      new NotAllowedError(
        'AWS account 111111111111 is not one of the accounts this Backstage may call (awsProton.accountIds)',
      ),
    );
    await expect(
      factory.getClientForArn(
        'arn:aws:proton:ap-south-1:000000000000:service/checkout',
      ),
    ).rejects.toThrow(/region ap-south-1 is not one of the regions/);
  });

  it('gives one cached client per account and region, pointed at the endpoint', async () => {
    const a = await factory.getClient({ region: 'eu-west-1' });
    const b = await factory.getClientForArn(
      'arn:aws:proton:eu-west-1:000000000000:service/checkout',
    );
    expect(b.client).toBe(a);
    expect(await a.config.region()).toBe('eu-west-1');
    const endpoint = await a.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
  });

  it('signs with the configured account credentials', async () => {
    const client = await factory.getClient();
    const mock = mockClient(client);
    mock.on(GetServiceCommand).resolves({});
    await client.send(new GetServiceCommand({ name: 'checkout' }));
    const credentials = await (client as ProtonClient).config.credentials();
    expect(credentials.accessKeyId).toBe('AKIDEXAMPLE');
    mock.restore();
  });

  it('names the config key when the configuration is incomplete', () => {
    expect(() =>
      ProtonClientFactory.fromConfig(
        config({ regions: [], accountIds: ['000000000000'] }),
      ),
    ).toThrow('awsProton.regions must name at least one AWS region');
    expect(() =>
      ProtonClientFactory.fromConfig(
        config({ regions: ['us-east-1'], accountIds: ['12345'] }),
      ),
    ).toThrow('awsProton.accountIds: "12345" is not a 12-digit AWS account id');
  });
});
