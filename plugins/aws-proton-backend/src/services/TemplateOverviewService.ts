import type { Config } from '@backstage/config';
import {
  GetEnvironmentTemplateCommand,
  GetEnvironmentTemplateVersionCommand,
  GetServiceTemplateCommand,
  GetServiceTemplateVersionCommand,
  GetTemplateSyncConfigCommand,
  GetTemplateSyncStatusCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-proton';
import { InputError } from '@backstage/errors';
import {
  diffProtonInputs,
  parseProtonSchema,
  ProtonArn,
  ProtonInputsKind,
  ProtonSchemaError,
  TEMPLATE_SYNC_TAG_KEYS,
  TemplateMajorSyncView,
  TemplateOverview,
  TemplateVersionDiff,
  TemplateVersionSource,
  TemplateVersionView,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonCallContext,
  ProtonClientFactory,
} from '@proton-platform/plugin-aws-proton-node';
import { cacheKeys, ProtonReadCache } from './ProtonReadCache';
import { listAllTemplateVersions } from './TemplateUsageService';

/** The versions whose tags are read, newest first: a template page shows the recent history. */
const MAX_VERSIONS_WITH_SOURCE = 50;

/**
 * The web pages of a repository provider, for links to commits: `<base>/<owner/repo>/commit/<sha>`
 * (GitHub, GitHub Enterprise) or `.../commits/<sha>` (Bitbucket). A provider without a base gets no
 * link (GitHub Enterprise until `awsProton.repositoryWebUrls.GITHUB_ENTERPRISE` is set).
 */
export type RepositoryWebUrls = Partial<
  Record<'GITHUB' | 'GITHUB_ENTERPRISE' | 'BITBUCKET', string>
>;

/** github.com and bitbucket.org, where those providers' repositories live. */
export const DEFAULT_REPOSITORY_WEB_URLS: RepositoryWebUrls = {
  GITHUB: 'https://github.com',
  BITBUCKET: 'https://bitbucket.org',
};

/** `awsProton.repositoryWebUrls` over the defaults. */
export function readRepositoryWebUrls(config: Config): RepositoryWebUrls {
  const section = config.getOptionalConfig('awsProton.repositoryWebUrls');
  const urls: RepositoryWebUrls = { ...DEFAULT_REPOSITORY_WEB_URLS };
  for (const provider of [
    'GITHUB',
    'GITHUB_ENTERPRISE',
    'BITBUCKET',
  ] as const) {
    const value = section?.getOptionalString(provider);
    if (value) urls[provider] = value;
  }
  return urls;
}

function sourceOf(
  tags: Array<{ key?: string; value?: string }>,
  webUrls: RepositoryWebUrls,
): TemplateVersionSource | undefined {
  const tag = (key: string) => tags.find(t => t.key === key)?.value;
  const repository = tag(TEMPLATE_SYNC_TAG_KEYS.repository);
  if (!repository) return undefined;
  const commit = tag(TEMPLATE_SYNC_TAG_KEYS.commit);
  const [provider, ...rest] = repository.split(':');
  const name = rest.join(':');
  const base = webUrls[provider as keyof RepositoryWebUrls]?.replace(
    /\/+$/,
    '',
  );
  let url: string | undefined;
  if (base && commit) {
    url =
      provider === 'BITBUCKET'
        ? `${base}/${name}/commits/${commit}`
        : `${base}/${name}/commit/${commit}`;
  }
  return {
    repository,
    branch: tag(TEMPLATE_SYNC_TAG_KEYS.branch),
    commit,
    directory: tag(TEMPLATE_SYNC_TAG_KEYS.directory),
    url,
  };
}

/**
 * Reads what a template's entity page shows: every version (newest first) with where template sync
 * took it from, and the template's sync configuration with the last sync of each major version.
 */
export class TemplateOverviewService {
  constructor(
    private readonly clients: ProtonClientFactory,
    private readonly cache: ProtonReadCache,
    private readonly webUrls: RepositoryWebUrls = DEFAULT_REPOSITORY_WEB_URLS,
  ) {}

  /**
   * @param arn - a service template's or environment template's ARN
   * @throws the Proton call's error, in words (see `callProton`)
   */
  async getTemplateOverview(arn: ProtonArn): Promise<TemplateOverview> {
    return this.cache.read(
      cacheKeys.template(
        arn.accountId,
        arn.region,
        arn.resourceType === 'service-template' ? 'service' : 'environment',
        arn.name,
      ),
      () => this.load(arn),
      overview => overview.inProgress,
    );
  }

  /**
   * Compares the inputs two versions of the template declare (see `diffProtonInputs`).
   *
   * @param from - `major.minor`, e.g. `1.0`
   * @param to - `major.minor`, e.g. `1.1`
   * @throws NotFoundError (from the Proton call) when a version does not exist; InputError when a
   *   version's schema cannot be read as a Proton schema
   */
  async diffVersions(
    arn: ProtonArn,
    from: string,
    to: string,
  ): Promise<TemplateVersionDiff> {
    const kind =
      arn.resourceType === 'service-template' ? 'service' : 'environment';
    const [before, after] = await Promise.all([
      this.schemaOf(arn, from),
      this.schemaOf(arn, to),
    ]);
    const parse = (version: string, text: string) => {
      try {
        return parseProtonSchema(text);
      } catch (error) {
        if (error instanceof ProtonSchemaError) {
          throw new InputError(
            `The schema of ${kind} template ${arn.name} ${version} cannot be read: ${error.message}`,
          );
        }
        throw error;
      }
    };
    const fromSchema = parse(from, before);
    const toSchema = parse(to, after);
    const kinds: ProtonInputsKind[] =
      kind === 'service' ? ['service', 'pipeline'] : ['environment'];
    return {
      from,
      to,
      inputs: kinds.map(which => ({
        kind: which,
        diff: diffProtonInputs(fromSchema, toSchema, which),
      })),
    };
  }

  /** A version's schema text; versions do not change once registered, so it is cached. */
  private async schemaOf(arn: ProtonArn, version: string): Promise<string> {
    const kind =
      arn.resourceType === 'service-template' ? 'service' : 'environment';
    const [majorVersion, minorVersion] = version.split('.');
    const key = `${cacheKeys.template(
      arn.accountId,
      arn.region,
      kind,
      arn.name,
    )}/schema/${version}`;
    return this.cache.read(key, async () => {
      const { client } = await this.clients.getClientForArn(arn);
      const context: ProtonCallContext = {
        operation: `Get${
          kind === 'service' ? 'Service' : 'Environment'
        }TemplateVersion`,
        resource: `${kind} template "${arn.name}" ${version}`,
        accountId: arn.accountId,
        region: arn.region,
      };
      const input = { templateName: arn.name, majorVersion, minorVersion };
      const found = await callProton(context, async () =>
        kind === 'service'
          ? (
              await client.send(new GetServiceTemplateVersionCommand(input))
            ).serviceTemplateVersion
          : (
              await client.send(new GetEnvironmentTemplateVersionCommand(input))
            ).environmentTemplateVersion,
      );
      if (!found?.schema) {
        throw new InputError(
          `${kind} template ${arn.name} ${version} has no schema yet (${
            found?.status ?? 'unknown status'
          })`,
        );
      }
      return found.schema;
    });
  }

  private async load(arn: ProtonArn): Promise<TemplateOverview> {
    const { client } = await this.clients.getClientForArn(arn);
    const kind =
      arn.resourceType === 'service-template' ? 'service' : 'environment';
    const templateType = kind === 'service' ? 'SERVICE' : 'ENVIRONMENT';
    const resource = `${kind} template "${arn.name}"`;
    const context = (operation: string): ProtonCallContext => ({
      operation,
      resource,
      accountId: arn.accountId,
      region: arn.region,
    });
    const [template, summaries, config] = await Promise.all([
      callProton(
        context(`Get${kind === 'service' ? 'Service' : 'Environment'}Template`),
        async () =>
          kind === 'service'
            ? (
                await client.send(
                  new GetServiceTemplateCommand({ name: arn.name }),
                )
              ).serviceTemplate
            : (
                await client.send(
                  new GetEnvironmentTemplateCommand({ name: arn.name }),
                )
              ).environmentTemplate,
      ),
      listAllTemplateVersions(client, kind, arn.name, context),
      callProton(context('GetTemplateSyncConfig'), async () => {
        try {
          return (
            await client.send(
              new GetTemplateSyncConfigCommand({
                templateName: arn.name,
                templateType,
              }),
            )
          ).templateSyncConfig;
        } catch (error) {
          if ((error as Error).name === 'ResourceNotFoundException') {
            return undefined;
          }
          throw error;
        }
      }),
    ]);
    const newest = [...summaries].sort(
      (a, b) =>
        Number(b.majorVersion) - Number(a.majorVersion) ||
        Number(b.minorVersion) - Number(a.minorVersion),
    );
    // tags read ten at a time, for the newest versions only
    const sources: Array<TemplateVersionSource | undefined> = [];
    const tagged = newest.slice(0, MAX_VERSIONS_WITH_SOURCE);
    for (let start = 0; start < tagged.length; start += 10) {
      sources.push(
        ...(await Promise.all(
          tagged.slice(start, start + 10).map(async summary => {
            if (!summary.arn) return undefined;
            const { tags } = await callProton(
              context('ListTagsForResource'),
              () =>
                client.send(
                  new ListTagsForResourceCommand({ resourceArn: summary.arn! }),
                ),
            );
            return sourceOf(tags ?? [], this.webUrls);
          }),
        )),
      );
    }
    const versions: TemplateVersionView[] = newest.map((summary, index) => {
      const version = `${summary.majorVersion}.${summary.minorVersion}`;
      return {
        version,
        status: summary.status ?? 'UNKNOWN',
        statusMessage: summary.statusMessage,
        // the template's recommended version: the highest published one
        recommended: version === template?.recommendedVersion,
        description: summary.description,
        createdAt: summary.createdAt?.toISOString(),
        source: sources[index],
      };
    });
    let sync: TemplateOverview['sync'];
    if (config) {
      const majors = [...new Set(newest.map(v => v.majorVersion ?? '1'))].sort(
        (a, b) => Number(a) - Number(b),
      );
      const syncs: TemplateMajorSyncView[] = [];
      for (const major of majors.length > 0 ? majors : ['1']) {
        const status = await callProton(context('GetTemplateSyncStatus'), () =>
          client.send(
            new GetTemplateSyncStatusCommand({
              templateName: arn.name,
              templateType,
              templateVersion: major,
            }),
          ),
        );
        const latest = status.latestSync;
        if (!latest) continue;
        syncs.push({
          major,
          status: latest.status ?? 'UNKNOWN',
          message: latest.events?.at(-1)?.event,
          startedAt: latest.startedAt?.toISOString(),
          commit: latest.targetRevision?.sha,
        });
      }
      sync = {
        repository: `${config.repositoryProvider}:${config.repositoryName}`,
        branch: config.branch!,
        subdirectory: config.subdirectory,
        majors: syncs,
      };
    }
    return {
      arn: template?.arn ?? '',
      name: arn.name,
      kind,
      recommendedVersion: template?.recommendedVersion,
      versions,
      sync,
      inProgress:
        versions.some(v => v.status === 'REGISTRATION_IN_PROGRESS') ||
        (sync?.majors.some(
          m => m.status === 'IN_PROGRESS' || m.status === 'INITIATED',
        ) ??
          false),
    };
  }
}
