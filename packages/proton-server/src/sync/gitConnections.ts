/**
 * The Git providers a linked repository can have (AWS Proton API reference: RepositoryProvider).
 *
 * @public
 */
export type RepositoryProvider = 'GITHUB' | 'GITHUB_ENTERPRISE' | 'BITBUCKET';

/**
 * How the control plane reaches the repositories of one provider account: what AWS Proton did
 * through an AWS CodeStar (CodeConnections) connection. Clients name it by `arn` in
 * `CreateRepository`; secrets come from configuration (an environment variable or a secret file),
 * never from the database, and are never logged.
 *
 * @public
 */
export interface GitConnection {
  /**
   * The connection ARN clients pass as `connectionArn`, for example
   * `arn:aws:codestar-connections:us-east-1:123456789012:connection/0a1b2c3d-...`.
   */
  arn: string;
  /** The provider of every repository linked through this connection. */
  provider: RepositoryProvider;
  /**
   * Where repositories live: `https://github.com`, `https://ghe.example.com`, `https://bitbucket.org`,
   * a self-hosted server such as `https://git.example.com/scm`, or for SSH `ssh://git@github.com`
   * or `git@github.com:`. A repository `owner/repo` is fetched from `<baseUrl>/owner/repo.git`
   * (`<baseUrl>owner/repo.git` when the base ends with `:`).
   */
  baseUrl: string;
  /**
   * Where people browse repositories, for links to a commit (`<webUrl>/owner/repo/commit/<sha>` on
   * GitHub, `.../commits/<sha>` on Bitbucket); absent when the server has no web pages.
   */
  webUrl?: string;
  /** The user name sent with `token` over HTTPS; defaults to `x-access-token`, GitHub's convention. */
  username?: string;
  /** An access token (GitHub token, Bitbucket app password or access token) for HTTPS. */
  token?: string;
  /** A private key file for SSH remotes. */
  sshPrivateKeyFile?: string;
  /** The known_hosts file SSH checks the server's key against (host keys are always checked). */
  sshKnownHostsFile?: string;
  /** The secret push webhooks from this provider account are signed with (HMAC-SHA256). */
  webhookSecret?: string;
}

/**
 * A repository the control plane links at start, and the templates that follow it: what
 * `CreateRepository`, `CreateXTemplate` and `CreateTemplateSyncConfig` would do, declared in
 * configuration. Applying it again changes nothing; a changed branch or folder updates the sync
 * configuration.
 *
 * @public
 */
export interface DeclaredRepository {
  /** The provider, the connection's. */
  provider: RepositoryProvider;
  /** `owner/repo`. */
  name: string;
  /** One of the connections' ARNs. */
  connectionArn: string;
  /** Templates that follow a branch of the repository (template sync). */
  templates?: Array<{
    name: string;
    type: 'ENVIRONMENT' | 'SERVICE';
    branch: string;
    /** The folder holding `<template>/v<major>/`; the repository's root when absent. */
    subdirectory?: string;
    /** Used when the template does not exist yet and is created. */
    displayName?: string;
    /** Used when the template does not exist yet and is created. */
    description?: string;
    /** For a service template created here: `CUSTOMER_MANAGED` when its versions have no pipeline. */
    pipelineProvisioning?: 'CUSTOMER_MANAGED';
    /** For an environment template created here: `CUSTOMER_MANAGED` for existing infrastructure. */
    provisioning?: 'CUSTOMER_MANAGED';
  }>;
}

/**
 * The Git settings of the control plane: connections, and how often linked repositories are polled
 * for new commits when no webhook announces them.
 *
 * @public
 */
export interface GitSyncOptions {
  /** The connections `CreateRepository` may name, by ARN; at most one per ARN. */
  connections: GitConnection[];
  /** Repositories linked at start, with the templates that follow them. */
  repositories?: DeclaredRepository[];
  /** How often every synced branch is checked for a new commit, in seconds; 0 turns polling off. Default 60. */
  pollIntervalSeconds?: number;
}

/** The default polling interval, in seconds. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 60;

/** The remote URL of repository `name` (`owner/repo`) on `connection`. */
export function remoteUrl(connection: GitConnection, name: string): string {
  const base = connection.baseUrl;
  if (base.endsWith(':')) return `${base}${name}.git`;
  return `${base.replace(/\/+$/, '')}/${name}.git`;
}

/**
 * A link to a commit of `name` for people, when the connection has web pages; for directories of a
 * commit, `directory` is appended the way the provider shows trees.
 */
export function commitWebUrl(
  connection: GitConnection,
  name: string,
  sha: string,
  directory?: string,
): string | undefined {
  if (!connection.webUrl) return undefined;
  const web = `${connection.webUrl.replace(/\/+$/, '')}/${name}`;
  if (connection.provider === 'BITBUCKET') {
    return directory
      ? `${web}/src/${sha}/${directory}`
      : `${web}/commits/${sha}`;
  }
  return directory ? `${web}/tree/${sha}/${directory}` : `${web}/commit/${sha}`;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The environment variables a `git` process gets to reach `connection`: the token as an HTTP header
 * through `GIT_CONFIG_*` (never in the URL or the command line, so it shows in no error message or
 * process listing), the SSH key through `GIT_SSH_COMMAND`, and no terminal prompts.
 */
export function gitEnvironment(
  connection: GitConnection,
): Record<string, string> {
  const environment: Record<string, string> = {
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: 'http:https:ssh:file',
  };
  if (connection.token) {
    const credentials = Buffer.from(
      `${connection.username ?? 'x-access-token'}:${connection.token}`,
    ).toString('base64');
    environment.GIT_CONFIG_COUNT = '1';
    environment.GIT_CONFIG_KEY_0 = 'http.extraHeader';
    environment.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${credentials}`;
  }
  if (connection.sshPrivateKeyFile) {
    const options = [
      'ssh',
      '-i',
      shellQuote(connection.sshPrivateKeyFile),
      '-o IdentitiesOnly=yes',
      '-o BatchMode=yes',
      '-o StrictHostKeyChecking=yes',
    ];
    if (connection.sshKnownHostsFile) {
      options.push(
        `-o UserKnownHostsFile=${shellQuote(connection.sshKnownHostsFile)}`,
      );
    }
    environment.GIT_SSH_COMMAND = options.join(' ');
  }
  return environment;
}
