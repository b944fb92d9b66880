import { stringify } from 'yaml';
import type { ProvisioningSteps } from './provisioningManifest';
import { CALLBACK_PRELUDE } from './stepEnvironment';

/** What a build runs, from the manifest: the buildspec and the settings CodeBuild honours. */
export interface CodeBuildPlan {
  /** A buildspec 0.2 document (YAML). */
  buildspec: string;
  /** `settings.image` of the manifest, for `imageOverride`. */
  image?: string;
  /** The manifest's commands (without the prelude), in order. */
  commands: string[];
}

/**
 * The buildspec of a deployment: version 0.2 with `env.shell: bash`, so that the commands of a
 * phase run in one shell session, in order, and the first failing one fails the build, as the
 * `local` runner runs them. `phases.build.commands` are {@link CALLBACK_PRELUDE} followed by the
 * manifest's `provision` or `deprovision` steps; the manifest's `runtimes` (e.g. `{nodejs: 18}`)
 * become `phases.install.runtime-versions`, which CodeBuild's standard images honour.
 */
export function codebuildPlan(steps: ProvisioningSteps): CodeBuildPlan {
  const { settings, commands } = steps;
  const phases: Record<string, unknown> = {};
  const runtimes = settings.runtimes;
  if (runtimes && typeof runtimes === 'object' && !Array.isArray(runtimes)) {
    phases.install = { 'runtime-versions': runtimes };
  }
  phases.build = { commands: [CALLBACK_PRELUDE, ...commands] };
  const buildspec = stringify(
    { version: 0.2, env: { shell: 'bash' }, phases },
    { lineWidth: 0 },
  );
  return {
    buildspec,
    image: typeof settings.image === 'string' ? settings.image : undefined,
    commands,
  };
}
