import { formatProtonArn, InvalidProtonArnError, parseProtonArn } from './arn';

const PREFIX = 'arn:aws:proton:us-east-1:123456789012';

describe('Proton ARNs', () => {
  it.each([
    [`${PREFIX}:service/web`, { resourceType: 'service', name: 'web' }],
    [`${PREFIX}:environment/dev`, { resourceType: 'environment', name: 'dev' }],
    [`${PREFIX}:component/cache`, { resourceType: 'component', name: 'cache' }],
    [
      `${PREFIX}:service/web/service-instance/dev`,
      { resourceType: 'service-instance', name: 'web', instanceName: 'dev' },
    ],
    [
      `${PREFIX}:service/web/pipeline/a1b2c3d4-5678-90ab-cdef-000000000001`,
      {
        resourceType: 'service-pipeline',
        name: 'web',
        pipelineId: 'a1b2c3d4-5678-90ab-cdef-000000000001',
      },
    ],
    [`${PREFIX}:service/web/pipeline`, { resourceType: 'service-pipeline' }],
    [
      `${PREFIX}:service-template/fargate/1.2`,
      {
        resourceType: 'service-template-version',
        name: 'fargate',
        version: '1.2',
      },
    ],
    [
      `${PREFIX}:environment-template/vpc`,
      { resourceType: 'environment-template', name: 'vpc' },
    ],
  ])('reads %s and writes it back the same', (arn, expected) => {
    const parsed = parseProtonArn(arn);
    expect(parsed).toMatchObject({
      partition: 'aws',
      region: 'us-east-1',
      accountId: '123456789012',
      ...expected,
    });
    expect(formatProtonArn(parsed)).toBe(arn);
  });

  it('reads the instance ARNs earlier versions made, and writes them in AWS’s form', () => {
    const parsed = parseProtonArn(`${PREFIX}:service/web/dev`);
    expect(parsed).toMatchObject({
      resourceType: 'service-instance',
      name: 'web',
      instanceName: 'dev',
    });
    expect(formatProtonArn(parsed)).toBe(
      `${PREFIX}:service/web/service-instance/dev`,
    );
    // an instance may be called "pipeline" or "service-instance": the form says what it is
    expect(parseProtonArn(`${PREFIX}:service/web/pipeline`).resourceType).toBe(
      'service-pipeline',
    );
    expect(
      parseProtonArn(`${PREFIX}:service/web/service-instance/pipeline`),
    ).toMatchObject({
      resourceType: 'service-instance',
      instanceName: 'pipeline',
    });
  });

  it.each([
    'arn:aws:s3:::bucket',
    `${PREFIX}:component/web/child`,
    `${PREFIX}:service/web/service-instance`,
    `${PREFIX}:service/web/service-instance/dev/extra`,
    `${PREFIX}:environment/dev/child`,
    `${PREFIX}:service-template/fargate/latest`,
    `${PREFIX}:service/-bad`,
    '',
  ])('refuses %j, naming the value', arn => {
    expect(() => parseProtonArn(arn)).toThrow(InvalidProtonArnError);
  });

  it('says which kind it expected', () => {
    expect(() =>
      parseProtonArn(`${PREFIX}:environment/dev`, 'service'),
    ).toThrow('names an environment, but a service ARN is expected here');
  });
});
