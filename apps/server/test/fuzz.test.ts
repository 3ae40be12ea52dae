import { appendFileSync } from 'node:fs';
import { ErrorBodySchema } from '@gapal/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actorsFor, createFixtures, mutationArgsSchemas, valueContext } from './fuzz/fuzz-fixtures.ts';
import { operationsOf, unansweredMethods, undocumentedOperations } from './fuzz/openapi-operations.ts';
import { type FuzzRequest, fixedRequests, requestArbitrary } from './fuzz/request-arbitrary.ts';
import { api, type TestApp, useTestApp } from './harness.ts';

/**
 * Walks the served OpenAPI document and sends every operation generated bad input, with a token
 * of a role allowed to call it and without one: no answer may be a 5xx, and every error answer is
 * in the shared shape. Seeded: FUZZ_SEED replays a run, FUZZ_RUNS sets the random requests per
 * operation (each also gets a few fixed hard cases: deep nesting, wrong content type, no body).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 60);
/** Every request and its status, one a line, appended to this file when set. */
const TRACE_FILE = process.env.FUZZ_TRACE;

type Finding = { operation: string; request: string; status: number; answer: string; problem: string };

describe('fuzzing every operation of the OpenAPI document', () => {
  const t = useTestApp({ env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000' } });

  it('answers no 5xx, and every error in the shared shape', { timeout: 600_000 }, async () => {
    const document = (await api(t, 'GET', '/api/docs/json')).body;
    const documented = operationsOf(document);
    expect(documented.length).toBeGreaterThan(40);
    const operations = [...documented, ...undocumentedOperations(t.app.routeRules, documented)];
    const fixtures = await createFixtures(t);
    const mutationArgs = mutationArgsSchemas();

    const findings: Finding[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const [index, operation] of operations.entries()) {
      const actors = await actorsFor(t, operation);
      const context = valueContext(operation, fixtures, actors, mutationArgs);
      const random = fc.sample(requestArbitrary(operation, context, { allowed: actors.tokens }), {
        seed: SEED + index,
        numRuns: RUNS_PER_OPERATION,
      });
      const fixed = [
        ...fixedRequests(operation, actors.tokens[0] ? `Bearer ${actors.tokens[0]}` : undefined),
        ...fixedRequests(operation, undefined).slice(0, 1),
      ];
      for (const request of [...fixed, ...random]) {
        const response = await send(t, request);
        sent += 1;
        if (TRACE_FILE)
          appendFileSync(
            TRACE_FILE,
            `${response.status} ${describeRequest(request)} → ${response.body.slice(0, 160)}\n`,
          );
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const problem = problemWith(response, request);
        if (problem)
          findings.push(findingOf(`${operation.method} ${operation.path}`, request, response, problem));
      }
    }

    for (const { method, path } of unansweredMethods(operations)) {
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const request = {
        method,
        url,
        headers: {},
        label: 'a method the path does not answer',
        expectedStatus: 405,
      };
      const response = await send(t, request);
      sent += 1;
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const problem = problemWith(response, request);
      if (problem) findings.push(findingOf(`${method} ${path}`, request, response, problem));
    }

    const histogram = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}×${n}`);
    console.log(
      `fuzz: ${sent} requests over ${operations.length} operations, seed ${SEED} (FUZZ_SEED=${SEED} replays it); ${histogram.join(' ')}`,
    );
    if (findings.length > 0) console.log(report(findings));
    expect(findings).toEqual([]);
  });
});

async function send(t: TestApp, request: FuzzRequest) {
  const response = await t.app.inject({
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
  return { status: response.statusCode, body: response.body, headers: response.headers };
}

type Answer = Awaited<ReturnType<typeof send>>;

function problemWith(response: Answer, request: FuzzRequest): string | undefined {
  if (response.status >= 500) return `answered ${response.status}`;
  if (request.expectedStatus && response.status !== request.expectedStatus) {
    return `answered ${response.status}, not ${request.expectedStatus}`;
  }
  if (response.status < 400) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    return 'error answer is not JSON';
  }
  if (!ErrorBodySchema.safeParse(parsed).success) return 'error answer is not in the shared shape';
  // Every field error says its code, so a client in another language can write it.
  const fields = (parsed as { error: { details?: { fields?: unknown } } }).error.details?.fields;
  if (Array.isArray(fields) && fields.some((field) => typeof field?.code !== 'string')) {
    return 'a field error without a code';
  }
  if (response.status === 429 && !response.headers['retry-after']) return '429 without Retry-After';
  return undefined;
}

function findingOf(operation: string, request: FuzzRequest, response: Answer, problem: string): Finding {
  return {
    operation,
    request: describeRequest(request),
    status: response.status,
    answer: response.body.slice(0, 300),
    problem,
  };
}

function describeRequest(request: FuzzRequest): string {
  const payload = request.payload === undefined ? '' : ` ${JSON.stringify(request.payload.slice(0, 200))}`;
  const type = request.headers['content-type'] ? ` [${request.headers['content-type']}]` : '';
  const auth = request.headers.authorization ? '' : ' (no token)';
  return `${request.method} ${request.url.slice(0, 200)}${type}${auth} — ${request.label}${payload}`;
}

function report(findings: Finding[]): string {
  return [
    `fuzz: ${findings.length} findings`,
    ...findings.map(
      (finding) =>
        `- ${finding.operation}: ${finding.problem}\n    ${finding.request}\n    → ${finding.answer}`,
    ),
  ].join('\n');
}
