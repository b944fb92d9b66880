import { EchoRunner } from './echoRunner';
import {
  ProtonCaller,
  ProtonCallResult,
  ProtonClientKind,
  settledCaller,
} from './protonClients';
import { startTestServer, TestServer } from './testServer';
import type { ProtonServerOptions } from '../ProtonServer';

/** A control plane with an {@link EchoRunner}, and one kind of client calling it. */
export interface ConformanceServer {
  readonly test: TestServer;
  readonly runner: EchoRunner;
  readonly client: ProtonCaller;
  /** Calls through the client and waits until what the call started has ended. */
  call(
    operation: string,
    input: Record<string, unknown>,
  ): Promise<ProtonCallResult>;
}

/**
 * Starts a control plane (with `start`, {@link startTestServer} by default) and a client of `kind`
 * before the enclosing describe's tests, and stops them after: registers `beforeAll` and `afterAll`,
 * so it is called in a describe block, before the block's own `beforeAll`.
 */
export function useConformanceServer(
  kind: ProtonClientKind,
  start: (
    options: Partial<ProtonServerOptions>,
  ) => Promise<TestServer> = startTestServer,
): ConformanceServer {
  let test: TestServer | undefined;
  let runner: EchoRunner | undefined;
  let client: ProtonCaller | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('the control plane has not started');
    return value;
  };
  beforeAll(async () => {
    runner = new EchoRunner();
    test = await start({ deploymentRunner: runner });
    client = kind.create(test.endpoint);
  });
  afterAll(async () => {
    client?.close();
    await test?.stop();
  });
  return {
    get test() {
      return started(test);
    },
    get runner() {
      return started(runner);
    },
    get client() {
      return started(client);
    },
    call: settledCaller(
      () => started(client),
      () => started(test).server,
      () => started(runner),
    ),
  };
}
