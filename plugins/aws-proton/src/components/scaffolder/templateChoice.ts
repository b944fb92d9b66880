/**
 * The value of `ProtonServiceTemplatePicker`: a template and one of its published versions.
 *
 * @public
 */
export interface ProtonTemplateChoice {
  /** The service template's name. */
  name: string;
  /** The template's major version, such as `1`. */
  majorVersion: string;
  /** The minor version, such as `2`; absent for the recommended minor version of `majorVersion`. */
  minorVersion?: string;
}

/**
 * The `ui:options` by which `ProtonEnvironmentPicker` and `ProtonTemplateInputs` know the template:
 * either fixed (`templateName`, `templateMajorVersion`, optional `templateMinorVersion`), or the
 * value of a `ProtonServiceTemplatePicker` field named by `templateField` (default `serviceTemplate`).
 *
 * @public
 */
export interface ProtonTemplateOptions {
  /** A fixed template's name; used together with `templateMajorVersion`. */
  templateName?: string;
  /** A fixed template's major version; without it `templateName` is ignored and the picked template is used. */
  templateMajorVersion?: string;
  /** A fixed template's minor version; the recommended minor version of the major version when omitted. */
  templateMinorVersion?: string;
  /** The form field holding a `ProtonServiceTemplatePicker` value; `serviceTemplate` by default. */
  templateField?: string;
  /** `service` (default) or `environment` templates. */
  templateKind?: 'service' | 'environment';
  /**
   * Environment templates only: `true` offers only customer managed templates (environments that
   * register infrastructure that exists already), `false` only those Proton provisions; both when omitted.
   */
  customerManaged?: boolean;
  /**
   * Service templates only: `false` offers only templates without a pipeline (for a form that does not
   * ask for the repository a pipeline builds), `true` only those with one; both when omitted.
   */
  withPipeline?: boolean;
  /** The AWS account to read templates and environments from; the backend's default when omitted. */
  accountId?: string;
  /** The AWS Region to read templates and environments from; the backend's default when omitted. */
  region?: string;
}

function isChoice(value: unknown): value is ProtonTemplateChoice {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ProtonTemplateChoice).name === 'string' &&
    typeof (value as ProtonTemplateChoice).majorVersion === 'string'
  );
}

/** The template the options name, or the one picked in the form; undefined until one is picked. */
export function resolveTemplateChoice(
  options: ProtonTemplateOptions | undefined,
  formData: Record<string, unknown> | undefined,
): ProtonTemplateChoice | undefined {
  if (options?.templateName && options.templateMajorVersion) {
    return {
      name: options.templateName,
      majorVersion: String(options.templateMajorVersion),
      minorVersion: options.templateMinorVersion
        ? String(options.templateMinorVersion)
        : undefined,
    };
  }
  const picked = formData?.[options?.templateField ?? 'serviceTemplate'];
  return isChoice(picked) ? picked : undefined;
}

/** `major.minor` of a choice, or `major` for the recommended minor version of that major. */
export function choiceVersion(choice: ProtonTemplateChoice): string {
  return choice.minorVersion
    ? `${choice.majorVersion}.${choice.minorVersion}`
    : choice.majorVersion;
}
