import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Cell,
  Column,
  Flex,
  Link,
  Row,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import {
  AWS_PROTON_SERVICE_ANNOTATION,
  isSimulated,
  ProtonOutput,
  ServiceOverview,
} from '@proton-platform/plugin-aws-proton-common';
import { arnBeside, useEntityRefsByArn } from '../../hooks/useEntityRefsByArn';
import { EntityLink } from '../EntityLink/EntityLink';
import { ResourceIdentity } from '../ResourceIdentity/ResourceIdentity';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { useProtonResource } from '../../hooks/useProtonResource';
import { AnnotationGate, ProtonCard } from '../AnnotationGate/AnnotationGate';
import { InstanceActions } from '../InstanceActions/InstanceActions';
import { ServiceActions } from './ServiceActions';
import { ProtonStatus } from '../ProtonStatus/ProtonStatus';
import { ResourceState } from '../ResourceState/ResourceState';
import { TemplateVersion } from '../TemplateVersion/TemplateVersion';
import { StatusMessage } from '../StatusMessage/StatusMessage';

const TITLE = 'AWS Proton service';

/**
 * The service, read through the backend and refreshed with backoff while anything is in progress.
 *
 * @public
 */
export function useServiceOverview() {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  return useProtonResource<ServiceOverview>(
    () => api.getServiceOverview(getCompoundEntityRef(entity)),
    overview => overview.inProgress,
    [api, stringifyEntityRef(entity)],
  );
}

/**
 * The instance's service URL, when its template reports one: a link, except for a simulated
 * deployment, whose host does not exist.
 */
function ServiceUrl(props: { outputs: ProtonOutput[] }) {
  const url = props.outputs.find(o => o.key === 'serviceUrl')?.value;
  if (!url) {
    return <Text color="secondary">—</Text>;
  }
  if (isSimulated(props.outputs)) {
    return (
      <Text
        variant="body-small"
        color="secondary"
        title="Simulated: no such host exists"
        style={{ overflowWrap: 'anywhere' }}
      >
        {url}
      </Text>
    );
  }
  return (
    <Link
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      variant="body-small"
      // a load balancer's URL is long and has few break opportunities: break it anywhere
      style={{ overflowWrap: 'anywhere' }}
    >
      {url}
    </Link>
  );
}

/**
 * The service instances (each with its environment) with their deployment status, template version,
 * service URL and actions. The full outputs are in the Proton tab.
 *
 * @public
 */
export function ServiceInstancesTable(props: {
  overview: ServiceOverview;
  onChanged: () => void;
  /**
   * The catalog entities of the environments by ARN, when the caller has read them (with its own);
   * the table reads them itself otherwise.
   */
  entityRefs?: ReadonlyMap<string, string>;
}) {
  const arns = relatedArns(props.overview);
  const read = useEntityRefsByArn(
    props.entityRefs ? [] : [...arns.environments.values()],
  );
  const entities = props.entityRefs ?? read;
  return (
    <TableRoot aria-label="Service instances">
      <TableHeader>
        <Column isRowHeader>Instance</Column>
        <Column>Deployment</Column>
        <Column>Version</Column>
        <Column>Service URL</Column>
        <Column>Actions</Column>
      </TableHeader>
      <TableBody
        items={props.overview.instances.map(i => ({ ...i, id: i.name }))}
      >
        {instance => (
          <Row id={instance.name}>
            <Cell>
              <Flex direction="column" gap="0">
                <Text variant="body-medium">{instance.name}</Text>
                <Text variant="body-small" color="secondary">
                  in{' '}
                  <EntityLink
                    label={instance.environmentName}
                    entityRef={entities.get(
                      arns.environments.get(instance.environmentName) ?? '',
                    )}
                  />
                </Text>
              </Flex>
            </Cell>
            <Cell>
              <Flex direction="column" gap="1">
                <ProtonStatus
                  kind="deployment"
                  status={instance.deploymentStatus}
                />
                {instance.deploymentStatusMessage && (
                  <StatusMessage
                    variant="body-x-small"
                    message={instance.deploymentStatusMessage}
                    subject={`${props.overview.name}/${instance.name}`}
                  />
                )}
                {isSimulated(instance.outputs) && (
                  <Text variant="body-x-small" color="secondary">
                    simulated: nothing was created
                  </Text>
                )}
              </Flex>
            </Cell>
            <Cell>
              <TemplateVersion standing={instance.template} />
            </Cell>
            <Cell>
              <ServiceUrl outputs={instance.outputs} />
            </Cell>
            <Cell>
              <InstanceActions
                instance={instance}
                serviceName={props.overview.name}
                deletable={props.overview.instances.length > 1}
                onStarted={props.onChanged}
              />
            </Cell>
          </Row>
        )}
      </TableBody>
    </TableRoot>
  );
}

/**
 * The ARNs of the service's template and of its instances' environments: Proton resources of the
 * service's account and Region, whose catalog entities the card links to.
 */
function relatedArns(overview: ServiceOverview) {
  return {
    template: arnBeside(
      overview.arn,
      'service-template',
      overview.templateName,
    ),
    environments: new Map(
      overview.instances.map(i => [
        i.environmentName,
        arnBeside(overview.arn, 'environment', i.environmentName),
      ]),
    ),
  };
}

function ServiceOverviewContent() {
  const state = useServiceOverview();
  return (
    <ResourceState state={state} what="the Proton service">
      {value => <ServiceSummary value={value} onChanged={state.refresh} />}
    </ResourceState>
  );
}

function ServiceSummary({
  value,
  onChanged,
}: {
  value: ServiceOverview;
  onChanged: () => void;
}) {
  // the template's entity and the environments', in one catalog query
  const related = relatedArns(value);
  const templateArn = related.template;
  const entities = useEntityRefsByArn([
    templateArn,
    ...related.environments.values(),
  ]);
  return (
    <>
      <Flex gap="2" align="center">
        <Text weight="bold">{value.name}</Text>
        <ProtonStatus kind="service" status={value.status} />
      </Flex>
      <ResourceIdentity arn={value.arn} />
      {value.statusMessage && (
        <StatusMessage
          variant="body-medium"
          message={value.statusMessage}
          subject={`the service ${value.name}`}
        />
      )}
      <Text variant="body-small" color="secondary">
        Template{' '}
        <EntityLink
          label={value.templateName}
          entityRef={entities.get(templateArn ?? '')}
        />
        {value.recommendedVersion
          ? `, recommended version ${value.recommendedVersion}`
          : ''}
      </Text>
      {value.pipeline && (
        <div role="group" aria-label="Pipeline">
          <Flex gap="2" align="center">
            <Text variant="body-small">Pipeline</Text>
            <ProtonStatus
              kind="deployment"
              status={value.pipeline.deploymentStatus}
            />
            <TemplateVersion standing={value.pipeline.template} />
          </Flex>
        </div>
      )}
      <ServiceInstancesTable
        overview={value}
        onChanged={onChanged}
        entityRefs={entities}
      />
      <ServiceActions overview={value} onChanged={onChanged} />
    </>
  );
}

/**
 * The entity card for a catalog entity annotated with `aws.amazon.com/aws-proton-service`: the service's
 * status and every instance with its deployment status, template version, outputs and actions.
 *
 * @public
 */
export function ServiceOverviewCard() {
  return (
    <AnnotationGate
      annotation={AWS_PROTON_SERVICE_ANNOTATION}
      resourceType="service"
      title={TITLE}
    >
      <ProtonCard title={TITLE}>
        <ServiceOverviewContent />
      </ProtonCard>
    </AnnotationGate>
  );
}
