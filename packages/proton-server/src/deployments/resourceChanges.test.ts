import { compareResources, PlannedResource } from './resourceChanges';

const resource = (
  type: string,
  name: string,
  inputs: Record<string, unknown> = {},
  custom = true,
): PlannedResource => ({ type, name, inputs, custom });

const SERVICE = 'aws:ecs/service:Service';
const TARGET_GROUP = 'aws:lb/targetGroup:TargetGroup';
const TASK = 'aws:ecs/taskDefinition:TaskDefinition';

describe('compareResources', () => {
  it('pairs resources by type and name and says what would happen to each', () => {
    const preview = compareResources(
      [
        resource(SERVICE, 'web', { desiredCount: 1, cluster: 'c' }),
        resource(TARGET_GROUP, 'web', { name: 'web-a1b2', port: 80 }),
        resource('aws:cloudwatch/logGroup:LogGroup', 'web', {
          retentionInDays: 7,
        }),
        resource('aws:iam/role:Role', 'old', { assumeRolePolicy: '{}' }),
      ],
      [
        resource(SERVICE, 'web', { cluster: 'c', desiredCount: 2 }),
        resource(TARGET_GROUP, 'web', { name: 'web-c3d4', port: 80 }),
        resource('aws:cloudwatch/logGroup:LogGroup', 'web', {
          retentionInDays: 7,
        }),
        resource('aws:appautoscaling/target:Target', 'web', { maxCapacity: 4 }),
      ],
    );
    expect(preview).toEqual({
      changes: [
        {
          action: 'create',
          type: 'aws:appautoscaling/target:Target',
          name: 'web',
        },
        {
          action: 'replace',
          type: TARGET_GROUP,
          name: 'web',
          changedInputs: ['name'],
        },
        {
          action: 'update',
          type: SERVICE,
          name: 'web',
          changedInputs: ['desiredCount'],
        },
        { action: 'delete', type: 'aws:iam/role:Role', name: 'old' },
      ],
      unchanged: 1,
    });
  });

  it('replaces a task definition for any change but its tags: AWS registers a new revision', () => {
    expect(
      compareResources(
        [resource(TASK, 'web', { family: 'web', cpu: '256' })],
        [resource(TASK, 'web', { family: 'web', cpu: '512' })],
      ).changes,
    ).toEqual([
      { action: 'replace', type: TASK, name: 'web', changedInputs: ['cpu'] },
    ]);
  });

  it('updates a task definition in place when only its tags or the provider’s own settings change', () => {
    expect(
      compareResources(
        [resource(TASK, 'web', { family: 'web', tags: { v: '1.0' } })],
        [
          resource(TASK, 'web', {
            family: 'web',
            tags: { v: '1.1' },
            skipDestroy: true,
          }),
        ],
      ).changes,
    ).toEqual([
      {
        action: 'update',
        type: TASK,
        name: 'web',
        changedInputs: ['skipDestroy', 'tags'],
      },
    ]);
  });

  it('updates what refers to a replaced resource, by its ARN or its unique id, to the replacement', () => {
    const arn = 'arn:aws:simulated:us-east-1:1:task/web';
    const task = (cpu: string) => ({
      ...resource(TASK, 'web', { family: 'web', cpu }),
      id: 'web-simulated',
      arn,
    });
    const service = resource(SERVICE, 'web', { taskDefinition: arn });
    // a name that only begins like the task's id is no reference
    const other = resource(SERVICE, 'web-2', { note: 'web-simulated-2' });
    const policy = resource('aws:iam/rolePolicy:RolePolicy', 'web', {
      policy: JSON.stringify({ Resource: [arn] }),
    });
    expect(
      compareResources(
        [task('256'), service, other, policy],
        [task('512'), service, other, policy],
      ),
    ).toEqual({
      changes: [
        { action: 'replace', type: TASK, name: 'web', changedInputs: ['cpu'] },
        {
          action: 'update',
          type: SERVICE,
          name: 'web',
          changedInputs: ['taskDefinition'],
        },
        {
          action: 'update',
          type: 'aws:iam/rolePolicy:RolePolicy',
          name: 'web',
          changedInputs: ['policy'],
        },
      ],
      unchanged: 1,
    });
  });

  it('follows replacements down the references, and ignores ids that resources of other types share', () => {
    const ROLE = 'aws:iam/role:Role';
    const role = (path: string) => ({
      ...resource(ROLE, 'web', { path }),
      id: 'web-simulated',
      arn: 'arn:role/web',
    });
    // the task definition takes the role's ARN: a new role, a new task definition revision, and
    // the service moves to it; the log group shares the role's id (names repeat across types)
    const task = {
      ...resource(TASK, 'web', { executionRoleArn: 'arn:role/web' }),
      id: 'web-simulated',
      arn: 'arn:task/web',
    };
    const service = resource(SERVICE, 'web', {
      taskDefinition: 'arn:task/web',
    });
    const logs = {
      ...resource('aws:cloudwatch/logGroup:LogGroup', 'web', {
        note: 'web-simulated',
      }),
      id: 'web-simulated',
    };
    expect(
      compareResources(
        [role('/'), task, service, logs],
        [role('/services/'), task, service, logs],
      ),
    ).toEqual({
      changes: [
        { action: 'replace', type: ROLE, name: 'web', changedInputs: ['path'] },
        {
          action: 'replace',
          type: TASK,
          name: 'web',
          changedInputs: ['executionRoleArn'],
        },
        {
          action: 'update',
          type: SERVICE,
          name: 'web',
          changedInputs: ['taskDefinition'],
        },
      ],
      unchanged: 1,
    });
  });

  it('replaces a target group whose port changes: AWS cannot change it in place', () => {
    expect(
      compareResources(
        [
          resource(TARGET_GROUP, 'web', {
            port: 80,
            healthCheck: { path: '/' },
          }),
        ],
        [
          resource(TARGET_GROUP, 'web', {
            port: 8080,
            healthCheck: { path: '/' },
          }),
        ],
      ).changes,
    ).toEqual([
      {
        action: 'replace',
        type: TARGET_GROUP,
        name: 'web',
        changedInputs: ['port'],
      },
    ]);
  });

  it('compares nested inputs by value, not by key order', () => {
    expect(
      compareResources(
        [resource(SERVICE, 'web', { tags: { a: '1', b: '2' }, ports: [80] })],
        [resource(SERVICE, 'web', { ports: [80], tags: { b: '2', a: '1' } })],
      ),
    ).toEqual({ changes: [], unchanged: 1 });
    expect(
      compareResources(
        [resource(SERVICE, 'web', { tags: { a: '1' } })],
        [resource(SERVICE, 'web', { tags: { a: '2' } })],
      ).changes,
    ).toEqual([
      { action: 'update', type: SERVICE, name: 'web', changedInputs: ['tags'] },
    ]);
  });

  it('leaves components out: they group resources and deploy nothing themselves', () => {
    expect(
      compareResources(
        [],
        [resource('awsx:ec2:Vpc', 'vpc', {}, false), resource(SERVICE, 'web')],
      ).changes,
    ).toEqual([{ action: 'create', type: SERVICE, name: 'web' }]);
  });

  it('pairs resources of the same type and name in registration order', () => {
    expect(
      compareResources(
        [
          resource(SERVICE, 'web', { n: 1 }),
          resource(SERVICE, 'web', { n: 2 }),
        ],
        [resource(SERVICE, 'web', { n: 1 })],
      ),
    ).toEqual({
      changes: [{ action: 'delete', type: SERVICE, name: 'web' }],
      unchanged: 1,
    });
  });
});
