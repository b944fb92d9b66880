import {
  EnvironmentSummary,
  EnvironmentTemplateSummary,
  GetServiceTemplateVersionCommand,
  ListTagsForResourceCommand,
  paginateListEnvironments,
  paginateListEnvironmentTemplates,
  paginateListServiceInstances,
  paginateListServices,
  paginateListServiceTemplates,
  paginateListServiceTemplateVersions,
  ProtonClient,
  ServiceInstanceSummary,
  ServiceSummary,
  ServiceTemplateSummary,
} from '@aws-sdk/client-proton';
import {
  callProton,
  ProtonTarget,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';

/** A published major version of a service template, with the schema of its recommended minor version. */
export interface PublishedServiceTemplateVersion {
  templateName: string;
  majorVersion: string;
  minorVersion: string;
  schema: string;
  description?: string;
  compatibleEnvironmentTemplates: {
    templateName: string;
    majorVersion: string;
  }[];
  /**
   * Whether services of the template get a pipeline that Proton provisions (its
   * `pipelineProvisioning` is not `CUSTOMER_MANAGED`); they then need a repository.
   */
  withPipeline?: boolean;
}

/** What one read of an account and region found. */
export interface ProtonInventory {
  environments: EnvironmentSummary[];
  services: ServiceSummary[];
  instances: ServiceInstanceSummary[];
  serviceTemplates: ServiceTemplateSummary[];
  environmentTemplates: EnvironmentTemplateSummary[];
  publishedVersions: PublishedServiceTemplateVersion[];
  /** Tags by resource ARN, for the resources whose tags were read. */
  tags: Map<string, Record<string, string>>;
}

/**
 * Which parts of Proton an {@link AwsProtonEntityProvider} reads, from its `ingest` and
 * `ownerFromTags` configuration.
 *
 * @public
 */
export interface AwsProtonInventoryScope {
  /** Read environments, ingested as `Resource` entities. */
  environments: boolean;
  /** Read services and their instances, ingested as `Component` entities. */
  services: boolean;
  /** Read service and environment templates, ingested as `Resource` entities. */
  templates: boolean;
  /** Read published service template versions, ingested as one scaffolder `Template` per major version. */
  wizards: boolean;
  /**
   * Read each environment's and service's tags for `backstage:owner` and `backstage:lifecycle`: one
   * ListTagsForResource call per resource the first time it is seen, since Proton's list calls return no tags.
   */
  tags: boolean;
}

const PAGE = { pageSize: 100 };

async function collect<P, T>(
  pages: AsyncIterable<P>,
  pick: (page: P) => T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(pick(page) ?? []));
  return all;
}

/**
 * Reads one account and region of Proton with list calls of 100 items, plus one
 * `GetServiceTemplateVersion` per published major version (cached by version, so an unchanged version is
 * read once), one `ListServiceTemplateVersions` per template whose recommended major version is above 1
 * (to find its older published majors), and the tags of resources not seen before (cached by ARN).
 */
export class ProtonInventoryReader {
  private readonly versionCache = new Map<
    string,
    PublishedServiceTemplateVersion
  >();
  private readonly tagCache = new Map<string, Record<string, string>>();

  constructor(private readonly target: ProtonTarget) {}

  async read(
    client: ProtonClient,
    scope: AwsProtonInventoryScope,
  ): Promise<ProtonInventory> {
    const list = <T>(operation: string, load: () => Promise<T>) =>
      callProton({ operation, ...this.target }, load);
    const pager = { client, ...PAGE };
    const none = Promise.resolve([]);

    const [
      environments,
      services,
      instances,
      serviceTemplates,
      environmentTemplates,
    ] = await Promise.all([
      scope.environments
        ? list('ListEnvironments', () =>
            collect(paginateListEnvironments(pager, {}), p => p.environments),
          )
        : none,
      scope.services
        ? list('ListServices', () =>
            collect(paginateListServices(pager, {}), p => p.services),
          )
        : none,
      scope.services
        ? list('ListServiceInstances', () =>
            collect(
              paginateListServiceInstances(pager, {}),
              p => p.serviceInstances,
            ),
          )
        : none,
      scope.templates || scope.wizards
        ? list('ListServiceTemplates', () =>
            collect(paginateListServiceTemplates(pager, {}), p => p.templates),
          )
        : none,
      scope.templates
        ? list('ListEnvironmentTemplates', () =>
            collect(
              paginateListEnvironmentTemplates(pager, {}),
              p => p.templates,
            ),
          )
        : none,
    ]);

    const publishedVersions = scope.wizards
      ? await this.readPublishedVersions(
          client,
          serviceTemplates as ServiceTemplateSummary[],
        )
      : [];
    const tags = scope.tags
      ? await this.readTags(client, [
          ...(environments as EnvironmentSummary[]).map(e => e.arn),
          ...(services as ServiceSummary[]).map(s => s.arn),
        ])
      : new Map<string, Record<string, string>>();

    return {
      environments: environments as EnvironmentSummary[],
      services: services as ServiceSummary[],
      instances: instances as ServiceInstanceSummary[],
      serviceTemplates: serviceTemplates as ServiceTemplateSummary[],
      environmentTemplates:
        environmentTemplates as EnvironmentTemplateSummary[],
      publishedVersions,
      tags,
    };
  }

  /**
   * Every published major version's newest published minor version, with its schema. A template's
   * `recommendedVersion` is its highest published major and that major's newest published minor, so
   * a template recommending `1.x` has nothing else published and needs no listing of its versions.
   */
  private async readPublishedVersions(
    client: ProtonClient,
    templates: ServiceTemplateSummary[],
  ): Promise<PublishedServiceTemplateVersion[]> {
    // Only templates with a recommended version have anything published
    const published = templates.filter(t => t.recommendedVersion);
    const perTemplate = await Promise.all(
      published.map(async template => {
        const templateName = requireField(
          template.name,
          'serviceTemplate.name',
        );
        const [recommendedMajor, recommendedMinor] = requireField(
          template.recommendedVersion,
          'serviceTemplate.recommendedVersion',
        ).split('.');
        const newest =
          recommendedMajor === '1'
            ? new Map([[recommendedMajor, recommendedMinor]])
            : await this.newestPublishedMinors(client, templateName);
        const withPipeline =
          template.pipelineProvisioning !== 'CUSTOMER_MANAGED';
        return Promise.all(
          [...newest].map(async ([major, minor]) => ({
            ...(await this.readVersion(client, templateName, major, minor)),
            withPipeline,
          })),
        );
      }),
    );
    return perTemplate.flat();
  }

  /** The newest published minor version of each major version of a template. */
  private async newestPublishedMinors(
    client: ProtonClient,
    templateName: string,
  ): Promise<Map<string, string>> {
    const versions = await callProton(
      {
        operation: 'ListServiceTemplateVersions',
        resource: `service template "${templateName}"`,
        ...this.target,
      },
      () =>
        collect(
          paginateListServiceTemplateVersions(
            { client, ...PAGE },
            { templateName },
          ),
          p => p.templateVersions,
        ),
    );
    const newest = new Map<string, string>();
    for (const v of versions) {
      if (v.status !== 'PUBLISHED') continue;
      const major = requireField(
        v.majorVersion,
        'templateVersion.majorVersion',
      );
      const minor = requireField(
        v.minorVersion,
        'templateVersion.minorVersion',
      );
      if (!newest.has(major) || Number(minor) > Number(newest.get(major))) {
        newest.set(major, minor);
      }
    }
    return newest;
  }

  private async readVersion(
    client: ProtonClient,
    templateName: string,
    majorVersion: string,
    minorVersion: string,
  ): Promise<PublishedServiceTemplateVersion> {
    const key = `${templateName}@${majorVersion}.${minorVersion}`;
    const cached = this.versionCache.get(key);
    if (cached) return cached;
    const { serviceTemplateVersion: version } = await callProton(
      {
        operation: 'GetServiceTemplateVersion',
        resource: `service template "${key}"`,
        ...this.target,
      },
      () =>
        client.send(
          new GetServiceTemplateVersionCommand({
            templateName,
            majorVersion,
            minorVersion,
          }),
        ),
    );
    const result: PublishedServiceTemplateVersion = {
      templateName,
      majorVersion,
      minorVersion,
      schema: requireField(version?.schema, 'serviceTemplateVersion.schema'),
      description: version?.description,
      compatibleEnvironmentTemplates: (
        version?.compatibleEnvironmentTemplates ?? []
      ).map(c => ({
        templateName: requireField(
          c.templateName,
          'compatibleEnvironmentTemplate.templateName',
        ),
        majorVersion: requireField(
          c.majorVersion,
          'compatibleEnvironmentTemplate.majorVersion',
        ),
      })),
    };
    this.versionCache.set(key, result);
    return result;
  }

  /** Tags of the given resources; each resource's tags are read once and then kept. */
  private async readTags(
    client: ProtonClient,
    arns: (string | undefined)[],
  ): Promise<Map<string, Record<string, string>>> {
    const missing = arns.filter(
      (arn): arn is string => !!arn && !this.tagCache.has(arn),
    );
    for (let i = 0; i < missing.length; i += 10) {
      await Promise.all(
        missing.slice(i, i + 10).map(async resourceArn => {
          const tags = await callProton(
            {
              operation: 'ListTagsForResource',
              resource: resourceArn,
              ...this.target,
            },
            () =>
              collect(
                (async function* pages() {
                  let nextToken: string | undefined;
                  do {
                    const page = await client.send(
                      new ListTagsForResourceCommand({
                        resourceArn,
                        nextToken,
                        maxResults: 50,
                      }),
                    );
                    yield page;
                    nextToken = page.nextToken;
                  } while (nextToken);
                })(),
                p => p.tags,
              ),
          );
          this.tagCache.set(
            resourceArn,
            Object.fromEntries(tags.map(t => [t.key ?? '', t.value ?? ''])),
          );
        }),
      );
    }
    return new Map(
      arns
        .filter((a): a is string => !!a)
        .map(arn => [arn, this.tagCache.get(arn) ?? {}]),
    );
  }

  /** Forgets what was cached about a resource, so the next read sees its tags again. */
  forget(arn: string): void {
    this.tagCache.delete(arn);
  }
}
