import { findProgramInputReads } from './programInputs';

function reads(
  text: string,
  section: 'environment' | 'service_instance' = 'environment',
) {
  const analysis = findProgramInputReads(
    [{ path: 'infrastructure/index.ts', text }],
    section,
  );
  return {
    names: [
      ...new Set(analysis.reads.map(r => `${r.section}.${r.name}`)),
    ].sort(),
    opaque: analysis.opaqueUses.map(u => u.message),
    analysis,
  };
}

describe('findProgramInputReads', () => {
  it('follows JSON.parse of proton-inputs.json through variables, property and element access', () => {
    const result = reads(`
      import * as fs from 'fs';
      const protonInputs = JSON.parse(fs.readFileSync('proton-inputs.json', 'utf8'));
      const inputs = protonInputs.environment.inputs;
      export const port = inputs.port;
      const cpu: number = inputs["cpu"] ?? 256;
      const memory = (inputs as any).memory_mib.toString();
      const nested = inputs.network.cidr;
    `);
    expect(result.names).toEqual([
      'environment.cpu',
      'environment.memory_mib',
      'environment.network',
      'environment.port',
    ]);
    expect(result.opaque).toEqual([]);
  });

  it('reports where each input is read', () => {
    const { analysis } = reads(
      `const doc = JSON.parse(require('fs').readFileSync('proton-inputs.json', 'utf8'));\n` +
        `\nconst port = doc.service_instance.inputs.port;\n`,
      'service_instance',
    );
    expect(analysis.reads).toEqual([
      {
        section: 'service_instance',
        name: 'port',
        at: 'infrastructure/index.ts:3',
        via: 'proton-inputs',
      },
    ]);
  });

  it('follows destructuring, defaults, renames and nested patterns', () => {
    const result = reads(`
      const raw = fs.readFileSync(path.join(__dirname, 'proton-inputs.json'), 'utf8');
      const { service_instance: { inputs: { port, desired_count: count = 1 } } } = JSON.parse(raw);
      const { environment } = JSON.parse(raw);
      const { image } = environment.inputs;
    `);
    expect(result.names).toEqual([
      'environment.image',
      'service_instance.desired_count',
      'service_instance.port',
    ]);
  });

  it('follows a file name held in a variable, require() and imports of the JSON file', () => {
    expect(
      reads(`
        const inputsFile = path.resolve('proton-inputs.json');
        const doc = JSON.parse(fs.readFileSync(inputsFile).toString());
        doc.environment.inputs.vpc_cidr;
      `).names,
    ).toEqual(['environment.vpc_cidr']);
    expect(
      reads(
        `const doc = require('./proton-inputs.json'); doc.environment.inputs.a;`,
      ).names,
    ).toEqual(['environment.a']);
    expect(
      reads(
        `import doc from './proton-inputs.json'; const { b } = doc.environment.inputs;`,
      ).names,
    ).toEqual(['environment.b']);
  });

  it('respects scopes: a shadowing variable is not the inputs object', () => {
    const result = reads(`
      const inputs = JSON.parse(fs.readFileSync('proton-inputs.json', 'utf8')).environment.inputs;
      function other(inputs: { name: string }) { return inputs.name; }
      inputs.real;
    `);
    expect(result.names).toEqual(['environment.real']);
  });

  it('ignores look-alikes that do not come from proton-inputs.json', () => {
    expect(
      reads(
        `const config = JSON.parse(fs.readFileSync('settings.json', 'utf8')); config.environment.inputs.x;`,
      ).names,
    ).toEqual([]);
    expect(
      reads(
        `const doc = JSON.parse(read('proton-inputs.json')); doc.service.name; doc.environment.outputs.vpc;`,
      ).names,
    ).toEqual([]);
  });

  it('reports reads through a Pulumi Config of the project namespace', () => {
    const { analysis } = reads(`
      import * as pulumi from '@pulumi/pulumi';
      const config = new pulumi.Config();
      const port = config.requireNumber('port');
      const name = config.get("name");
      const region = new pulumi.Config('aws').require('region');
    `);
    expect(analysis.reads.map(r => [r.name, r.via])).toEqual([
      ['port', 'pulumi-config'],
      ['name', 'pulumi-config'],
    ]);
  });

  it('reports reads through a Config parameter, whatever Config it is given', () => {
    const { analysis } = reads(`
      import * as pulumi from '@pulumi/pulumi';
      export function readInputs(config: pulumi.Config) {
        return { cidr: config.get('vpcCidrBlock') ?? '10.0.0.0/16', name: config.require('protonEnvironmentName') };
      }
      function unrelated(settings: Settings) { return settings.get('x'); }
    `);
    expect(analysis.reads.map(r => r.name)).toEqual([
      'vpcCidrBlock',
      'protonEnvironmentName',
    ]);
  });

  it('reports uses it cannot follow', () => {
    const result = reads(`
      const inputs = JSON.parse(fs.readFileSync('proton-inputs.json', 'utf8')).environment.inputs;
      const key = 'port';
      inputs[key];
      build(inputs);
      const copy = { ...inputs };
    `);
    expect(result.opaque).toEqual([
      'a computed key: reads through it are not followed',
      'inputs is used as a whole: reads through it are not followed',
      'inputs is used as a whole: reads through it are not followed',
    ]);
  });

  it('analyses JavaScript too', () => {
    const analysis = findProgramInputReads(
      [
        {
          path: 'infrastructure/index.js',
          text: `const d = JSON.parse(fs.readFileSync('proton-inputs.json')); module.exports = d.environment.inputs.size;`,
        },
      ],
      'environment',
    );
    expect(analysis.reads.map(r => r.name)).toEqual(['size']);
  });
});
