import path from 'node:path';

/**
 * A secret found in a bundle file.
 *
 * @public
 */
export interface SecretFinding {
  /** `<file>` or `<file>:<line>`. */
  path: string;
  message: string;
}

interface SecretPattern {
  what: string;
  pattern: RegExp;
}

/**
 * Patterns of credentials that must never ship in a bundle. Each is specific enough to have few false
 * positives (fixed prefixes and lengths); generic "high entropy string" detection is not attempted.
 */
const SECRET_PATTERNS: SecretPattern[] = [
  {
    what: 'an AWS access key id',
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/,
  },
  {
    what: 'an AWS secret access key',
    pattern:
      /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/i,
  },
  {
    what: 'a private key',
    pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----/,
  },
  { what: 'a Pulumi access token', pattern: /\bpul-[0-9a-f]{40}\b/ },
  {
    // A literal value (not `$(...)`, `${...}` or empty) given to a variable that holds a credential.
    what: 'a credential assigned in clear',
    pattern:
      /(?<![\w${])(PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)\s*[:=]\s*["']?[^\s"'$]/,
  },
  { what: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { what: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
];

/** `.env`, `.env.production`...; `.env.example`-like templates are allowed. */
function isDotEnvFile(file: string): boolean {
  const name = path.posix.basename(file);
  return (
    /^\.env(\..+)?$/.test(name) &&
    !/\.(example|sample|template|dist)$/.test(name)
  );
}

/** Files holding key material by their name alone. */
function isKeyFile(file: string): boolean {
  const name = path.posix.basename(file);
  return (
    /^id_(rsa|dsa|ecdsa|ed25519)$/.test(name) ||
    /\.(pem|p12|pfx|key)$/.test(name)
  );
}

/** A NUL byte in the first 8 KB: binary content, which is not scanned line by line. */
function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8192).includes(0);
}

/**
 * Looks for secrets in one bundle file: `.env` files and key files by name, then AWS access keys
 * (`AKIA...`), AWS secret keys next to their usual names, PEM private keys, Pulumi access tokens
 * (`pul-...`), GitHub and Slack tokens, and credential variables (`PULUMI_ACCESS_TOKEN`,
 * `PULUMI_CONFIG_PASSPHRASE`, `AWS_SECRET_ACCESS_KEY`...) assigned a literal value, by content.
 * Returns one finding per file and kind, at the first line where it occurs, and at most one per line.
 * The matched text is never repeated in a finding.
 *
 * @public
 */
export function findSecrets(file: string, content: Buffer): SecretFinding[] {
  const findings: SecretFinding[] = [];
  if (isDotEnvFile(file)) {
    findings.push({
      path: file,
      message:
        'a .env file must not be in a bundle: pass values as template inputs or read them from a secret store',
    });
  } else if (isKeyFile(file)) {
    findings.push({
      path: file,
      message: 'a key or certificate file must not be in a bundle',
    });
  }
  if (isBinary(content)) return findings;
  const lines = content.toString('utf8').split('\n');
  const reportedLines = new Set<number>();
  for (const { what, pattern } of SECRET_PATTERNS) {
    // The first line of each kind, and one finding per line (a token assigned in clear is one).
    const line = lines.findIndex(
      (text, index) => !reportedLines.has(index) && pattern.test(text),
    );
    if (line >= 0) {
      reportedLines.add(line);
      findings.push({
        path: `${file}:${line + 1}`,
        message: `looks like ${what}: remove it and rotate it if it is real`,
      });
    }
  }
  return findings;
}
