import type {
  CompatibleEnvironmentTemplateInput,
  ProtonClient,
} from '@aws-sdk/client-proton';
import {
  parseProtonSchema,
  ProtonSchema,
} from '@proton-platform/plugin-aws-proton-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { packageBundle } from '../bundle/packageBundle';
import type { BundleFinding } from '../validate/bundleFinding';
import { validateBundle } from '../validate/validateBundle';
import type { BundleUpload } from './bundleUpload';
import { TemplateKind, TemplateVersionApi } from './templateVersionApi';
import { selectTemplateVersion } from './versionSelection';

/**
 * Options of {@link publishTemplate}.
 *
 * @public
 */
export interface PublishTemplateOptions {
  bundleDir: string;
  templateName: string;
  kind: TemplateKind;
  /** Adds a minor version to this major version instead of choosing (see `selectTemplateVersion`). */
  major?: number;
  /** Publish the version once registered, making it the recommended one. */
  publish?: boolean;
  bucket: string;
  /** Prepended to `<template>/<sha256>.tar.gz` to make the object key. */
  keyPrefix?: string;
  /** The template's description when it is created, and the version's. */
  description?: string;
  /** For service templates; defaults to those of the version compared with. */
  compatibleEnvironmentTemplates?: CompatibleEnvironmentTemplateInput[];
  skipValidation?: boolean;
  /** How long to wait for registration; 300 seconds by default. */
  maxWaitSeconds?: number;
  /** The waiter's shortest delay between polls; 2 seconds by default. */
  minDelaySeconds?: number;
}

/**
 * What {@link publishTemplate} needs to talk to.
 *
 * @public
 */
export interface PublishTemplateDependencies {
  proton: ProtonClient;
  upload: BundleUpload;
  /** Progress lines. */
  log?: (line: string) => void;
}

/**
 * A registered (and maybe published) template version.
 *
 * @public
 */
export interface PublishedTemplateVersion {
  /** `major.minor`. */
  version: string;
  major: number;
  minor: number;
  /** `DRAFT`, or `PUBLISHED` with `publish`. */
  status: string;
  /** Why this major version was chosen. */
  reason: string;
  sha256: string;
  size: number;
  /** Where the bundle was put. */
  location: string;
}

/**
 * A publication that stopped: an invalid bundle (with its findings) or a failed registration (with
 * Proton's statusMessage).
 *
 * @public
 */
export class TemplatePublishError extends Error {
  constructor(message: string, readonly findings: BundleFinding[] = []) {
    super(message);
    this.name = 'TemplatePublishError';
  }
}

const MISSING_COMPATIBLE_TEMPLATES =
  'a service template version needs --compatible-environment-template <name:major>';

async function readBundleSchema(
  options: PublishTemplateOptions,
): Promise<ProtonSchema> {
  if (!options.skipValidation) {
    const validation = await validateBundle(options.bundleDir);
    if (!validation.valid || !validation.schema) {
      throw new TemplatePublishError(
        `${options.bundleDir} is not a valid template bundle`,
        validation.findings.filter(f => f.severity === 'error'),
      );
    }
    return validation.schema;
  }
  const file = path.join(options.bundleDir, 'schema', 'schema.yaml');
  return parseProtonSchema(await fs.readFile(file, 'utf8'));
}

/**
 * Publishes a template bundle: validates and packages it (`packageBundle`), creates the template if
 * there is none, uploads the bundle to `<keyPrefix><template>/<sha256>.tar.gz`, creates the version
 * (major version chosen by `selectTemplateVersion`), waits for its registration and, with
 * `publish`, publishes it. Works the same against AWS Proton and the project's control plane.
 *
 * @public
 */
export async function publishTemplate(
  options: PublishTemplateOptions,
  deps: PublishTemplateDependencies,
): Promise<PublishedTemplateVersion> {
  const log = deps.log ?? (() => {});
  const { templateName, kind } = options;
  const schema = await readBundleSchema(options);
  if (schema.templateKind !== kind) {
    throw new TemplatePublishError(
      `schema/schema.yaml describes a ${schema.templateKind} template, not a ${kind} template`,
    );
  }
  const archive = await packageBundle(options.bundleDir);
  log(
    `packaged ${archive.files.length} files: ${archive.content.length} bytes, sha256 ${archive.sha256}`,
  );

  const api = new TemplateVersionApi(deps.proton, kind);
  let versions = [] as Awaited<ReturnType<TemplateVersionApi['listVersions']>>;
  if (await api.getTemplate(templateName)) {
    versions = await api.listVersions(templateName);
  } else {
    if (kind === 'service' && !options.compatibleEnvironmentTemplates?.length) {
      throw new TemplatePublishError(MISSING_COMPATIBLE_TEMPLATES);
    }
    const withPipeline = archive.files.some(f =>
      f.startsWith('pipeline_infrastructure/'),
    );
    await api.createTemplate(templateName, {
      description: options.description,
      withPipeline,
    });
    log(`created ${kind} template ${templateName}`);
  }
  const selection = await selectTemplateVersion({
    requestedMajor: options.major,
    versions,
    schema,
    loadSchema: async (major, minor) =>
      (
        await api.getVersion(templateName, major, minor)
      ).schema,
  });
  log(
    selection.major === undefined
      ? `new major version: ${selection.reason}`
      : `new minor version of ${selection.major}: ${selection.reason}`,
  );

  let compatible = options.compatibleEnvironmentTemplates;
  if (kind === 'service' && !compatible?.length && selection.comparedWith) {
    const [major, minor] = selection.comparedWith.split('.').map(Number);
    compatible = (await api.getVersion(templateName, major, minor))
      .compatibleEnvironmentTemplates;
  }
  if (kind === 'service' && !compatible?.length) {
    throw new TemplatePublishError(MISSING_COMPATIBLE_TEMPLATES);
  }

  const key = `${options.keyPrefix ?? ''}${templateName}/${
    archive.sha256
  }.tar.gz`;
  const location = await deps.upload.upload(
    options.bucket,
    key,
    archive.content,
  );
  log(`uploaded ${location}`);

  const created = await api.createVersion({
    templateName,
    major: selection.major,
    description: options.description,
    source: { bucket: options.bucket, key },
    compatibleEnvironmentTemplates: compatible,
  });
  const version = `${created.major}.${created.minor}`;
  log(`created version ${version}; waiting for its registration`);
  const registered = await api.waitForRegistration(
    templateName,
    created.major,
    created.minor,
    {
      maxWaitSeconds: options.maxWaitSeconds ?? 300,
      minDelaySeconds: options.minDelaySeconds,
    },
  );
  if (registered.status !== 'DRAFT' && registered.status !== 'PUBLISHED') {
    throw new TemplatePublishError(
      `version ${version} of ${templateName} is ${registered.status}: ${
        registered.statusMessage ?? 'no status message'
      }`,
    );
  }
  let status = registered.status;
  if (options.publish) {
    await api.publishVersion(templateName, created.major, created.minor);
    status = 'PUBLISHED';
    log(`published ${version}`);
  }
  return {
    version,
    major: created.major,
    minor: created.minor,
    status,
    reason: selection.reason,
    sha256: archive.sha256,
    size: archive.content.length,
    location,
  };
}
