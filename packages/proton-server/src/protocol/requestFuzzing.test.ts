import fs from 'node:fs';
import path from 'node:path';
import {
  getOperationInputShapeName,
  getShape,
  listModelOperations,
  ProtonShape,
} from '../model/protonApiModel';
import { rawRequest, RawResponse } from '../__testUtils__/rawRequest';
import { deployServiceFixture } from '../__testUtils__/serviceFixture';
import { startTemplateTestServer } from '../__testUtils__/templateFixtures';
import type { TestServer } from '../__testUtils__/testServer';
import { createLocalRunner } from '../deployments/localRunner';

/**
 * Signed requests with random inputs over every operation of the Proton model: wrong types, missing
 * members, huge and binary strings, nulls, unknown members and bodies that are not JSON objects. The
 * control plane must answer each one (no dropped connection) with a status under 500, in the AWS
 * error shape, with a message that names no internal function, `undefined`, path or stack frame.
 * The inputs come from a seeded generator: a failure names its seed and request number, and
 * FUZZ_SEED=<seed> repeats the run.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const REQUESTS_PER_OPERATION = 25;

/** mulberry32: a small, fast, seedable generator. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ARN = 'arn:aws:proton:us-east-1:000000000000';
/** Values a real client sends, so that inputs reach past validation into the operations. */
const REALISTIC = [
  'dev',
  'api',
  'vpc',
  'web',
  '1',
  '0',
  `${ARN}:environment/dev`,
  `${ARN}:service/api`,
  `${ARN}:service/api/service-instance/dev`,
  `${ARN}:environment-template/vpc`,
  `${ARN}:service-template/web/1.0`,
  'proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec:\n      port: 8080\n',
  'proton: EnvironmentSpec\nspec:\n  vpc_cidr: 10.1.0.0/16\n',
  'proton: ServiceSpec\ninstances: [{name: x, environment: nowhere, spec: {port: "eighty"}}]\n',
  'instances: !!binary abc',
  '{{{',
  'CURRENT_VERSION',
  'MINOR_VERSION',
  'MAJOR_VERSION',
  'NONE',
  'SUCCEEDED',
  'IN_PROGRESS',
  'FAILED',
];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

/** A string of random code points, including control characters, NUL and lone surrogates. */
function binaryString(next: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    const kind = next();
    if (kind < 0.1) text += String.fromCharCode(Math.floor(next() * 32));
    else if (kind < 0.15)
      text += String.fromCharCode(0xd800 + Math.floor(next() * 0x800));
    else if (kind < 0.3)
      text += String.fromCodePoint(0x80 + Math.floor(next() * 0x10000));
    else text += String.fromCharCode(33 + Math.floor(next() * 94));
  }
  return text.replace(/undefined/g, 'und');
}

const SIMPLE = ['a', 'abc', 'name-1', 'x_y', 'A1', 'token-0001'];

/** The realistic and simple values that satisfy the shape's pattern and length. */
function validStrings(shape: ProtonShape): string[] {
  const pattern = shape.pattern ? new RegExp(shape.pattern, 'u') : undefined;
  return [...(shape.enum ?? []), ...REALISTIC, ...SIMPLE].filter(
    value =>
      value.length >= (shape.min ?? 0) &&
      value.length <= (shape.max ?? Infinity) &&
      (!pattern || pattern.test(value)),
  );
}

/** Mostly a value the model allows, often one naming a resource that exists; sometimes not. */
function randomString(next: () => number, shape: ProtonShape): string {
  const valid = validStrings(shape);
  const kind = next();
  if (kind < 0.8 && valid.length > 0) return pick(next, valid);
  if (kind < 0.88) return binaryString(next, Math.floor(next() * 40));
  if (kind < 0.91) return 'x'.repeat(50_000 + Math.floor(next() * 150_000));
  if (kind < 0.94) return '';
  return binaryString(next, 1 + Math.floor(next() * 300));
}

function randomInteger(next: () => number, shape: ProtonShape): number {
  if (next() < 0.85) {
    const min = shape.min ?? 0;
    const max = Math.min(shape.max ?? 200, min + 200);
    return min + Math.floor(next() * (max - min + 1));
  }
  return pick(next, [-3, 0, 2 ** 31, 1e9]);
}

/** Anything but what the shape wants. */
function wrongType(next: () => number, shape: ProtonShape): unknown {
  const candidates: unknown[] = [
    null,
    true,
    42,
    -1.5,
    'text',
    [],
    [1, 'a'],
    {},
    { nested: { deeper: [null] } },
    1e308,
  ];
  const wrong = candidates.filter(value => {
    if (shape.type === 'string') return typeof value !== 'string';
    if (shape.type === 'integer' || shape.type === 'timestamp') {
      return typeof value !== 'number';
    }
    if (shape.type === 'boolean') return typeof value !== 'boolean';
    if (shape.type === 'list') return !Array.isArray(value);
    return typeof value !== 'object' || Array.isArray(value) || value === null;
  });
  return pick(next, wrong);
}

function generate(
  next: () => number,
  shapeName: string,
  depth: number,
): unknown {
  const shape = getShape(shapeName);
  if (next() < 0.03) return wrongType(next, shape);
  switch (shape.type) {
    case 'string':
      return randomString(next, shape);
    case 'integer':
      return randomInteger(next, shape);
    case 'boolean':
      return next() < 0.5;
    case 'timestamp':
      return pick(next, [0, 1764547200, -1, 9e12]);
    case 'list': {
      const length =
        depth > 3
          ? 0
          : pick(next, [0, 1, 1, 2, 3, 30, 120].slice(0, depth > 1 ? 4 : 7));
      return Array.from({ length }, () =>
        generate(next, shape.member!, depth + 1),
      );
    }
    case 'map': {
      const entries = depth > 3 ? 0 : Math.floor(next() * 4);
      return Object.fromEntries(
        Array.from({ length: entries }, () => [
          randomString(next, getShape(shape.key!)),
          generate(next, shape.value!, depth + 1),
        ]),
      );
    }
    default: {
      const members = Object.entries(shape.members ?? {});
      const value: Record<string, unknown> = {};
      const required = new Set(shape.required ?? []);
      for (const [name, member] of members) {
        const keep = required.has(name) ? next() < 0.95 : next() < 0.5;
        if (!keep || depth > 5) continue;
        value[name] = generate(next, member.shape, depth + 1);
      }
      if (next() < 0.05) value.notAMember = 'unexpected';
      return value;
    }
  }
}

/** A request body: mostly an input of the operation, sometimes not a JSON object at all. */
function body(next: () => number, operation: string): string {
  const kind = next();
  if (kind < 0.03) return binaryString(next, 64);
  if (kind < 0.05) return '[1, 2, 3]';
  if (kind < 0.06) return '"a string"';
  if (kind < 0.07) return 'null';
  if (kind < 0.08) return '{"a": ';
  return JSON.stringify(
    generate(next, getOperationInputShapeName(operation)!, 0),
  );
}

/** Names of this package's own functions and methods, which no message may name. */
function internalNames(): Set<string> {
  const names = new Set<string>();
  const visit = (directory: string) => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const file = path.join(directory, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
        const source = fs.readFileSync(file, 'utf8');
        for (const match of source.matchAll(
          /(?:function\s+|^\s+(?:private\s+|async\s+)*)([a-z]+[A-Z]\w+)\s*\(/gm,
        )) {
          names.add(match[1]);
        }
      }
    }
  };
  visit(path.resolve(__dirname, '..'));
  return names;
}

const FORBIDDEN = [
  { what: 'undefined', pattern: /\bundefined\b/ },
  { what: 'a stack frame', pattern: /\n\s+at |\bat \S+ \(|:\d+:\d+\)/ },
  {
    what: 'a file path',
    pattern:
      /(?:^|\s|\()\/(?:[\w.@-]+\/)+[\w.@-]+\.(?:ts|js|cjs|mjs|json|sqlite)\b/,
  },
  {
    what: 'a temporary directory',
    pattern: /\/tmp\/|\/var\/|\/home\/|\/root\//,
  },
  {
    what: 'a JavaScript error',
    pattern:
      /TypeError|ReferenceError|RangeError|SyntaxError|Cannot read prop|is not a function|\[object Object\]/,
  },
  {
    what: 'SQL',
    pattern: /\b(?:SQLITE_|insert into|select \* from|violates)\b/i,
  },
];

describe('signed requests with random inputs', () => {
  let test: TestServer;
  beforeAll(async () => {
    test = await startTemplateTestServer({
      deploymentRunner: createLocalRunner({ concurrency: 2 }),
    });
    await deployServiceFixture(test, ['true']);
  }, 60_000);
  afterAll(async () => {
    // also fails the test when the server logged internal errors
    await test.stop();
  });

  it(`answers ${REQUESTS_PER_OPERATION} per operation of the model, each clearly (seed ${SEED})`, async () => {
    const next = random(SEED);
    const internal = internalNames();
    const operations = listModelOperations();
    expect(operations).toHaveLength(87);
    const failures: string[] = [];
    let sent = 0;
    let statuses: Record<number, number> = {};
    for (let round = 0; round < REQUESTS_PER_OPERATION; round++) {
      for (const operation of operations) {
        const payload = body(next, operation);
        const where = `request ${sent} (${operation}, seed ${SEED}): ${payload.slice(
          0,
          300,
        )}`;
        sent++;
        let response: RawResponse;
        try {
          response = await rawRequest(test.endpoint, {
            operation,
            body: payload,
          });
        } catch (error) {
          failures.push(`${where}: no answer (${(error as Error).message})`);
          continue;
        }
        statuses = {
          ...statuses,
          [response.status]: (statuses[response.status] ?? 0) + 1,
        };
        if (response.status >= 500) {
          failures.push(`${where}: status ${response.status} ${response.text}`);
          continue;
        }
        if (response.status === 200) continue;
        const message: unknown = response.body?.message;
        if (
          typeof response.body?.__type !== 'string' ||
          !response.body.__type.startsWith('com.amazonaws.proton#') ||
          typeof message !== 'string' ||
          message.length === 0
        ) {
          failures.push(
            `${where}: not an AWS error: ${response.text.slice(0, 300)}`,
          );
          continue;
        }
        // What a message echoes of the input (AWS quotes values) is the client's own text.
        const own = message.replace(/Value '[^]*?' at '/g, "Value at '");
        for (const { what, pattern } of FORBIDDEN) {
          if (pattern.test(own))
            failures.push(`${where}: names ${what}: ${message}`);
        }
        const named = own
          .split(/[^A-Za-z0-9_]+/)
          .find(word => internal.has(word));
        if (named)
          failures.push(`${where}: names the function ${named}: ${message}`);
      }
    }
    expect(sent).toBeGreaterThanOrEqual(2000);
    expect(failures).toEqual([]);
    // the inputs reached past validation as well as into it
    expect(statuses[200]).toBeGreaterThan(50);
    expect(statuses[400]).toBeGreaterThan(500);
  }, 300_000);
});
