import {
  FormControl,
  FormHelperText,
  ListItemText,
  MenuItem,
  TextField,
} from '@material-ui/core';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { ProtonTemplateChoice, ProtonTemplateOptions } from './templateChoice';
import { useCatalogRead, useTemplateCatalog } from './useTemplateCatalog';

/**
 * Picks a published Proton service (or, with `templateKind: environment`, environment) template and
 * one of its published versions, showing each template's description and recommended version. Its
 * value is `{ name, majorVersion, minorVersion }`.
 *
 * @public
 */
export function ProtonServiceTemplatePicker(
  props: FieldExtensionComponentProps<
    ProtonTemplateChoice,
    ProtonTemplateOptions
  >,
) {
  const {
    formData,
    onChange,
    schema,
    uiSchema,
    required,
    rawErrors,
    disabled,
    idSchema,
  } = props;
  const options = uiSchema?.['ui:options'] ?? {};
  const kind = options.templateKind ?? 'service';
  const target = { accountId: options.accountId, region: options.region };
  const client = useTemplateCatalog();
  const templates = useCatalogRead(
    `${kind}/${target.accountId}/${target.region}`,
    () => client.listTemplates(kind, target),
  );
  const versions = useCatalogRead(formData?.name, () =>
    formData?.name
      ? client.listVersions(kind, formData.name, target)
      : undefined,
  );
  const offered = (templates.value ?? []).filter(
    t =>
      (options.customerManaged === undefined ||
        !!t.customerManaged === options.customerManaged) &&
      (options.withPipeline === undefined ||
        !!t.withPipeline === options.withPipeline),
  );
  const chosen = offered.find(t => t.name === formData?.name);
  const label =
    schema.title ??
    (kind === 'service' ? 'Service template' : 'Environment template');
  const id = idSchema?.$id ?? 'proton-template';

  const pickTemplate = (name: string) => {
    const template = offered.find(t => t.name === name);
    if (!template) return;
    const [majorVersion, minorVersion] = template.recommendedVersion.split('.');
    onChange({ name, majorVersion, minorVersion });
  };
  const pickVersion = (version: string) => {
    const [majorVersion, minorVersion] = version.split('.');
    if (formData?.name)
      onChange({ name: formData.name, majorVersion, minorVersion });
  };
  const error = templates.error ?? versions.error;

  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={!!rawErrors?.length || !!error}
    >
      <TextField
        id={`${id}-name`}
        select
        label={label}
        required={required}
        disabled={disabled || templates.loading}
        value={formData?.name ?? ''}
        onChange={e => pickTemplate(e.target.value)}
        helperText={
          templates.loading
            ? 'Loading the published templates…'
            : chosen?.description ?? schema.description
        }
        SelectProps={{ renderValue: value => String(value) }}
      >
        {offered.map(template => (
          <MenuItem key={template.name} value={template.name}>
            <ListItemText
              primary={template.displayName ?? template.name}
              secondary={`${
                template.description ? `${template.description} · ` : ''
              }recommended ${template.recommendedVersion}`}
            />
          </MenuItem>
        ))}
      </TextField>
      {formData?.name && (
        <TextField
          id={`${id}-version`}
          select
          label="Version"
          margin="normal"
          disabled={disabled || versions.loading}
          value={
            versions.value && formData.minorVersion
              ? `${formData.majorVersion}.${formData.minorVersion}`
              : ''
          }
          onChange={e => pickVersion(e.target.value)}
        >
          {(versions.value ?? []).map(v => (
            <MenuItem
              key={`${v.majorVersion}.${v.minorVersion}`}
              value={`${v.majorVersion}.${v.minorVersion}`}
            >
              {`${v.majorVersion}.${v.minorVersion}${
                `${v.majorVersion}.${v.minorVersion}` ===
                chosen?.recommendedVersion
                  ? ' (recommended)'
                  : ''
              }${v.description ? ` - ${v.description}` : ''}`}
            </MenuItem>
          ))}
        </TextField>
      )}
      {error && <FormHelperText>{error.message}</FormHelperText>}
      {rawErrors?.map(message => (
        <FormHelperText key={message}>{message}</FormHelperText>
      ))}
    </FormControl>
  );
}
