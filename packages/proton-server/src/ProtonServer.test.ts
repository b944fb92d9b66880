import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  CreateServiceTemplateCommand,
  ProtonClient,
} from '@aws-sdk/client-proton';
import { ConfigReader } from '@backstage/config';
import { ProtonServer } from './ProtonServer';

describe('ProtonServer', () => {
  let work: string;
  beforeEach(async () => {
    work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'proton-server-'));
  });
  afterEach(async () => {
    await fs.promises.rm(work, { recursive: true, force: true });
  });

  it('starts from configuration, returns the bound port and stops', async () => {
    const server = ProtonServer.fromConfig(
      new ConfigReader({
        protonServer: {
          region: 'ap-southeast-2',
          accountId: '210987654321',
          bundlesDirectory: path.join(work, 'bundles'),
          credentials: [
            { accessKeyId: 'AKIDONE', secretAccessKey: 'one' },
            { accessKeyId: 'AKIDTWO', secretAccessKey: 'two' },
          ],
          database: { client: 'sqlite', directory: path.join(work, 'data') },
        },
      }),
      { logger: { info: () => {}, warn: () => {}, error: () => {} } },
    );
    const port = await server.start();
    expect(port).toBeGreaterThan(0);
    expect(server.endpoint).toBe(`http://127.0.0.1:${port}`);
    const client = new ProtonClient({
      region: 'ap-southeast-2',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'AKIDTWO', secretAccessKey: 'two' },
    });
    const created = await client.send(
      new CreateServiceTemplateCommand({ name: 'configured' }),
    );
    expect(created.serviceTemplate?.arn).toBe(
      'arn:aws:proton:ap-southeast-2:210987654321:service-template/configured',
    );
    client.destroy();
    await server.stop();
    expect(fs.existsSync(path.join(work, 'data', 'proton-server.sqlite'))).toBe(
      true,
    );
    expect(() => server.port).toThrow('has not been started');
    // The port is free again.
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer().once('error', reject);
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
    });
  });

  it('fails to start when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>(resolve =>
      blocker.listen(0, '127.0.0.1', () => resolve()),
    );
    const port = (blocker.address() as net.AddressInfo).port;
    const server = new ProtonServer({
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      bundlesDirectory: work,
      port,
    });
    await expect(server.start()).rejects.toThrow(/EADDRINUSE/);
    expect(() => server.port).toThrow('has not been started');
    await new Promise(resolve => blocker.close(resolve));
  });

  it('adds the test-only response delay to every call', async () => {
    const server = new ProtonServer({
      credentials: { accessKeyId: 'AKIDDELAY', secretAccessKey: 'delay' },
      bundlesDirectory: work,
      responseDelayMs: 60,
    });
    await server.start();
    const client = new ProtonClient({
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'AKIDDELAY', secretAccessKey: 'delay' },
    });
    try {
      const started = Date.now();
      await client.send(new CreateServiceTemplateCommand({ name: 'slow' }));
      // A lower bound only: the delay is added, whatever the machine's speed.
      expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    } finally {
      client.destroy();
      await server.stop();
    }
  });
});
