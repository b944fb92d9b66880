import { checkManifest } from './manifestChecks';

describe('checkManifest', () => {
  it('accepts CodeBuild provisioning and summarises its commands', () => {
    const { issues, summary } = checkManifest(`infrastructure:
  templates:
    - rendering_engine: codebuild
      settings:
        image: aws/codebuild/amazonlinux2-x86_64-standard:5.0
        runtimes:
          nodejs: 20
        provision:
          - npm ci
          - pulumi up --yes
        deprovision:
          - pulumi destroy --yes
`);
    expect(issues).toEqual([]);
    expect(summary).toEqual({
      engines: ['codebuild'],
      files: [],
      commands: ['npm ci', 'pulumi up --yes', 'pulumi destroy --yes'],
    });
  });

  it('accepts CloudFormation and Terraform entries', () => {
    const cfn = checkManifest(
      'infrastructure:\n  templates:\n    - file: cloudformation.yaml\n      rendering_engine: jinja\n      template_language: cloudformation\n',
    );
    expect(cfn.issues).toEqual([]);
    expect(cfn.summary.files).toEqual(['cloudformation.yaml']);
    const tf = checkManifest(
      'infrastructure:\n  templates:\n    - file: "*"\n      rendering_engine: hcl\n      template_language: terraform\n',
    );
    expect(tf.issues).toEqual([]);
  });

  it('reports unknown keys, missing command lists and mismatched engines', () => {
    const { issues } = checkManifest(`infrastructure:
  templates:
    - rendering_engine: codebuild
      settings:
        provison: [npm ci]
        deprovision: []
    - file: main.tf
      rendering_engine: jinja
      template_language: terraform
      extra: 1
`);
    expect(issues).toEqual([
      expect.objectContaining({
        severity: 'warning',
        at: 'infrastructure.templates[0].settings.provison',
      }),
      expect.objectContaining({
        severity: 'error',
        at: 'infrastructure.templates[0].settings.provision',
      }),
      expect.objectContaining({
        severity: 'error',
        at: 'infrastructure.templates[0].settings.deprovision',
      }),
      expect.objectContaining({
        severity: 'warning',
        at: 'infrastructure.templates[1].extra',
      }),
      expect.objectContaining({
        severity: 'error',
        at: 'infrastructure.templates[1].rendering_engine',
      }),
    ]);
  });

  it('reports invalid YAML and a missing infrastructure section', () => {
    expect(checkManifest('a: [').issues[0].message).toMatch(/^not valid YAML/);
    expect(checkManifest('templates: []').issues[0]).toMatchObject({
      at: 'infrastructure',
    });
  });
});
