// POST /ui/api/explain: the playground. The context the operator typed is evaluated against the
// current generation's view of the flag's set by the same engine every transport uses (core's
// `explain`, reached through the daemon's one doorway, engine.ts), and the answer carries the
// result and the trace of every operator visited. Bounded: a 64 KB body, core's own limits.
import type { IncomingMessage } from 'node:http';
import { explain } from '../engine.js';
import type { EvaluationContext } from '../engine.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { Generation } from '../store/generation.js';
import { ALL_FLAGS, parseSelector } from '../store/selector.js';
import type { ExplainRequest, ExplainResponse } from './api-types.js';

export const MAX_EXPLAIN_BODY = 64 * 1024;

/** Reads a JSON body of at most `limit` bytes. */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new InvalidRequestError(`the body is over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new InvalidRequestError(`the body is not JSON: ${(error as Error).message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function explainRequestOf(body: unknown): ExplainRequest {
  if (!isObject(body) || typeof body.key !== 'string' || body.key === '')
    throw new InvalidRequestError('expected {"key": "...", "context": {...}}');
  if (body.flagSetId !== undefined && typeof body.flagSetId !== 'string')
    throw new InvalidRequestError('flagSetId must be a string');
  const context = body.context ?? {};
  if (!isObject(context)) throw new InvalidRequestError('the context must be a JSON object');
  return {
    key: body.key,
    ...(body.flagSetId === undefined ? {} : { flagSetId: body.flagSetId }),
    context: context as ExplainRequest['context'],
  };
}

export function runExplain(generation: Generation, request: ExplainRequest): ExplainResponse {
  const selector =
    request.flagSetId === undefined ? ALL_FLAGS : parseSelector(`flagSetId=${request.flagSetId}`);
  const view = generation.view(selector);
  const { result, trace } = explain(view.snapshot, {
    flagKey: request.key,
    context: request.context as EvaluationContext,
  });
  return {
    generation: generation.number,
    result: result as ExplainResponse['result'],
    trace: {
      why: trace.why,
      ...(trace.rule === undefined ? {} : { rule: trace.rule }),
      ...(trace.ruleResult === undefined ? {} : { ruleResult: trace.ruleResult }),
    },
  };
}
