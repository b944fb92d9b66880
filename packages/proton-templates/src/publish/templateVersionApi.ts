import {
  CompatibleEnvironmentTemplateInput,
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  CreateServiceTemplateCommand,
  CreateServiceTemplateVersionCommand,
  GetEnvironmentTemplateCommand,
  GetEnvironmentTemplateVersionCommand,
  GetServiceTemplateCommand,
  GetServiceTemplateVersionCommand,
  paginateListEnvironmentTemplateVersions,
  paginateListServiceTemplateVersions,
  ProtonClient,
  ResourceNotFoundException,
  UpdateEnvironmentTemplateVersionCommand,
  UpdateServiceTemplateVersionCommand,
  waitUntilEnvironmentTemplateVersionRegistered,
  waitUntilServiceTemplateVersionRegistered,
} from '@aws-sdk/client-proton';

/**
 * The kind of a Proton template.
 *
 * @public
 */
export type TemplateKind = 'environment' | 'service';

/**
 * A template version as the publisher needs it.
 *
 * @public
 */
export interface TemplateVersionInfo {
  major: number;
  minor: number;
  status: string;
  statusMessage?: string;
  /** The version's `schema.yaml`, once registered. */
  schema?: string;
  compatibleEnvironmentTemplates?: CompatibleEnvironmentTemplateInput[];
}

/**
 * What creating a version needs.
 *
 * @public
 */
export interface CreateTemplateVersionRequest {
  templateName: string;
  /** A minor version of this major version; a new major version when undefined. */
  major?: number;
  description?: string;
  source: { bucket: string; key: string };
  compatibleEnvironmentTemplates?: CompatibleEnvironmentTemplateInput[];
}

/**
 * The Proton template and template version operations for one kind of template, so that publishing
 * is written once for environment and service templates.
 *
 * @public
 */
export class TemplateVersionApi {
  constructor(
    private readonly client: ProtonClient,
    readonly kind: TemplateKind,
  ) {}

  /** The template, or undefined when there is none with that name. */
  async getTemplate(
    name: string,
  ): Promise<{ recommendedVersion?: string } | undefined> {
    try {
      if (this.kind === 'environment') {
        const out = await this.client.send(
          new GetEnvironmentTemplateCommand({ name }),
        );
        return {
          recommendedVersion: out.environmentTemplate?.recommendedVersion,
        };
      }
      const out = await this.client.send(
        new GetServiceTemplateCommand({ name }),
      );
      return { recommendedVersion: out.serviceTemplate?.recommendedVersion };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  /**
   * Creates the template. A service template without `pipeline_infrastructure/` is created with
   * `pipelineProvisioning: CUSTOMER_MANAGED`, which tells Proton that it provides no pipeline.
   */
  async createTemplate(
    name: string,
    options: { description?: string; withPipeline?: boolean },
  ): Promise<void> {
    if (this.kind === 'environment') {
      await this.client.send(
        new CreateEnvironmentTemplateCommand({
          name,
          description: options.description,
        }),
      );
      return;
    }
    await this.client.send(
      new CreateServiceTemplateCommand({
        name,
        description: options.description,
        pipelineProvisioning: options.withPipeline
          ? undefined
          : 'CUSTOMER_MANAGED',
      }),
    );
  }

  /** Every version of the template, any status. */
  async listVersions(templateName: string): Promise<TemplateVersionInfo[]> {
    const versions: TemplateVersionInfo[] = [];
    const pages =
      this.kind === 'environment'
        ? paginateListEnvironmentTemplateVersions(
            { client: this.client },
            { templateName },
          )
        : paginateListServiceTemplateVersions(
            { client: this.client },
            { templateName },
          );
    for await (const page of pages) {
      for (const summary of page.templateVersions ?? []) {
        versions.push({
          major: Number(summary.majorVersion),
          minor: Number(summary.minorVersion),
          status: String(summary.status),
          statusMessage: summary.statusMessage,
        });
      }
    }
    return versions;
  }

  async getVersion(
    templateName: string,
    major: number,
    minor: number,
  ): Promise<TemplateVersionInfo> {
    const input = {
      templateName,
      majorVersion: String(major),
      minorVersion: String(minor),
    };
    if (this.kind === 'environment') {
      const version = (
        await this.client.send(new GetEnvironmentTemplateVersionCommand(input))
      ).environmentTemplateVersion;
      return {
        major,
        minor,
        status: String(version?.status),
        statusMessage: version?.statusMessage,
        schema: version?.schema,
      };
    }
    const version = (
      await this.client.send(new GetServiceTemplateVersionCommand(input))
    ).serviceTemplateVersion;
    return {
      major,
      minor,
      status: String(version?.status),
      statusMessage: version?.statusMessage,
      schema: version?.schema,
      compatibleEnvironmentTemplates:
        version?.compatibleEnvironmentTemplates?.map(c => ({
          templateName: c.templateName,
          majorVersion: c.majorVersion,
        })),
    };
  }

  /** Creates a version from a bundle in S3; resolves to its number. */
  async createVersion(
    request: CreateTemplateVersionRequest,
  ): Promise<{ major: number; minor: number }> {
    const common = {
      templateName: request.templateName,
      majorVersion:
        request.major === undefined ? undefined : String(request.major),
      description: request.description,
      source: { s3: request.source },
    };
    const version =
      this.kind === 'environment'
        ? (
            await this.client.send(
              new CreateEnvironmentTemplateVersionCommand(common),
            )
          ).environmentTemplateVersion
        : (
            await this.client.send(
              new CreateServiceTemplateVersionCommand({
                ...common,
                compatibleEnvironmentTemplates:
                  request.compatibleEnvironmentTemplates ?? [],
              }),
            )
          ).serviceTemplateVersion;
    return {
      major: Number(version?.majorVersion),
      minor: Number(version?.minorVersion),
    };
  }

  /**
   * Waits with the SDK's `waitUntil...TemplateVersionRegistered` waiter, then resolves to the
   * version, registered (DRAFT) or not (REGISTRATION_FAILED, with its statusMessage).
   */
  async waitForRegistration(
    templateName: string,
    major: number,
    minor: number,
    options: { maxWaitSeconds: number; minDelaySeconds?: number },
  ): Promise<TemplateVersionInfo> {
    const waiter = {
      client: this.client,
      maxWaitTime: options.maxWaitSeconds,
      minDelay: options.minDelaySeconds ?? 2,
    };
    const input = {
      templateName,
      majorVersion: String(major),
      minorVersion: String(minor),
    };
    try {
      if (this.kind === 'environment') {
        await waitUntilEnvironmentTemplateVersionRegistered(waiter, input);
      } else {
        await waitUntilServiceTemplateVersionRegistered(waiter, input);
      }
    } catch (error) {
      // The waiter fails on REGISTRATION_FAILED and on timeout: the version says which.
      const version = await this.getVersion(templateName, major, minor);
      if (version.status === 'REGISTRATION_IN_PROGRESS') throw error;
      return version;
    }
    return this.getVersion(templateName, major, minor);
  }

  /** Publishes a version: Proton then recommends the latest published version of the latest major. */
  async publishVersion(
    templateName: string,
    major: number,
    minor: number,
  ): Promise<void> {
    const input = {
      templateName,
      majorVersion: String(major),
      minorVersion: String(minor),
      status: 'PUBLISHED' as const,
    };
    if (this.kind === 'environment') {
      await this.client.send(
        new UpdateEnvironmentTemplateVersionCommand(input),
      );
    } else {
      await this.client.send(new UpdateServiceTemplateVersionCommand(input));
    }
  }
}
