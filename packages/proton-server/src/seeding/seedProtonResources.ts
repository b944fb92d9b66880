import {
  CreateEnvironmentCommand,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  CreateServiceCommand,
  CreateServiceTemplateCommand,
  CreateServiceTemplateVersionCommand,
  GetEnvironmentCommand,
  GetEnvironmentTemplateCommand,
  GetServiceCommand,
  GetServiceTemplateCommand,
  ListEnvironmentTemplateVersionsCommand,
  ListServiceTemplateVersionsCommand,
  ProtonClient,
  UpdateEnvironmentTemplateVersionCommand,
  UpdateServiceTemplateVersionCommand,
  waitUntilEnvironmentTemplateVersionRegistered,
  waitUntilServiceTemplateVersionRegistered,
} from '@aws-sdk/client-proton';

/**
 * A template version to register from a bundle source, and whether to publish it.
 *
 * @public
 */
export interface SeedTemplateVersion {
  /** `major.minor` the version must get; versions are registered in order. */
  version: string;
  /**
   * Where the template bundle is, as the `s3` source of CreateEnvironmentTemplateVersion or
   * CreateServiceTemplateVersion.
   */
  source: { bucket: string; key: string };
  /** Publish the version once it is registered (and when it exists but is not published yet). */
  publish: boolean;
}

/**
 * What {@link seedProtonResources} makes sure exists.
 *
 * @public
 */
export interface ProtonSeedPlan {
  /** Environment templates to create (CreateEnvironmentTemplate), each with the versions to register. */
  environmentTemplates?: {
    name: string;
    displayName?: string;
    description?: string;
    /** `CUSTOMER_MANAGED` for a template whose environments register infrastructure that exists already. */
    provisioning?: 'CUSTOMER_MANAGED';
    versions: SeedTemplateVersion[];
  }[];
  /**
   * Service templates to create (CreateServiceTemplate), each with the versions to register; every
   * version is registered compatible with `compatibleEnvironmentTemplates`.
   */
  serviceTemplates?: {
    name: string;
    displayName?: string;
    description?: string;
    pipelineProvisioning?: 'CUSTOMER_MANAGED';
    compatibleEnvironmentTemplates: {
      templateName: string;
      majorVersion: string;
    }[];
    versions: SeedTemplateVersion[];
  }[];
  /** Environments to create (CreateEnvironment), after the templates; `spec` is the YAML spec text. */
  environments?: {
    name: string;
    templateName: string;
    templateMajorVersion: string;
    templateMinorVersion?: string;
    spec: string;
    tags?: Record<string, string>;
  }[];
  /** Services to create (CreateService), after the environments; `spec` is the YAML spec text. */
  services?: {
    name: string;
    description?: string;
    templateName: string;
    templateMajorVersion: string;
    templateMinorVersion?: string;
    spec: string;
    tags?: Record<string, string>;
    /** The repository a service pipeline builds; needed when the template has a pipeline. */
    repositoryConnectionArn?: string;
    repositoryId?: string;
    branchName?: string;
  }[];
}

const WAITER = { maxWaitTime: 300, minDelay: 1, maxDelay: 2 };

function isNotFound(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ResourceNotFoundException';
}

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

const toTags = (tags?: Record<string, string>) =>
  tags && Object.entries(tags).map(([key, value]) => ({ key, value }));

/**
 * Makes sure the templates, template versions, environments and services of a plan exist, creating
 * only what is missing, through the Proton API. Running it again changes nothing. It does not wait for
 * environment and service deployments: those are the runner's.
 *
 * @returns what it created, as `kind name` strings
 * @public
 */
export async function seedProtonResources(
  client: ProtonClient,
  plan: ProtonSeedPlan,
): Promise<string[]> {
  const created: string[] = [];

  for (const template of plan.environmentTemplates ?? []) {
    const { name, versions, ...rest } = template;
    if (
      !(await exists(() =>
        client.send(new GetEnvironmentTemplateCommand({ name })),
      ))
    ) {
      await client.send(
        new CreateEnvironmentTemplateCommand({ name, ...rest }),
      );
      created.push(`environment template ${name}`);
    }
    const { templateVersions = [] } = await client.send(
      new ListEnvironmentTemplateVersionsCommand({ templateName: name }),
    );
    for (const version of versions) {
      const [majorVersion, minorVersion] = version.version.split('.');
      const existing = templateVersions.find(
        v => v.majorVersion === majorVersion && v.minorVersion === minorVersion,
      );
      if (!existing) {
        const { environmentTemplateVersion: v } = await client.send(
          new CreateEnvironmentTemplateVersionCommand({
            templateName: name,
            majorVersion: minorVersion === '0' ? undefined : majorVersion,
            source: { s3: version.source },
          }),
        );
        if (`${v?.majorVersion}.${v?.minorVersion}` !== version.version) {
          throw new Error(
            `Environment template ${name}: registered ${v?.majorVersion}.${v?.minorVersion} where ${version.version} was planned`,
          );
        }
        await waitUntilEnvironmentTemplateVersionRegistered(
          { client, ...WAITER },
          { templateName: name, majorVersion, minorVersion },
        );
        created.push(`environment template version ${name} ${version.version}`);
      }
      if (version.publish && existing?.status !== 'PUBLISHED') {
        await client.send(
          new UpdateEnvironmentTemplateVersionCommand({
            templateName: name,
            majorVersion,
            minorVersion,
            status: 'PUBLISHED',
          }),
        );
      }
    }
  }

  for (const template of plan.serviceTemplates ?? []) {
    const { name, versions, compatibleEnvironmentTemplates, ...rest } =
      template;
    if (
      !(await exists(() =>
        client.send(new GetServiceTemplateCommand({ name })),
      ))
    ) {
      await client.send(new CreateServiceTemplateCommand({ name, ...rest }));
      created.push(`service template ${name}`);
    }
    const { templateVersions = [] } = await client.send(
      new ListServiceTemplateVersionsCommand({ templateName: name }),
    );
    for (const version of versions) {
      const [majorVersion, minorVersion] = version.version.split('.');
      const existing = templateVersions.find(
        v => v.majorVersion === majorVersion && v.minorVersion === minorVersion,
      );
      if (!existing) {
        const { serviceTemplateVersion: v } = await client.send(
          new CreateServiceTemplateVersionCommand({
            templateName: name,
            majorVersion: minorVersion === '0' ? undefined : majorVersion,
            compatibleEnvironmentTemplates,
            source: { s3: version.source },
          }),
        );
        if (`${v?.majorVersion}.${v?.minorVersion}` !== version.version) {
          throw new Error(
            `Service template ${name}: registered ${v?.majorVersion}.${v?.minorVersion} where ${version.version} was planned`,
          );
        }
        await waitUntilServiceTemplateVersionRegistered(
          { client, ...WAITER },
          { templateName: name, majorVersion, minorVersion },
        );
        created.push(`service template version ${name} ${version.version}`);
      }
      if (version.publish && existing?.status !== 'PUBLISHED') {
        await client.send(
          new UpdateServiceTemplateVersionCommand({
            templateName: name,
            majorVersion,
            minorVersion,
            status: 'PUBLISHED',
          }),
        );
      }
    }
  }

  for (const { tags, ...environment } of plan.environments ?? []) {
    if (
      !(await exists(() =>
        client.send(new GetEnvironmentCommand({ name: environment.name })),
      ))
    ) {
      await client.send(
        new CreateEnvironmentCommand({ ...environment, tags: toTags(tags) }),
      );
      created.push(`environment ${environment.name}`);
    }
  }

  for (const { tags, ...service } of plan.services ?? []) {
    if (
      !(await exists(() =>
        client.send(new GetServiceCommand({ name: service.name })),
      ))
    ) {
      await client.send(
        new CreateServiceCommand({ ...service, tags: toTags(tags) }),
      );
      created.push(`service ${service.name}`);
    }
  }
  return created;
}
