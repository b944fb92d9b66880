import {
  checkBackwardCompatibility,
  parseProtonSchema,
  ProtonInputsKind,
  ProtonSchema,
} from '@proton-platform/plugin-aws-proton-common';
import type { TemplateVersionInfo } from './templateVersionApi';

/**
 * Which major version a new template version goes into, and why.
 *
 * @public
 */
export interface VersionSelection {
  /** A new minor version of this major version; a new major version when undefined. */
  major?: number;
  /** The registered version the choice was made against, e.g. `1.3`. */
  comparedWith?: string;
  reason: string;
}

const REGISTERED = ['DRAFT', 'PUBLISHED'];

function declaresInputs(
  schema: ProtonSchema,
  which: ProtonInputsKind,
): boolean {
  if (which === 'environment') return !!schema.environmentInputType;
  if (which === 'service') return !!schema.serviceInputType;
  return !!schema.pipelineInputType && !!schema.types[schema.pipelineInputType];
}

/**
 * The changes that make `next` incompatible with `previous`, one sentence each, for every kind of
 * inputs `previous` declares (`checkBackwardCompatibility` of `-common`, the check Proton applies to a
 * new minor version).
 *
 * @public
 */
export function describeIncompatibilities(
  previous: ProtonSchema,
  next: ProtonSchema,
): string[] {
  const kinds: ProtonInputsKind[] =
    previous.templateKind === 'environment'
      ? ['environment']
      : ['service', 'pipeline'];
  return kinds
    .filter(which => declaresInputs(previous, which))
    .flatMap(which =>
      checkBackwardCompatibility(previous, next, which).map(
        change => `${which} input ${change.path || '(all)'}: ${change.message}`,
      ),
    );
}

/**
 * Chooses where a new version goes:
 * - `--major <n>` given: the next minor version of major `n` (Proton refuses it if the schema is not
 *   compatible with the previous minor version of that major version);
 * - no registered version yet: a new major version (`1.0` for a new template);
 * - otherwise, against the latest registered (DRAFT or PUBLISHED) version of the highest major
 *   version: the next minor version when the new schema is backward compatible with it, a new major
 *   version when it is not.
 *
 * @param loadSchema - reads the schema of a registered version
 * @public
 */
export async function selectTemplateVersion(options: {
  requestedMajor?: number;
  versions: TemplateVersionInfo[];
  schema: ProtonSchema;
  loadSchema: (major: number, minor: number) => Promise<string | undefined>;
}): Promise<VersionSelection> {
  const { requestedMajor, versions, schema } = options;
  if (requestedMajor !== undefined) {
    return {
      major: requestedMajor,
      reason: `major version ${requestedMajor} was requested`,
    };
  }
  const registered = versions.filter(v => REGISTERED.includes(v.status));
  if (registered.length === 0) {
    return { reason: 'the template has no registered version yet' };
  }
  const latest = registered.reduce((a, b) =>
    b.major > a.major || (b.major === a.major && b.minor > a.minor) ? b : a,
  );
  const comparedWith = `${latest.major}.${latest.minor}`;
  const previousText = await options.loadSchema(latest.major, latest.minor);
  if (previousText === undefined) {
    return { comparedWith, reason: `the schema of ${comparedWith} is unknown` };
  }
  const changes = describeIncompatibilities(
    parseProtonSchema(previousText),
    schema,
  );
  if (changes.length === 0) {
    return {
      major: latest.major,
      comparedWith,
      reason: `the schema is backward compatible with ${comparedWith}`,
    };
  }
  return {
    comparedWith,
    reason: `the schema is not backward compatible with ${comparedWith}: ${changes.join(
      '; ',
    )}`,
  };
}
