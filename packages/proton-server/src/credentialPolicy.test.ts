import { ConfigReader } from '@backstage/config';
import {
  assertAcceptableCredentials,
  isDevelopmentEnvironment,
} from './credentialPolicy';
import { readProtonServerConfig } from './protonServerConfig';

const STRONG = {
  accessKeyId: 'AKIAPROTONPRODUCTION',
  secretAccessKey: 'q3V8xkY0m2Zt7Rb1Lw9sNc4Hf6Jd5Gp8',
};

function readIn(nodeEnv: string | undefined, credentials?: unknown) {
  const previous = process.env.NODE_ENV;
  if (nodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = nodeEnv;
  try {
    return readProtonServerConfig(
      new ConfigReader({
        protonServer: {
          bundlesDirectory: '/bundles',
          ...(credentials === undefined ? {} : { credentials }),
        },
      }),
    );
  } finally {
    process.env.NODE_ENV = previous;
  }
}

describe('the credentials a control plane accepts', () => {
  it('counts only NODE_ENV development and test as development', () => {
    expect(isDevelopmentEnvironment({ NODE_ENV: 'development' })).toBe(true);
    expect(isDevelopmentEnvironment({ NODE_ENV: 'test' })).toBe(true);
    expect(isDevelopmentEnvironment({ NODE_ENV: 'production' })).toBe(false);
    expect(isDevelopmentEnvironment({})).toBe(false);
  });

  it('refuses to start without credentials, naming the key to set', () => {
    for (const credentials of [undefined, []]) {
      expect(() => readIn('production', credentials)).toThrow(
        /^protonServer\.credentials is not set: the control plane would accept no request\. Set protonServer\.credentials .*PROTON_SERVER_ACCESS_KEY_ID and PROTON_SERVER_SECRET_ACCESS_KEY/,
      );
    }
    // as a production config leaves it when the environment variables are not set
    expect(() => readIn('production', [{}])).toThrow(
      /^protonServer\.credentials\[0\] has no accessKeyId\./,
    );
    expect(() =>
      readIn('production', [{ accessKeyId: STRONG.accessKeyId }]),
    ).toThrow(/^protonServer\.credentials\[0\] has no secretAccessKey\./);
  });

  it('refuses the development key pair outside development, and accepts it in development', () => {
    const development = [
      { accessKeyId: 'proton-dev', secretAccessKey: 'proton-dev-secret' },
    ];
    for (const nodeEnv of ['production', undefined, 'staging']) {
      expect(() => readIn(nodeEnv, development)).toThrow(
        'protonServer.credentials[0] is a development key pair (access key id proton-dev), which is ' +
          'published with this project: it is accepted only when NODE_ENV is development or test.',
      );
    }
    expect(readIn('development', development).credentials).toEqual(development);
    // also behind a key pair of one's own
    expect(() => readIn('production', [STRONG, development[0]])).toThrow(
      /^protonServer\.credentials\[1\] is a development key pair/,
    );
  });

  it('refuses short secrets outside development', () => {
    expect(() =>
      readIn('production', [
        { accessKeyId: 'AKIDSHORT', secretAccessKey: 'secret' },
      ]),
    ).toThrow(
      /^protonServer\.credentials\[0\] has a secretAccessKey of 6 characters; outside development it must have at least 20/,
    );
    expect(readIn('production', [STRONG]).credentials).toEqual([STRONG]);
  });

  it('reads a secret from a file without its trailing newline', () => {
    expect(
      readIn('production', [
        {
          accessKeyId: STRONG.accessKeyId,
          secretAccessKey: `${STRONG.secretAccessKey}\n`,
        },
      ]).credentials,
    ).toEqual([STRONG]);
  });

  it('reserves the access key ids of deployment credentials', () => {
    expect(() =>
      assertAcceptableCredentials(
        [{ accessKeyId: 'PSDK0123', secretAccessKey: STRONG.secretAccessKey }],
        { list: 'keys', name: () => 'key', remedy: '' },
        true,
      ),
    ).toThrow('key: access key ids starting with PSDK are reserved');
  });
});
