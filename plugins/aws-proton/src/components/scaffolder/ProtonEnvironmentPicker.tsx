import {
  FormControl,
  FormHelperText,
  ListItemText,
  MenuItem,
  TextField,
} from '@material-ui/core';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { ProtonStatus } from '../ProtonStatus/ProtonStatus';
import { ProtonTemplateOptions, resolveTemplateChoice } from './templateChoice';
import { useCatalogRead, useTemplateCatalog } from './useTemplateCatalog';

/**
 * Picks a Proton environment that the chosen service template's major version can deploy into
 * (the template is fixed by `ui:options` or picked by a `ProtonServiceTemplatePicker` field), with
 * each environment's deployment status. Environments that cannot take instances now are disabled.
 * Its value is the environment name.
 *
 * @public
 */
export function ProtonEnvironmentPicker(
  props: FieldExtensionComponentProps<string, ProtonTemplateOptions>,
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
    formContext,
  } = props;
  const options = uiSchema?.['ui:options'] ?? {};
  const target = { accountId: options.accountId, region: options.region };
  const choice = resolveTemplateChoice(options, formContext?.formData);
  const client = useTemplateCatalog();
  const environments = useCatalogRead(
    choice
      ? `${choice.name}/${choice.majorVersion}/${target.accountId}/${target.region}`
      : undefined,
    () =>
      choice
        ? client.listEnvironments(choice.name, choice.majorVersion, target)
        : undefined,
  );
  const listed = environments.value ?? [];
  let help = schema.description;
  if (!choice) {
    help = 'Choose a service template first';
  } else if (environments.loading) {
    help = 'Loading the compatible environments…';
  } else if (listed.length === 0 && !environments.error) {
    help = `No environment runs a template that ${choice.name} ${choice.majorVersion} deploys into`;
  }

  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={!!rawErrors?.length || !!environments.error}
    >
      <TextField
        id={idSchema?.$id ?? 'proton-environment'}
        select
        label={schema.title ?? 'Environment'}
        required={required}
        disabled={disabled || !choice || environments.loading}
        value={listed.some(e => e.name === formData) ? formData : ''}
        onChange={e => onChange(e.target.value)}
        helperText={help}
        SelectProps={{ renderValue: value => String(value) }}
      >
        {listed.map(environment => (
          <MenuItem
            key={environment.name}
            value={environment.name}
            disabled={!environment.deployable}
          >
            <ListItemText
              primary={environment.name}
              secondary={
                <>
                  <ProtonStatus
                    status={environment.deploymentStatus}
                    kind="deployment"
                  />
                  {` · ${environment.templateName} ${
                    environment.templateVersion
                  }${
                    environment.description
                      ? ` · ${environment.description}`
                      : ''
                  }`}
                </>
              }
            />
          </MenuItem>
        ))}
      </TextField>
      {environments.error && (
        <FormHelperText>{environments.error.message}</FormHelperText>
      )}
      {rawErrors?.map(message => (
        <FormHelperText key={message}>{message}</FormHelperText>
      ))}
    </FormControl>
  );
}
