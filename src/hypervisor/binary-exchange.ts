/**
 * The hop of a binary packet batch from the Worker to its hypervisor's object. It goes by `fetch`, not RPC:
 * the request body streams into the object without the Worker reading it, and the verdicts stream back,
 * where an RPC argument is read whole by the Worker, then serialized and copied twice more (about 60 ns of
 * the serving thread per packet at 65,536 packets a batch).
 */
import type { BatchOutcome } from './hypervisor-do.js';

const BATCH_URL = 'https://hypervisor.internal/packets';

export type BatchProblem = Extract<BatchOutcome<unknown>, { ok: false }>;

interface FetchTarget {
  fetch(request: Request): Promise<Response>;
}

/** Worker side: the verdicts' stream, or the problem that refused the batch whole. */
export async function exchangeBinaryBatch(
  target: FetchTarget,
  body: ReadableStream | null,
): Promise<{ ok: true; verdicts: ReadableStream | null } | BatchProblem> {
  const res = await target.fetch(new Request(BATCH_URL, { method: 'POST', body }));
  if (res.ok) return { ok: true, verdicts: res.body };
  return { ok: false, ...((await res.json()) as Omit<BatchProblem, 'ok'>) };
}

/** Object side: whether a request to the object is a binary batch. */
export function isBinaryBatch(request: Request): boolean {
  return request.method === 'POST' && request.url === BATCH_URL;
}

/** Object side: the answer to a binary batch; the Worker gives a refusal its status (batchRefused). */
export function binaryBatchAnswer(out: BatchOutcome<ArrayBuffer>): Response {
  if (out.ok) return new Response(out.result);
  const { ok: _, ...problem } = out;
  return Response.json(problem, { status: 422 });
}
