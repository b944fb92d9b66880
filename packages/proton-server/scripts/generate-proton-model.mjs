#!/usr/bin/env node
/*
 * Regenerates src/model/protonApiShapes.json: the input shapes of every AWS Proton operation, with the
 * constraint traits the model declares (required, min, max, pattern, enum, union, idempotencyToken).
 *
 * The JavaScript SDK (@aws-sdk/client-proton) ships its schemas without constraint traits, so the
 * constraints come from the same Smithy model as published in botocore's `proton/<date>/service-2.json`
 * (installed with the AWS CLI / boto3). src/model/protonApiModel.test.ts checks that the result agrees
 * with the SDK's schemas (operations, members and required members).
 *
 * Usage: node scripts/generate-proton-model.mjs [path/to/service-2.json(.gz)]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

function findBotocoreModel() {
  const botocoreDir = execFileSync(
    'python3',
    ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'],
    { encoding: 'utf8' },
  ).trim();
  const protonDir = path.join(botocoreDir, 'data', 'proton');
  const [version] = fs.readdirSync(protonDir).sort().reverse();
  const dir = path.join(protonDir, version);
  const file = fs.readdirSync(dir).find(f => f.startsWith('service-2.json'));
  return path.join(dir, file);
}

const source = process.argv[2] ?? findBotocoreModel();
const raw = fs.readFileSync(source);
const model = JSON.parse(
  (source.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8'),
);

const KEPT_SHAPE_KEYS = [
  'type',
  'required',
  'min',
  'max',
  'pattern',
  'enum',
  'union',
  'sensitive',
];
const shapes = {};
function keep(name) {
  if (shapes[name]) return;
  const shape = model.shapes[name];
  const out = {};
  for (const key of KEPT_SHAPE_KEYS) {
    if (shape[key] !== undefined) out[key] = shape[key];
  }
  shapes[name] = out;
  if (shape.type === 'structure') {
    out.members = {};
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      out.members[member] = ref.idempotencyToken
        ? { shape: ref.shape, idempotencyToken: true }
        : { shape: ref.shape };
      keep(ref.shape);
    }
  } else if (shape.type === 'list') {
    out.member = shape.member.shape;
    keep(shape.member.shape);
  } else if (shape.type === 'map') {
    out.key = shape.key.shape;
    out.value = shape.value.shape;
    keep(shape.key.shape);
    keep(shape.value.shape);
  }
}

const operations = {};
for (const [name, operation] of Object.entries(model.operations).sort()) {
  operations[name] = { input: operation.input?.shape };
  if (operation.input) keep(operation.input.shape);
}
const sortedShapes = Object.fromEntries(
  Object.entries(shapes).sort(([a], [b]) => a.localeCompare(b)),
);
const result = {
  source: `botocore ${path.basename(path.dirname(source))}/service-2.json`,
  metadata: {
    apiVersion: model.metadata.apiVersion,
    targetPrefix: model.metadata.targetPrefix,
    signingName: model.metadata.signingName,
  },
  operations,
  shapes: sortedShapes,
};
const here = path.dirname(fileURLToPath(import.meta.url));
const target = path.join(here, '..', 'src', 'model', 'protonApiShapes.json');
fs.writeFileSync(target, JSON.stringify(result));
// Format it as the repository's prettier would, so that `prettier --check` stays clean.
const repositoryRoot = path.join(here, '..', '..', '..');
execFileSync(
  path.join(repositoryRoot, 'node_modules', '.bin', 'prettier'),
  ['--write', target],
  { cwd: repositoryRoot, stdio: 'ignore' },
);
console.log(
  `Wrote ${Object.keys(operations).length} operations and ${
    Object.keys(sortedShapes).length
  } shapes to ${path.relative(process.cwd(), target)}`,
);
