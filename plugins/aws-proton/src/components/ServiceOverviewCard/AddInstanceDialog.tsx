import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Select,
  Skeleton,
  Text,
  TextField,
} from '@backstage/ui';
import {
  isProtonResourceName,
  parseProtonArn,
  parseProtonSchema,
  ProtonSchema,
  ServiceOverview,
} from '@proton-platform/plugin-aws-proton-common';
import { useEffect, useState } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import {
  InstanceInputsForm,
  useInputsIssues,
  withSchemaDefaults,
} from '../InstanceActions/InstanceInputsForm';
import { ProtonCompatibleEnvironment } from '../scaffolder/ProtonTemplateCatalogClient';
import { useTemplateCatalog } from '../scaffolder/useTemplateCatalog';

interface Loaded {
  version: string;
  schema: ProtonSchema;
  /** The environments the version deploys into that have no instance of the service yet. */
  environments: ProtonCompatibleEnvironment[];
}

/** Why a new instance's name cannot be used, or undefined when it can. */
function nameProblem(name: string, taken: string[]): string | undefined {
  if (!name) return 'Give the instance a name';
  if (!isProtonResourceName(name)) {
    return 'Use 1 to 100 letters, digits, "-" or "_", starting with a letter or digit';
  }
  if (taken.includes(name))
    return `The service already has an instance ${name}`;
  return undefined;
}

/**
 * Adds an instance of the service in another environment: its name, an environment the service
 * template's recommended version deploys into, and its inputs in a form of that version's schema,
 * checked as the wizard checks them before anything is created.
 */
export function AddInstanceDialog(props: {
  overview: ServiceOverview;
  isOpen: boolean;
  onClose: () => void;
  onStarted: () => void;
}) {
  const { overview, isOpen, onClose, onStarted } = props;
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const catalog = useTemplateCatalog();
  const [loaded, setLoaded] = useState<Loaded>();
  const [loadError, setLoadError] = useState<Error>();
  const [name, setName] = useState('');
  // the name follows the chosen environment until the user types one
  const [nameTyped, setNameTyped] = useState(false);
  const [environment, setEnvironment] = useState<string>();
  const [inputs, setInputs] = useState<Record<string, unknown>>({});
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error>();
  const { templateName, recommendedVersion, arn } = overview;
  const taken = overview.instances.map(i => i.name);
  const used = overview.instances.map(i => i.environmentName);

  useEffect(() => {
    if (!isOpen) return undefined;
    let live = true;
    setLoaded(undefined);
    setLoadError(undefined);
    setError(undefined);
    setSubmitted(false);
    setName('');
    setNameTyped(false);
    setEnvironment(undefined);
    if (!recommendedVersion) {
      setLoadError(
        new Error(`${templateName} has no published version to deploy`),
      );
      return undefined;
    }
    const { accountId, region } = parseProtonArn(arn);
    const target = { accountId, region };
    Promise.all([
      catalog.getVersion('service', templateName, recommendedVersion, target),
      catalog.listEnvironments(
        templateName,
        recommendedVersion.split('.')[0],
        target,
      ),
    ])
      .then(([version, environments]) => {
        if (!live) return;
        const schema = parseProtonSchema(version.schema);
        setLoaded({
          version: recommendedVersion,
          schema,
          environments: environments.filter(e => !used.includes(e.name)),
        });
        setInputs(withSchemaDefaults(schema, {}));
      })
      .catch(e => live && setLoadError(e));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [catalog, templateName, recommendedVersion, arn, isOpen]);

  const issues = useInputsIssues(loaded?.schema, inputs);
  const badName = nameProblem(name, taken);

  const add = async () => {
    setSubmitted(true);
    if (issues.length > 0 || badName || !environment) return;
    setPending(true);
    setError(undefined);
    try {
      await api.addServiceInstance(getCompoundEntityRef(entity), {
        name,
        environment,
        inputs,
        // the version this form was made from, not one published meanwhile
        templateVersion: loaded?.version,
      });
      onStarted();
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(false);
    }
  };

  const title = `Add an instance of ${overview.name}`;
  const problems = issues.length + (badName ? 1 : 0) + (environment ? 0 : 1);
  return (
    <Dialog
      isOpen={isOpen}
      onOpenChange={open => !open && !pending && onClose()}
      width={640}
      aria-label={title}
    >
      <DialogHeader>{title}</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          {loadError && (
            <Alert
              status="danger"
              title="The template could not be read"
              description={loadError.message}
            />
          )}
          {!loaded && !loadError && (
            <Skeleton width="100%" height={160} aria-label="Loading" />
          )}
          {loaded && (
            <>
              <Text>
                Deploys a new instance with {templateName} {loaded.version}.
              </Text>
              <TextField
                label="Instance name"
                isRequired
                value={name}
                onChange={value => {
                  setName(value);
                  setNameTyped(true);
                }}
                isDisabled={pending}
                isInvalid={submitted && !!badName}
                description={
                  submitted && badName
                    ? badName
                    : 'Often the environment name, for example staging'
                }
              />
              {loaded.environments.length === 0 ? (
                <Alert
                  status="warning"
                  title={`No environment is left for ${templateName} ${loaded.version}`}
                  description="The service has an instance in each environment this version deploys into."
                />
              ) : (
                <Select
                  label="Environment"
                  isRequired
                  value={environment ?? null}
                  onChange={value => {
                    setEnvironment(String(value));
                    if (!nameTyped) setName(String(value));
                  }}
                  isDisabled={pending}
                  isInvalid={submitted && !environment}
                  description={
                    submitted && !environment
                      ? 'Choose the environment to deploy the instance into'
                      : undefined
                  }
                  options={loaded.environments.map(e => ({
                    id: e.name,
                    label: e.deployable
                      ? e.name
                      : `${e.name} (${e.deploymentStatus.toLowerCase()})`,
                    disabled: !e.deployable,
                  }))}
                />
              )}
              <InstanceInputsForm
                schema={loaded.schema}
                inputs={inputs}
                onChange={setInputs}
                issues={issues}
                submitted={submitted}
                disabled={pending}
              />
            </>
          )}
          {submitted && problems > 0 && (
            <Alert
              status="warning"
              title={
                problems === 1
                  ? '1 field needs a change before deploying'
                  : `${problems} fields need a change before deploying`
              }
            />
          )}
          {error && (
            <Alert
              status="danger"
              title="Proton refused the instance"
              description={error.message}
            />
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" isDisabled={pending} onPress={onClose}>
          Cancel
        </Button>
        <Button
          variant="primary"
          isPending={pending}
          isDisabled={!loaded || loaded.environments.length === 0}
          onPress={add}
        >
          Deploy
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
