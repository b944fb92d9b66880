import { parseProtonSchema } from '@proton-platform/plugin-aws-proton-common';
import { checkInputUsage } from './inputUsage';

const SCHEMA = parseProtonSchema(`schema:
  format:
    openapi: "3.0.0"
  service_input_type: SvcInput
  types:
    SvcInput:
      type: object
      properties:
        port:
          type: number
        image:
          type: string
`);

describe('checkInputUsage', () => {
  it('counts reads from programs, Pulumi config and templates, folder by folder', () => {
    const findings = checkInputUsage(SCHEMA, [
      {
        path: 'instance_infrastructure/index.ts',
        text: `import * as pulumi from '@pulumi/pulumi';\nconst config = new pulumi.Config();\nconfig.requireNumber('port');\nconfig.require('serviceName');\nconfig.require('protonServiceName');\nconfig.require('unknownKey');\n`,
      },
      {
        path: 'instance_infrastructure/proton.jq',
        text: `def config_entries: (.service_instance.inputs // {}) + { protonServiceName: .service.name };\n`,
      },
      {
        path: 'instance_infrastructure/provision.sh',
        text: `pulumi config set serviceName "$(jq -r .service.name proton-inputs.json)"\npulumi config set image "$(jq -r .service_instance.inputs.image proton-inputs.json)"\n`,
      },
    ]);
    expect(findings).toEqual([
      {
        severity: 'warning',
        path: 'instance_infrastructure/index.ts:6',
        message:
          'reads Pulumi config "unknownKey", which is not a service input of the schema: make sure the manifest sets it',
      },
    ]);
  });

  it('does not report unused inputs when a use cannot be followed', () => {
    const findings = checkInputUsage(SCHEMA, [
      {
        path: 'instance_infrastructure/index.ts',
        text: `const inputs = JSON.parse(fs.readFileSync('proton-inputs.json', 'utf8')).service_instance.inputs;\nbuild(inputs);\n`,
      },
    ]);
    expect(findings).toEqual([
      {
        severity: 'info',
        path: 'instance_infrastructure/index.ts:2',
        message:
          'inputs is used as a whole: reads through it are not followed; unused service inputs are not reported',
      },
    ]);
  });

  it('reads CloudFormation and Terraform references', () => {
    const findings = checkInputUsage(SCHEMA, [
      {
        path: 'instance_infrastructure/cloudformation.yaml',
        text: 'Port: {{ service_instance.inputs.port }}\nImage: {{service_instance.inputs.imag}}\n',
      },
    ]);
    expect(findings.map(f => [f.severity, f.path, f.message])).toEqual([
      [
        'error',
        'instance_infrastructure/cloudformation.yaml:2',
        'reads service input "imag", which the schema does not declare',
      ],
      [
        'warning',
        'schema/schema.yaml',
        'service input "image" is not read by instance_infrastructure/',
      ],
    ]);
  });
});
