import { ProtonClient } from '@aws-sdk/client-proton';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import { MAX_DEPLOYMENT_LOG_BYTES, readDeploymentLog } from './deploymentLogs';

/**
 * The log reader against the control plane's signed log route (what it signs is checked by the
 * real server), and against a plain HTTP server on 127.0.0.1 for answers the control plane never
 * gives (a log over the limit, a 502).
 */
// against a real control plane: more than jest's 5 s per test on a loaded 2-core machine
jest.setTimeout(60_000);

describe('readDeploymentLog', () => {
  let controlPlane: ScratchControlPlane;

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane();
  });

  afterAll(async () => {
    await controlPlane?.stop();
  });

  it('says where to look when Backstage talks to AWS Proton itself, which keeps no logs', async () => {
    await expect(
      readDeploymentLog(controlPlane.client, undefined, 'id', 1_000),
    ).rejects.toThrow(
      'AWS Proton keeps no deployment logs: read them in the CodeBuild project or CloudFormation stack of the deployment',
    );
  });

  it('signs the request so that the control plane accepts it, and reports a missing log as not found', async () => {
    // the signature is accepted: the answer is about the deployment, not the credentials
    const error = await readDeploymentLog(
      controlPlane.client,
      controlPlane.server.endpoint,
      'no-such-deployment',
      5_000,
    ).catch(e => e);
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe(
      'The control plane has no log of deployment no-such-deployment (The deployment no-such-deployment has no log)',
    );
  });

  it('names the control plane that refuses the credentials', async () => {
    const stranger = new ProtonClient({
      region: 'us-east-1',
      endpoint: controlPlane.server.endpoint,
      credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'nope' },
    });
    const host = new URL(controlPlane.server.endpoint).host;
    const error = await readDeploymentLog(
      stranger,
      controlPlane.server.endpoint,
      'some-deployment',
      5_000,
    ).catch(e => e);
    stranger.destroy();
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toMatch(
      new RegExp(
        `^The control plane at ${host} refused the log of deployment some-deployment to the credentials Backstage uses \\(`,
      ),
    );
  });

  describe('against another server', () => {
    let server: http.Server;
    let endpoint: string;
    const answers: Array<{ status: number; body: Buffer }> = [];
    const paths: string[] = [];

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        paths.push(req.url ?? '');
        const answer = answers.shift()!;
        res.writeHead(answer.status);
        res.end(answer.body);
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      endpoint = `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }/api/proton-server/`;
    });

    afterAll(async () => {
      await new Promise(resolve => server.close(resolve));
    });

    it('keeps the end of a log over the limit, and reads below a mounted path', async () => {
      const head = Buffer.alloc(10, 'a');
      const tail = Buffer.alloc(MAX_DEPLOYMENT_LOG_BYTES, 'b');
      answers.push({ status: 200, body: Buffer.concat([head, tail]) });
      const log = await readDeploymentLog(
        controlPlane.client,
        endpoint,
        'd-1',
        5_000,
      );
      expect(log.truncated).toBe(true);
      expect(log.text).toBe(tail.toString());
      expect(paths.pop()).toBe('/api/proton-server/deployments/d-1/log');
    });

    it('says a log is truncated when the control plane kept only its end', async () => {
      const kept = `[the first 2048 bytes of this log were left out: the control plane keeps its last 1048576]\nStack update failed\n`;
      answers.push({ status: 200, body: Buffer.from(kept) });
      answers.push({ status: 200, body: Buffer.from('[the first step]\n') });
      const read = () =>
        readDeploymentLog(controlPlane.client, endpoint, 'd-3', 5_000);
      expect(await read()).toEqual({ text: kept, truncated: true });
      // as the control plane keeps a long log: 1 MiB in all, its first line whole
      const line =
        '[the first 5000000 bytes of this log were left out: the control plane keeps its last 1048576]\n';
      const full = line + 'b'.repeat(MAX_DEPLOYMENT_LOG_BYTES - line.length);
      answers.unshift({ status: 200, body: Buffer.from(full) });
      expect(await read()).toEqual({ text: full, truncated: true });
      // a log that merely starts with a bracket is whole
      expect((await read()).truncated).toBe(false);
    });

    it('reports a failing server as unavailable, with its answer', async () => {
      answers.push({ status: 502, body: Buffer.from('Bad gateway') });
      const error = await readDeploymentLog(
        controlPlane.client,
        endpoint,
        'd-2',
        5_000,
      ).catch(e => e);
      expect(error.name).toBe('ServiceUnavailableError');
      expect(error.message).toBe(
        `The control plane at 127.0.0.1:${
          new URL(endpoint).port
        } did not serve the log of deployment d-2: HTTP 502`,
      );
    });

    it('reports an unreachable server as unavailable', async () => {
      const closed = http.createServer();
      await new Promise<void>(resolve =>
        closed.listen(0, '127.0.0.1', resolve),
      );
      const port = (closed.address() as AddressInfo).port;
      await new Promise(resolve => closed.close(resolve));
      const error = await readDeploymentLog(
        controlPlane.client,
        `http://127.0.0.1:${port}`,
        'd-3',
        5_000,
      ).catch(e => e);
      expect(error.name).toBe('ServiceUnavailableError');
      expect(error.message).toMatch(
        new RegExp(
          `^The control plane at 127.0.0.1:${port} could not be reached for the log of deployment d-3: .*ECONNREFUSED`,
        ),
      );
    });
  });
});
