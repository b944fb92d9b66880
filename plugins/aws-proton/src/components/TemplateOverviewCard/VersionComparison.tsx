import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Alert, Flex, Select, Skeleton, Text } from '@backstage/ui';
import {
  ProtonInputsDiff,
  ProtonInputsKind,
  TemplateVersionDiff,
  TemplateVersionView,
} from '@proton-platform/plugin-aws-proton-common';
import { useEffect, useState } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';

const KIND_LABELS: Record<ProtonInputsKind, string> = {
  environment: 'Environment inputs',
  service: 'Instance inputs',
  pipeline: 'Pipeline inputs',
};

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function lines(diff: ProtonInputsDiff): Array<[string, string[]]> {
  return [
    [
      'Added',
      diff.added.map(
        i =>
          `${i.path}${i.type ? ` (${i.type})` : ''}${
            i.default === undefined ? '' : `, default ${shown(i.default)}`
          }${i.required ? ', required' : ''}`,
      ),
    ],
    ['Removed', diff.removed.map(i => i.path)],
    [
      'Type changed',
      diff.typeChanged.map(c => `${c.path}: ${c.from} to ${c.to}`),
    ],
    [
      'New defaults',
      diff.defaultChanged.map(
        c =>
          `${c.path}: ${c.from === undefined ? 'none' : shown(c.from)} to ${
            c.to === undefined ? 'none' : shown(c.to)
          }`,
      ),
    ],
    ['Breaking', diff.breaking.map(b => `${b.path || 'all'}: ${b.message}`)],
  ];
}

function DiffView({ value }: { value: TemplateVersionDiff }) {
  const changed = value.inputs.filter(({ diff }) =>
    lines(diff).some(([, items]) => items.length > 0),
  );
  if (changed.length === 0) {
    return (
      <Text variant="body-small" color="secondary">
        {value.from} and {value.to} declare the same inputs.
      </Text>
    );
  }
  return (
    <Flex direction="column" gap="2">
      {changed.map(({ kind, diff }) => (
        <Flex key={kind} direction="column" gap="1">
          <Text variant="body-small" weight="bold">
            {KIND_LABELS[kind]}
            {diff.breaking.length === 0
              ? ': backward compatible'
              : ': not backward compatible'}
          </Text>
          {lines(diff)
            .filter(([, items]) => items.length > 0)
            .map(([title, items]) => (
              <Flex key={title} direction="column" gap="0">
                <Text
                  variant="body-small"
                  color={title === 'Breaking' ? 'danger' : 'secondary'}
                >
                  {title}
                </Text>
                <ul
                  aria-label={`${KIND_LABELS[kind]}: ${title}`}
                  style={{ margin: 0, paddingLeft: '1.25rem' }}
                >
                  {items.map(item => (
                    <li key={item}>
                      <Text variant="body-small">{item}</Text>
                    </li>
                  ))}
                </ul>
              </Flex>
            ))}
        </Flex>
      ))}
    </Flex>
  );
}

/**
 * Compares the inputs of any two versions of the template: added (with defaults), removed, retyped,
 * new defaults, and what breaks inputs given for the older one. Defaults to the version before the
 * recommended one against the recommended one.
 */
export function VersionComparison(props: { versions: TemplateVersionView[] }) {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const comparable = props.versions.filter(
    v => v.status === 'PUBLISHED' || v.status === 'DRAFT',
  );
  // newest first: the recommended version (or the newest) against the one before it, or after it
  // when it is the oldest
  const recommended = comparable.findIndex(v => v.recommended);
  const toIndex = recommended >= 0 ? recommended : 0;
  const defaultTo = comparable[toIndex]?.version;
  const defaultFrom =
    comparable[toIndex + 1]?.version ?? comparable[toIndex - 1]?.version;
  const [chosen, setChosen] = useState<{ from?: string; to?: string }>({});
  const listed = (version?: string) =>
    version && comparable.some(v => v.version === version)
      ? version
      : undefined;
  // versions come and go as the card refreshes: a choice that is gone falls back to the default
  const from = listed(chosen.from) ?? defaultFrom;
  const to = listed(chosen.to) ?? defaultTo;
  const [state, setState] = useState<{
    value?: TemplateVersionDiff;
    error?: Error;
  }>({});

  useEffect(() => {
    if (!from || !to || from === to) return undefined;
    let live = true;
    setState({});
    api.getTemplateVersionDiff(getCompoundEntityRef(entity), from, to).then(
      value => live && setState({ value }),
      error => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [api, entity, from, to]);

  if (comparable.length < 2) return null;
  const options = comparable.map(v => ({ id: v.version, label: v.version }));
  let body;
  if (from === to) {
    body = (
      <Text variant="body-small" color="secondary">
        Choose two different versions.
      </Text>
    );
  } else if (state.error) {
    body = (
      <Alert
        status="warning"
        title="The versions could not be compared"
        description={state.error.message}
      />
    );
  } else if (!state.value) {
    body = <Skeleton width="100%" height={48} />;
  } else {
    body = <DiffView value={state.value} />;
  }
  return (
    <Flex direction="column" gap="2">
      <Text variant="body-medium" weight="bold">
        Compare versions
      </Text>
      <Flex gap="2" align="end">
        <Select
          label="From"
          value={from}
          onChange={value =>
            setChosen(current => ({ ...current, from: String(value) }))
          }
          options={options}
        />
        <Select
          label="To"
          value={to}
          onChange={value =>
            setChosen(current => ({ ...current, to: String(value) }))
          }
          options={options}
        />
      </Flex>
      {body}
    </Flex>
  );
}
