// multipart/mixed media answers of the federation content repository (Server-Server API,
// "Content Repository": exactly two parts, JSON metadata then the media or a Location), built
// and parsed as streams so that a large file never sits in memory on either side (RFC 2046 §5.1).

const enc = new TextEncoder();
const dec = new TextDecoder();
const CRLF = enc.encode('\r\n');

export interface MediaPart {
  contentType: string;
  disposition: string;
  size: number;
  body: ReadableStream<Uint8Array>;
}

/** A 200 multipart/mixed answer: `{}` metadata, then the media bytes with their headers. */
export function multipartMediaResponse(part: MediaPart, headers: Record<string, string> = {}): Response {
  const boundary = crypto.randomUUID().replaceAll('-', '');
  const head = enc.encode(
    `--${boundary}\r\nContent-Type: application/json\r\n\r\n{}\r\n` +
      `--${boundary}\r\nContent-Type: ${part.contentType}\r\nContent-Disposition: ${part.disposition}\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${boundary}--\r\n`);
  const reader = part.body.getReader();
  let stage: 'head' | 'body' | 'done' = 'head';
  const stream = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      if (stage === 'head') {
        stage = 'body';
        ctrl.enqueue(head);
        return;
      }
      if (stage === 'body') {
        const { done, value } = await reader.read();
        if (!done) {
          ctrl.enqueue(value);
          return;
        }
        stage = 'done';
      }
      ctrl.enqueue(tail);
      ctrl.close();
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(stream, {
    headers: {
      ...headers,
      'Content-Type': `multipart/mixed; boundary=${boundary}`,
      'Content-Length': String(head.length + part.size + tail.length),
    },
  });
}

export interface ParsedMediaPart {
  /** Headers of the second part, names lower-cased. */
  headers: Record<string, string>;
  /** Its bytes, streamed (empty when the part is a Location). */
  body: AsyncIterable<Uint8Array>;
}

export class MultipartError extends Error {}

const indexOf = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Reads a byte stream up to delimiters, keeping only what has not been consumed yet. */
class Scanner {
  private done = false;
  constructor(
    private buf: Uint8Array,
    private readonly it: AsyncIterator<Uint8Array>,
  ) {}

  private async more(): Promise<void> {
    if (this.done) throw new MultipartError('multipart body ends early');
    const r = await this.it.next();
    if (r.done) this.done = true;
    else this.buf = concat(this.buf, r.value);
  }

  /** The bytes before `delim` (consumed with it), refusing more than `max`. */
  async until(delim: Uint8Array, max: number): Promise<Uint8Array> {
    for (;;) {
      const i = indexOf(this.buf, delim);
      if (i >= 0) {
        const out = this.buf.slice(0, i);
        this.buf = this.buf.subarray(i + delim.length);
        return out;
      }
      if (this.buf.length > max + delim.length) throw new MultipartError('multipart section too long');
      await this.more();
    }
  }

  async startsWith(bytes: Uint8Array): Promise<boolean> {
    while (this.buf.length < bytes.length) await this.more();
    return bytes.every((b, i) => this.buf[i] === b);
  }

  skip(n: number): void {
    this.buf = this.buf.subarray(n);
  }

  /** Yields the bytes before `delim`, holding back only what could be its beginning. */
  async *streamUntil(delim: Uint8Array): AsyncGenerator<Uint8Array> {
    for (;;) {
      const i = indexOf(this.buf, delim);
      if (i >= 0) {
        if (i > 0) yield this.buf.slice(0, i);
        this.buf = this.buf.subarray(i + delim.length);
        return;
      }
      const keep = delim.length - 1;
      if (this.buf.length > keep) {
        yield this.buf.slice(0, this.buf.length - keep);
        this.buf = this.buf.slice(this.buf.length - keep);
      }
      await this.more();
    }
  }
}

function parseHeaders(block: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of dec.decode(block).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/**
 * Parses a media answer: skips the JSON metadata part (at most 64 KiB) and returns the second
 * part's headers and a stream of its bytes.
 */
export async function parseMultipartMedia(contentType: string, body: ReadableStream<Uint8Array>): Promise<ParsedMediaPart> {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new MultipartError('multipart answer without a boundary');
  const delim = enc.encode(`\r\n--${boundary}`);
  // The first delimiter may open the body without a CRLF before it.
  const s = new Scanner(CRLF, (body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]());
  const nextPart = async () => {
    if (await s.startsWith(enc.encode('--'))) throw new MultipartError('multipart answer has fewer than two parts');
    await s.until(CRLF, 1024); // transport padding after the delimiter
    if (await s.startsWith(CRLF)) {
      s.skip(2);
      return {};
    }
    return parseHeaders(await s.until(enc.encode('\r\n\r\n'), 16 * 1024));
  };
  await s.until(delim, 64 * 1024); // preamble
  await nextPart();
  await s.until(delim, 64 * 1024); // the metadata: always `{}` so far
  const headers = await nextPart();
  return { headers, body: s.streamUntil(delim) };
}
