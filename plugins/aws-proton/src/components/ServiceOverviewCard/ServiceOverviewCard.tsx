import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { MissingAnnotationEmptyState } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Cell,
  CellText,
  Column,
  Flex,
  Row,
  Skeleton,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import {
  AWS_PROTON_SERVICE_ANNOTATION,
  parseProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import { ReactNode } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { awsProtonApiRef, ServiceOverview } from '../../api/AwsProtonApi';
import { ProtonStatus } from '../ProtonStatus/ProtonStatus';

function CardFrame(props: { children: ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <Text as="h3" variant="title-x-small" weight="bold">
          AWS Proton service
        </Text>
      </CardHeader>
      <CardBody>{props.children}</CardBody>
    </Card>
  );
}

function InstancesTable(props: { overview: ServiceOverview }) {
  return (
    <TableRoot aria-label="Service instances">
      <TableHeader>
        <Column isRowHeader>Instance</Column>
        <Column>Environment</Column>
        <Column>Deployment</Column>
        <Column>Template version</Column>
      </TableHeader>
      <TableBody items={props.overview.instances}>
        {instance => (
          <Row id={instance.name}>
            <CellText title={instance.name} />
            <CellText title={instance.environmentName} />
            <Cell>
              <ProtonStatus kind="deployment" status={instance.deploymentStatus} />
            </Cell>
            <CellText
              title={instance.templateVersion}
              description={
                instance.upgradeAvailable
                  ? `upgrade available: ${props.overview.recommendedVersion}`
                  : undefined
              }
            />
          </Row>
        )}
      </TableBody>
    </TableRoot>
  );
}

function ServiceOverviewContent() {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const { value, loading, error } = useAsyncRetry(
    () => api.getServiceOverview(getCompoundEntityRef(entity)),
    [api, stringifyEntityRef(entity)],
  );
  if (loading) {
    return <Skeleton width="100%" height={96} />;
  }
  if (error || !value) {
    return (
      <Alert
        status="danger"
        title="Could not load the Proton service"
        description={error?.message ?? 'The backend returned nothing'}
      />
    );
  }
  return (
    <Flex direction="column" gap="3">
      <Flex gap="2" align="center">
        <Text weight="bold">{value.name}</Text>
        <ProtonStatus kind="service" status={value.status} />
      </Flex>
      {value.statusMessage && <Text color="secondary">{value.statusMessage}</Text>}
      <Text variant="body-small" color="secondary">
        Template {value.templateName}
        {value.recommendedVersion
          ? `, recommended version ${value.recommendedVersion}`
          : ''}
      </Text>
      <InstancesTable overview={value} />
    </Flex>
  );
}

/**
 * The entity card for a catalog entity annotated with `aws.amazon.com/aws-proton-service`: the service's
 * status and every instance with its deployment status and template version.
 *
 * @public
 */
export function ServiceOverviewCard() {
  const { entity } = useEntity();
  const value = entity.metadata.annotations?.[AWS_PROTON_SERVICE_ANNOTATION];
  if (!value) {
    return (
      <MissingAnnotationEmptyState annotation={AWS_PROTON_SERVICE_ANNOTATION} />
    );
  }
  try {
    parseProtonArn(value, 'service');
  } catch (error) {
    return (
      <CardFrame>
        <Alert
          status="danger"
          title={`The ${AWS_PROTON_SERVICE_ANNOTATION} annotation is not valid`}
          description={(error as Error).message}
        />
      </CardFrame>
    );
  }
  return (
    <CardFrame>
      <ServiceOverviewContent />
    </CardFrame>
  );
}
