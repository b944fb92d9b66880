import { Card, CardBody, CardHeader, Flex, Select, Text } from '@backstage/ui';
import {
  AWS_PROTON_SERVICE_ANNOTATION,
  compareTemplateVersions,
  ServiceOverview,
  ServicePipelineView,
} from '@proton-platform/plugin-aws-proton-common';
import { useState } from 'react';
import { AnnotationGate } from '../AnnotationGate/AnnotationGate';
import { OutputList } from '../OutputList/OutputList';
import { ProtonStatus } from '../ProtonStatus/ProtonStatus';
import { ResourceState } from '../ResourceState/ResourceState';
import { TemplateVersion } from '../TemplateVersion/TemplateVersion';
import {
  ServiceInstancesTable,
  useServiceOverview,
} from '../ServiceOverviewCard/ServiceOverviewCard';
import { DeploymentHistory } from '../DeploymentHistory/DeploymentHistory';
import { StatusMessage } from '../StatusMessage/StatusMessage';

function Section(props: { title: string; children: React.ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <Text as="h3" variant="title-x-small" weight="bold">
          {props.title}
        </Text>
      </CardHeader>
      <CardBody>{props.children}</CardBody>
    </Card>
  );
}

/** Which instances run each template version, newest version first; the recommended one marked. */
function TemplateVersions(props: { overview: ServiceOverview }) {
  const byVersion = new Map<string, string[]>();
  for (const instance of props.overview.instances) {
    const names = byVersion.get(instance.template.version) ?? [];
    byVersion.set(instance.template.version, [...names, instance.name]);
  }
  const versions = [...byVersion.keys()].sort((a, b) =>
    compareTemplateVersions(b, a),
  );
  return (
    <Flex direction="column" gap="2">
      <Text variant="body-small" color="secondary">
        Template {props.overview.templateName}; recommended version{' '}
        {props.overview.recommendedVersion ?? 'none published'}
      </Text>
      {versions.map(version => (
        <Flex key={version} gap="2">
          <Text weight="bold">
            {version}
            {version === props.overview.recommendedVersion
              ? ' (recommended)'
              : ''}
          </Text>
          <Text>{byVersion.get(version)!.join(', ')}</Text>
        </Flex>
      ))}
    </Flex>
  );
}

/** The history choice for the pipeline: no instance name can start with `_` (Proton's name pattern). */
const PIPELINE = '_pipeline';

/** The service's pipeline: status, template version against the recommended one, outputs. */
export function PipelineSummary(props: { pipeline: ServicePipelineView }) {
  const { pipeline } = props;
  return (
    <Flex direction="column" gap="2">
      <Flex gap="2" align="center">
        <ProtonStatus kind="deployment" status={pipeline.deploymentStatus} />
        <TemplateVersion standing={pipeline.template} />
      </Flex>
      {pipeline.deploymentStatusMessage && (
        <StatusMessage
          message={pipeline.deploymentStatusMessage}
          subject="the pipeline"
        />
      )}
      <OutputList outputs={pipeline.outputs} />
    </Flex>
  );
}

function ServiceProtonContent() {
  const state = useServiceOverview();
  return (
    <ResourceState
      state={state}
      what="the Proton service"
      placeholderHeight={200}
    >
      {value => <ServiceSections value={value} refresh={state.refresh} />}
    </ResourceState>
  );
}

function ServiceSections({
  value,
  refresh,
}: {
  value: ServiceOverview;
  refresh: () => void;
}) {
  const [selected, setSelected] = useState<string>();
  const [changes, setChanges] = useState(0);
  const historyOf = selected ?? value.instances[0]?.name;
  const onChanged = () => {
    refresh();
    setChanges(c => c + 1);
  };
  return (
    <Flex direction="column" gap="4">
      <Section title="Service">
        <Flex gap="2" align="center">
          <Text weight="bold">{value.name}</Text>
          <ProtonStatus kind="service" status={value.status} />
          {value.description && (
            <Text color="secondary">{value.description}</Text>
          )}
        </Flex>
      </Section>
      <Section title="Instances">
        <ServiceInstancesTable overview={value} onChanged={onChanged} />
      </Section>
      {value.pipeline && (
        <Section title="Pipeline">
          <PipelineSummary pipeline={value.pipeline} />
        </Section>
      )}
      <Section title="Outputs">
        <Flex direction="column" gap="4">
          {value.instances.map(instance => (
            <Flex key={instance.name} direction="column" gap="1">
              <Text weight="bold">{instance.name}</Text>
              <OutputList outputs={instance.outputs} />
              {instance.components.map(component => (
                <div
                  key={component.name}
                  role="group"
                  aria-label={`Component ${component.name}`}
                >
                  <Flex direction="column" gap="1">
                    <Flex gap="2" align="center">
                      <Text variant="body-small">
                        Component {component.name}
                      </Text>
                      <ProtonStatus
                        kind="deployment"
                        status={component.deploymentStatus}
                      />
                    </Flex>
                    {component.deploymentStatusMessage && (
                      <StatusMessage
                        message={component.deploymentStatusMessage}
                        subject={`the component ${component.name}`}
                      />
                    )}
                    <OutputList outputs={component.outputs} />
                  </Flex>
                </div>
              ))}
            </Flex>
          ))}
        </Flex>
      </Section>
      <Section title="Template versions">
        <TemplateVersions overview={value} />
      </Section>
      {(historyOf || value.pipeline) && (
        <Section title="Deployment history">
          <Flex direction="column" gap="3">
            <Select
              label={value.pipeline ? 'Instance or pipeline' : 'Instance'}
              value={historyOf ?? PIPELINE}
              onChange={key => setSelected(String(key))}
              options={[
                ...value.instances.map(i => ({ id: i.name, label: i.name })),
                ...(value.pipeline
                  ? [{ id: PIPELINE, label: 'Pipeline' }]
                  : []),
              ]}
            />
            <DeploymentHistory
              source={
                (historyOf ?? PIPELINE) === PIPELINE
                  ? 'pipeline'
                  : { instanceName: historyOf! }
              }
              refreshKey={changes}
            />
          </Flex>
        </Section>
      )}
    </Flex>
  );
}

/**
 * The "Proton" entity tab: instances with outputs and actions, the template versions they run, and
 * each instance's deployment history.
 *
 * @public
 */
export function ProtonContent() {
  return (
    <AnnotationGate
      annotation={AWS_PROTON_SERVICE_ANNOTATION}
      resourceType="service"
      title="AWS Proton"
    >
      <ServiceProtonContent />
    </AnnotationGate>
  );
}
