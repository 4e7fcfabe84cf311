// Reading request bodies: size limits enforced while streaming, JSON errors as Matrix errors.
import { notJson, tooLarge } from './errors.ts';

/** Reads the whole body, refusing (M_TOO_LARGE) as soon as it passes `limit` bytes. */
export async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > limit) throw tooLarge(`Request body is ${declared} bytes; the limit is ${limit}`);
  // A declared length bounds the body (the server reads no more than it), so it is read in one
  // call, without the per-chunk stream machinery, which costs a small JSON body more than its
  // parsing does. Chunked bodies, of unknown length, are counted as they stream.
  if (declared >= 0) {
    const bytes = await req.bytes();
    // In-process requests (app.request) are not framed by a socket: their length is checked too.
    if (bytes.byteLength > limit) throw tooLarge(`Request body is over the limit of ${limit} bytes`);
    return bytes;
  }
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge(`Request body is over the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses a JSON body; an empty body counts as `{}` (clients send none to some POSTs). */
export function parseJson(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return {};
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw notJson('Request body is not valid UTF-8');
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw notJson('Request body is not valid JSON');
  }
}
