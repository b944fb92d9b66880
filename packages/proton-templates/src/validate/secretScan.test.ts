import { findSecrets } from './secretScan';

// Built from pieces so that this file does not itself look like it holds secrets.
const ACCESS_KEY = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
const SECRET_KEY = ['wJalrXUtnFEMI', '/K7MDENG/bPxRfiCY', 'EXAMPLEKEY'].join(
  '',
);
const PULUMI_TOKEN = `pul-${'0123456789abcdef'.repeat(2)}01234567`;
const PRIVATE_KEY = ['-----BEGIN', 'RSA PRIVATE KEY-----'].join(' ');

function scan(file: string, text: string) {
  return findSecrets(file, Buffer.from(text));
}

describe('findSecrets', () => {
  it('finds AWS access keys with their line', () => {
    expect(
      scan(
        'infrastructure/index.ts',
        `const a = 1;\nconst key = "${ACCESS_KEY}";\n`,
      ),
    ).toEqual([
      {
        path: 'infrastructure/index.ts:2',
        message:
          'looks like an AWS access key id: remove it and rotate it if it is real',
      },
    ]);
  });

  it('finds AWS secret keys next to their usual names, private keys and Pulumi tokens', () => {
    const found = scan(
      'infrastructure/credentials',
      `aws_secret_access_key = ${SECRET_KEY}\n${PRIVATE_KEY}\nMIIE...\nPULUMI_ACCESS_TOKEN=${PULUMI_TOKEN}\n`,
    );
    expect(found.map(f => f.path)).toEqual([
      'infrastructure/credentials:1',
      'infrastructure/credentials:2',
      'infrastructure/credentials:4',
    ]);
    expect(found.map(f => f.message).join(' ')).not.toContain(SECRET_KEY);
  });

  it('finds credentials assigned in clear, but not from a command or a variable', () => {
    expect(
      scan('pulumi-backend.env', 'PULUMI_CONFIG_PASSPHRASE=hunter2\n'),
    ).toEqual([
      {
        path: 'pulumi-backend.env:1',
        message:
          'looks like a credential assigned in clear: remove it and rotate it if it is real',
      },
    ]);
    expect(
      scan(
        'provision.sh',
        'PULUMI_ACCESS_TOKEN=$(aws secretsmanager get-secret-value)\nPULUMI_CONFIG_PASSPHRASE=\nexport PULUMI_ACCESS_TOKEN="${TOKEN}"\n[[ -z "${PULUMI_ACCESS_TOKEN:-}" ]]\n',
      ),
    ).toEqual([]);
  });

  it('refuses .env and key files by name, but not .env.example', () => {
    expect(scan('infrastructure/.env', 'A=1')).toHaveLength(1);
    expect(scan('.env.production', 'A=1')).toHaveLength(1);
    expect(scan('infrastructure/.env.example', 'A=')).toEqual([]);
    expect(scan('certs/server.pem', 'nothing')).toHaveLength(1);
  });

  it('accepts ordinary code and skips binary content', () => {
    expect(
      scan('index.ts', 'const region = "us-east-1"; // AKIA is a prefix\n'),
    ).toEqual([]);
    const binary = Buffer.concat([
      Buffer.from([0, 1, 2]),
      Buffer.from(ACCESS_KEY),
    ]);
    expect(findSecrets('image.png', binary)).toEqual([]);
  });
});
