import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  CellText,
  Cell,
  Column,
  Flex,
  Row,
  TableBody,
  TableHeader,
  TableRoot,
  Tag,
  TagGroup,
  Text,
} from '@backstage/ui';
import {
  AWS_PROTON_ENVIRONMENT_ANNOTATION,
  EnvironmentOverview,
} from '@proton-platform/plugin-aws-proton-common';
import { arnBeside, useEntityRefsByArn } from '../../hooks/useEntityRefsByArn';
import { EntityLink } from '../EntityLink/EntityLink';
import { ResourceIdentity } from '../ResourceIdentity/ResourceIdentity';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { useProtonResource } from '../../hooks/useProtonResource';
import { AnnotationGate, ProtonCard } from '../AnnotationGate/AnnotationGate';
import { DeploymentHistory } from '../DeploymentHistory/DeploymentHistory';
import { OutputList } from '../OutputList/OutputList';
import { ProtonStatus } from '../ProtonStatus/ProtonStatus';
import { ResourceState } from '../ResourceState/ResourceState';
import { TemplateVersion } from '../TemplateVersion/TemplateVersion';
import { StatusMessage } from '../StatusMessage/StatusMessage';

const TITLE = 'AWS Proton environment';

function EnvironmentOverviewContent() {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const state = useProtonResource<EnvironmentOverview>(
    () => api.getEnvironmentOverview(getCompoundEntityRef(entity)),
    overview => overview.inProgress,
    [api, stringifyEntityRef(entity)],
  );
  return (
    <ResourceState state={state} what="the Proton environment">
      {value => <EnvironmentSummary value={value} />}
    </ResourceState>
  );
}

function EnvironmentSummary({ value }: { value: EnvironmentOverview }) {
  const templateArn = arnBeside(
    value.arn,
    'environment-template',
    value.templateName,
  );
  const serviceArn = (name: string) => arnBeside(value.arn, 'service', name);
  const entities = useEntityRefsByArn([
    templateArn,
    ...value.serviceInstances.map(i => serviceArn(i.serviceName)),
  ]);
  return (
    <>
      <Flex gap="2" align="center">
        <Text weight="bold">{value.name}</Text>
        <ProtonStatus kind="deployment" status={value.deploymentStatus} />
        {value.customerManaged && (
          <TagGroup aria-label="How the environment is provisioned">
            <Tag id="customer-managed">Customer managed</Tag>
          </TagGroup>
        )}
      </Flex>
      <ResourceIdentity arn={value.arn} />
      {value.deploymentStatusMessage && (
        <StatusMessage
          variant="body-medium"
          message={value.deploymentStatusMessage}
          subject={`the environment ${value.name}`}
        />
      )}
      <Flex gap="2" align="center">
        <Text variant="body-small" color="secondary">
          Template{' '}
          <EntityLink
            label={value.templateName}
            entityRef={entities.get(templateArn ?? '')}
          />
        </Text>
        <TemplateVersion standing={value.template} />
      </Flex>
      <Text variant="body-medium" weight="bold">
        {value.customerManaged
          ? 'Values of the existing infrastructure'
          : 'Outputs'}
      </Text>
      {value.customerManaged && (
        <Text variant="body-small" color="secondary">
          This environment stands for infrastructure that exists already: Proton
          deploys nothing for it, and hands these values to the services
          deployed here as environment outputs.
        </Text>
      )}
      <OutputList outputs={value.outputs} />
      <Text variant="body-medium" weight="bold">
        Service instances deployed here
      </Text>
      {value.serviceInstances.length === 0 ? (
        <Text variant="body-small" color="secondary">
          None
        </Text>
      ) : (
        <TableRoot aria-label="Service instances in this environment">
          <TableHeader>
            <Column isRowHeader>Service</Column>
            <Column>Instance</Column>
            <Column>Deployment</Column>
            <Column>Template</Column>
          </TableHeader>
          <TableBody
            items={value.serviceInstances.map(i => ({
              ...i,
              id: `${i.serviceName}/${i.name}`,
            }))}
          >
            {instance => (
              <Row id={instance.id}>
                <Cell>
                  <EntityLink
                    label={instance.serviceName}
                    entityRef={entities.get(
                      serviceArn(instance.serviceName) ?? '',
                    )}
                  />
                </Cell>
                <CellText title={instance.name} />
                <Cell>
                  <ProtonStatus
                    kind="deployment"
                    status={instance.deploymentStatus}
                  />
                </Cell>
                <CellText
                  title={`${instance.templateName} ${instance.templateVersion}`}
                />
              </Row>
            )}
          </TableBody>
        </TableRoot>
      )}
      {!value.customerManaged && (
        <>
          <Text variant="body-medium" weight="bold">
            Deployment history
          </Text>
          <DeploymentHistory
            source="environment"
            refreshKey={value.deploymentStatus}
          />
        </>
      )}
    </>
  );
}

/**
 * The entity card for a catalog entity annotated with `aws.amazon.com/aws-proton-environment`: the
 * environment's deployment status, template version, outputs, the service instances deployed into it,
 * and its deployment history with each deployment's log.
 *
 * @public
 */
export function EnvironmentOverviewCard() {
  return (
    <AnnotationGate
      annotation={AWS_PROTON_ENVIRONMENT_ANNOTATION}
      resourceType="environment"
      title={TITLE}
    >
      <ProtonCard title={TITLE}>
        <EnvironmentOverviewContent />
      </ProtonCard>
    </AnnotationGate>
  );
}
