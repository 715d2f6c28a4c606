import { describeLimit } from './body-limits.js';
import { tooLarge } from './errors.js';

const tooLargeFor = (limit: number) =>
  tooLarge(`body: larger than the limit of ${describeLimit(limit)} for this route`);

/** Refuses a declared Content-Length over the limit before reading anything. */
export function assertDeclaredLength(req: Request, limit: number): void {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLargeFor(limit);
}

/** The whole body, counted while it streams in (a chunked body has no length to check up front). */
export async function readBodyWithin(req: Request, limit: number): Promise<Uint8Array> {
  assertDeclaredLength(req, limit);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLargeFor(limit);
    }
    parts.push(value);
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
