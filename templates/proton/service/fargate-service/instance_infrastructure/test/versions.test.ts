import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

// Version 1.0 is this bundle with the files of versions/1.0 laid over it (see the README): its schema
// and its Pulumi.yaml (the template version). 1.1 adds one optional input, with a default.
const bundle = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(bundle, file), 'utf8');
const inputsOf = (file: string) => {
  const { schema } = parse(read(file));
  return { ...schema, types: { ...schema.types } };
};

describe('template versions', () => {
  it('1.1 is 1.0 plus healthCheckGracePeriodSeconds, optional with a default', () => {
    const v10 = inputsOf('versions/1.0/schema/schema.yaml');
    const v11 = inputsOf('schema/schema.yaml');
    const { healthCheckGracePeriodSeconds, ...rest } =
      v11.types.FargateServiceInstanceInputs.properties;
    assert.deepEqual(
      {
        ...v11,
        types: {
          ...v11.types,
          FargateServiceInstanceInputs: {
            ...v11.types.FargateServiceInstanceInputs,
            properties: rest,
          },
        },
      },
      v10,
    );
    assert.equal(healthCheckGracePeriodSeconds.default, 0);
    assert.ok(
      !v11.types.FargateServiceInstanceInputs.required.includes(
        'healthCheckGracePeriodSeconds',
      ),
    );
  });

  for (const folder of ['instance_infrastructure', 'pipeline_infrastructure']) {
    it(`1.0 overrides only the template version in ${folder}/Pulumi.yaml`, () => {
      const v10 = parse(read(`versions/1.0/${folder}/Pulumi.yaml`));
      const v11 = parse(read(`${folder}/Pulumi.yaml`));
      assert.equal(v10.config.templateVersion.default, '1.0');
      assert.equal(v11.config.templateVersion.default, '1.1');
      v10.config.templateVersion.default = '1.1';
      assert.deepEqual(v10, v11);
    });
  }

  it('overlays nothing but the schema and the two Pulumi.yaml files', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(path.join(bundle, dir), {
        withFileTypes: true,
      })) {
        const relative = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(relative);
        else files.push(relative);
      }
    };
    walk('versions/1.0');
    assert.deepEqual(files.sort(), [
      'versions/1.0/instance_infrastructure/Pulumi.yaml',
      'versions/1.0/pipeline_infrastructure/Pulumi.yaml',
      'versions/1.0/schema/schema.yaml',
    ]);
  });
});
