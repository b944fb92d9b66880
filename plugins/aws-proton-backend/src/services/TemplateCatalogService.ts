import {
  GetEnvironmentTemplateVersionCommand,
  GetServiceTemplateVersionCommand,
  paginateListEnvironments,
  paginateListEnvironmentTemplates,
  paginateListEnvironmentTemplateVersions,
  paginateListServiceTemplates,
  paginateListServiceTemplateVersions,
} from '@aws-sdk/client-proton';
import { NotFoundError } from '@backstage/errors';
import {
  compareTemplateVersions,
  describeDeploymentStatus,
} from '@proton-platform/plugin-aws-proton-common';
import {
  callProton,
  ProtonClientFactory,
  ProtonTarget,
  requireField,
} from '@proton-platform/plugin-aws-proton-node';
import { ProtonReadCache } from './ProtonReadCache';

/** Service or environment templates. */
export type TemplateKind = 'service' | 'environment';

/** A template with at least one published version, as the template picker lists it. */
export interface PublishedTemplate {
  name: string;
  displayName?: string;
  description?: string;
  /** `major.minor` of the recommended version. */
  recommendedVersion: string;
  /**
   * True for an environment template with `provisioning: CUSTOMER_MANAGED`: its environments
   * register infrastructure that exists already.
   */
  customerManaged?: boolean;
  /**
   * For a service template: whether Proton provisions a pipeline for its services (its
   * `pipelineProvisioning` is not `CUSTOMER_MANAGED`), which then need a repository.
   */
  withPipeline?: boolean;
}

/** A published version of a template. */
export interface PublishedTemplateVersion {
  majorVersion: string;
  minorVersion: string;
  description?: string;
  /** True for the recommended minor version of its major version. */
  recommended: boolean;
}

/** A template version with its `schema.yaml`, for the inputs form. */
export interface TemplateVersionDetails {
  templateName: string;
  majorVersion: string;
  minorVersion: string;
  status: string;
  description?: string;
  /** The version's `schema.yaml` as Proton returns it (YAML or JSON text). */
  schema: string;
  /** For service templates, the environment template major versions it deploys into. */
  compatibleEnvironmentTemplates: Array<{
    templateName: string;
    majorVersion: string;
  }>;
}

/** An environment a service can deploy into. */
export interface CompatibleEnvironment {
  name: string;
  arn: string;
  description?: string;
  templateName: string;
  templateVersion: string;
  deploymentStatus: string;
  /** False while the environment is deploying or after it failed: instances cannot go there yet. */
  deployable: boolean;
}

/**
 * Reads what the scaffolder form fields offer: published templates and their versions, a version's
 * schema, and the environments a service template can deploy into. Reads are cached like the
 * entity page's.
 */
export class TemplateCatalogService {
  constructor(
    private readonly clients: ProtonClientFactory,
    private readonly cache: ProtonReadCache,
  ) {}

  /** Templates of a kind with a recommended (published) version, by name. */
  async listTemplates(
    target: ProtonTarget,
    kind: TemplateKind,
  ): Promise<PublishedTemplate[]> {
    return this.cache.read(this.key(target, `${kind}-templates`), async () => {
      const client = await this.clients.getClient(target);
      const operation =
        kind === 'service'
          ? 'ListServiceTemplates'
          : 'ListEnvironmentTemplates';
      return callProton(
        { operation, resource: `${kind} templates`, ...target },
        async () => {
          const all: PublishedTemplate[] = [];
          const pages =
            kind === 'service'
              ? paginateListServiceTemplates({ client, pageSize: 100 }, {})
              : paginateListEnvironmentTemplates({ client, pageSize: 100 }, {});
          for await (const page of pages) {
            const templates = 'templates' in page ? page.templates ?? [] : [];
            for (const template of templates) {
              if (!template.recommendedVersion) continue;
              all.push({
                name: requireField(template.name, 'template.name'),
                displayName: template.displayName,
                description: template.description,
                recommendedVersion: template.recommendedVersion,
                customerManaged:
                  'provisioning' in template &&
                  template.provisioning === 'CUSTOMER_MANAGED'
                    ? true
                    : undefined,
                withPipeline:
                  kind === 'service'
                    ? !('pipelineProvisioning' in template) ||
                      template.pipelineProvisioning !== 'CUSTOMER_MANAGED'
                    : undefined,
              });
            }
          }
          return all.sort((a, b) => a.name.localeCompare(b.name));
        },
      );
    });
  }

  /** The published versions of a template, newest first. */
  async listVersions(
    target: ProtonTarget,
    kind: TemplateKind,
    templateName: string,
  ): Promise<PublishedTemplateVersion[]> {
    return this.cache.read(
      this.key(target, `${kind}-templates/${templateName}/versions`),
      async () => {
        const client = await this.clients.getClient(target);
        const operation =
          kind === 'service'
            ? 'ListServiceTemplateVersions'
            : 'ListEnvironmentTemplateVersions';
        return callProton(
          {
            operation,
            resource: `${kind} template "${templateName}"`,
            ...target,
          },
          async () => {
            const all: PublishedTemplateVersion[] = [];
            const pages =
              kind === 'service'
                ? paginateListServiceTemplateVersions(
                    { client, pageSize: 100 },
                    { templateName },
                  )
                : paginateListEnvironmentTemplateVersions(
                    { client, pageSize: 100 },
                    { templateName },
                  );
            for await (const page of pages) {
              for (const version of page.templateVersions ?? []) {
                if (version.status !== 'PUBLISHED') continue;
                all.push({
                  majorVersion: requireField(
                    version.majorVersion,
                    'templateVersion.majorVersion',
                  ),
                  minorVersion: requireField(
                    version.minorVersion,
                    'templateVersion.minorVersion',
                  ),
                  description: version.description,
                  recommended:
                    version.recommendedMinorVersion === version.minorVersion,
                });
              }
            }
            return all.sort((a, b) =>
              compareTemplateVersions(
                `${b.majorVersion}.${b.minorVersion}`,
                `${a.majorVersion}.${a.minorVersion}`,
              ),
            );
          },
        );
      },
    );
  }

  /**
   * A template version with its schema. `version` is `major.minor`, or `major` for the recommended
   * minor version of that major version.
   */
  async getVersion(
    target: ProtonTarget,
    kind: TemplateKind,
    templateName: string,
    version: string,
  ): Promise<TemplateVersionDetails> {
    const [majorVersion, givenMinor] = version.split('.');
    let minorVersion = givenMinor;
    if (minorVersion === undefined) {
      const recommended = (
        await this.listVersions(target, kind, templateName)
      ).find(v => v.majorVersion === majorVersion && v.recommended);
      if (!recommended) {
        throw new NotFoundError(
          `The AWS Proton ${kind} template "${templateName}" has no published version in major version ${majorVersion}`,
        );
      }
      minorVersion = recommended.minorVersion;
    }
    const key = this.key(
      target,
      `${kind}-templates/${templateName}/versions/${majorVersion}.${minorVersion}`,
    );
    return this.cache.read(key, async () => {
      const client = await this.clients.getClient(target);
      const input = { templateName, majorVersion, minorVersion };
      const context = {
        resource: `${kind} template "${templateName}" version ${majorVersion}.${minorVersion}`,
        ...target,
      };
      const found =
        kind === 'service'
          ? (
              await callProton(
                { operation: 'GetServiceTemplateVersion', ...context },
                () => client.send(new GetServiceTemplateVersionCommand(input)),
              )
            ).serviceTemplateVersion
          : (
              await callProton(
                { operation: 'GetEnvironmentTemplateVersion', ...context },
                () =>
                  client.send(new GetEnvironmentTemplateVersionCommand(input)),
              )
            ).environmentTemplateVersion;
      const details = requireField(found, 'templateVersion');
      return {
        templateName,
        majorVersion,
        minorVersion,
        status: requireField(details.status, 'templateVersion.status'),
        description: details.description,
        schema: details.schema ?? '',
        compatibleEnvironmentTemplates:
          'compatibleEnvironmentTemplates' in details
            ? (
                (details.compatibleEnvironmentTemplates ?? []) as Array<{
                  templateName?: string;
                  majorVersion?: string;
                }>
              ).map(c => ({
                templateName: requireField(
                  c.templateName,
                  'compatibleEnvironmentTemplate.templateName',
                ),
                majorVersion: requireField(
                  c.majorVersion,
                  'compatibleEnvironmentTemplate.majorVersion',
                ),
              }))
            : [],
      };
    });
  }

  /**
   * The environments a service template's major version can deploy into (those running a
   * compatible environment template major version), with their status.
   */
  async listCompatibleEnvironments(
    target: ProtonTarget,
    serviceTemplateName: string,
    majorVersion: string,
  ): Promise<CompatibleEnvironment[]> {
    const version = await this.getVersion(
      target,
      'service',
      serviceTemplateName,
      majorVersion,
    );
    const compatible = version.compatibleEnvironmentTemplates;
    if (compatible.length === 0) return [];
    const key = this.key(
      target,
      `environments/${compatible
        .map(c => `${c.templateName}:${c.majorVersion}`)
        .sort()
        .join(',')}`,
    );
    return this.cache.read(
      key,
      async () => {
        const client = await this.clients.getClient(target);
        return callProton(
          {
            operation: 'ListEnvironments',
            resource: 'environments',
            ...target,
          },
          async () => {
            const all: CompatibleEnvironment[] = [];
            for await (const page of paginateListEnvironments(
              { client, pageSize: 100 },
              { environmentTemplates: compatible },
            )) {
              for (const environment of page.environments ?? []) {
                const status = requireField(
                  environment.deploymentStatus,
                  'environment.deploymentStatus',
                );
                all.push({
                  name: requireField(environment.name, 'environment.name'),
                  arn: requireField(environment.arn, 'environment.arn'),
                  description: environment.description,
                  templateName: requireField(
                    environment.templateName,
                    'environment.templateName',
                  ),
                  templateVersion: `${environment.templateMajorVersion}.${environment.templateMinorVersion}`,
                  deploymentStatus: status,
                  deployable:
                    status === 'SUCCEEDED' ||
                    (status === 'IN_PROGRESS' &&
                      !!environment.lastDeploymentSucceededAt),
                });
              }
            }
            return all.sort((a, b) => a.name.localeCompare(b.name));
          },
        );
      },
      list =>
        list.some(e => describeDeploymentStatus(e.deploymentStatus).inProgress),
    );
  }

  private key(target: ProtonTarget, what: string): string {
    return `v1/${target.accountId}/${target.region}/${what}`;
  }
}
