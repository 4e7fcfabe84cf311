// Uploads and downloads stream: a 200 MB file goes through a real Bun.serve on 127.0.0.1 (the
// media component in its own process) and the server's resident memory is watched meanwhile.
// Client-Server API, Content repository, uploadContent / getContent; "Security considerations":
// an upload over max_file_size_bytes is refused with 413 M_TOO_LARGE while it streams, and
// nothing of it stays on disk.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Subprocess } from 'bun';

const ROOT = resolve(import.meta.dir, '../../..');
const MB = 1 << 20;
const LIMIT = 300 * MB;

let dir: string;
let proc: Subprocess<'ignore', 'pipe', 'pipe'>;
let url: string;

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024;

/** `mb` MiB of a repeating pattern, 1 MiB per chunk, hashed as it is produced. */
function patternBody(mb: number, hasher: Bun.CryptoHasher): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(MB).map((_, i) => (i * 31) & 255);
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent++ >= mb) return c.close();
      hasher.update(chunk);
      c.enqueue(chunk);
    },
  });
}

/** Peak RSS (MiB) while `work` runs, sampled every 10 ms. */
async function peakDuring<T>(work: Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssMb();
  const timer = setInterval(() => (peak = Math.max(peak, rssMb())), 10);
  try {
    const result = await work;
    return { result, peak: Math.max(peak, rssMb()) };
  } finally {
    clearInterval(timer);
  }
}

const upload = (body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  fetch(`${url}/_matrix/media/v3/upload?filename=big.bin`, {
    method: 'POST',
    body,
    headers: { Authorization: 'Bearer streamer', 'Content-Type': 'application/octet-stream', ...headers },
    duplex: 'half',
  } as RequestInit);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'media-stream-'));
  proc = Bun.spawn([process.execPath, join(ROOT, 'test/integration/media/media-server.ts'), JSON.stringify({ dir, maxFileSize: LIMIT })], {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const reader = proc.stdout.getReader();
  let out = '';
  while (!/listening (\S+)/.test(out)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`media server exited: ${await new Response(proc.stderr).text()}`);
    out += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  url = /listening (\S+)/.exec(out)![1]!;
  // Warm the paths once so that "idle" is a server that has served requests.
  await upload(patternBody(1, new Bun.CryptoHasher('sha256')));
});

afterAll(async () => {
  proc.kill('SIGTERM');
  await proc.exited;
  rmSync(dir, { recursive: true, force: true });
});

describe('streaming through a real server', () => {
  test('200 MB up and down: same bytes, and the server never holds the file in memory', async () => {
    const idle = rssMb();
    const sent = new Bun.CryptoHasher('sha256');
    const { result: res, peak: upPeak } = await peakDuring(upload(patternBody(200, sent)));
    expect(res.status).toBe(200);
    const { content_uri } = (await res.json()) as { content_uri: string };

    const got = new Bun.CryptoHasher('sha256');
    let size = 0;
    const download = (async () => {
      const r = await fetch(`${url}/_matrix/media/v3/download/${content_uri.slice(6)}`);
      expect(r.headers.get('content-disposition')).toBe('attachment; filename="big.bin"');
      for await (const c of r.body as unknown as AsyncIterable<Uint8Array>) {
        got.update(c);
        size += c.byteLength;
      }
    })();
    const { peak: downPeak } = await peakDuring(download);
    // A range from the middle of the file (players seek): 206 and exactly those bytes.
    const at = 100_000_003;
    const part = await fetch(`${url}/_matrix/media/v3/download/${content_uri.slice(6)}`, { headers: { Range: `bytes=${at}-${at + 15}` } });
    expect(part.status).toBe(206);
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual(Array.from({ length: 16 }, (_, i) => (((at + i) % MB) * 31) & 255));
    expect(size).toBe(200 * MB);
    expect(got.digest('hex')).toBe(sent.digest('hex'));
    console.log(`[media stream] server RSS idle ${idle.toFixed(1)} MiB, peak upload ${upPeak.toFixed(1)}, peak download ${downPeak.toFixed(1)}`);
    // 200 MB held in memory would show as +200 MiB; streaming costs a few buffers.
    expect(upPeak - idle).toBeLessThan(64);
    expect(downPeak - idle).toBeLessThan(64);
  }, 120_000);

  test('over max_file_size_bytes: 413 M_TOO_LARGE mid-stream, nothing left on disk', async () => {
    const before = readdirSync(join(dir, 'media'), { recursive: true }).length;
    const res = await upload(patternBody(LIMIT / MB + 20, new Bun.CryptoHasher('sha256')));
    expect(res.status).toBe(413);
    // The server answers while the client is still sending, then closes the connection; the
    // client may lose the body of that early answer to the reset (the status always arrives).
    const text = await res.text().catch(() => '');
    if (text) expect((JSON.parse(text) as { errcode: string }).errcode).toBe('M_TOO_LARGE');
    // The server removes the partial file as it abandons the stream, which may finish just after
    // the client saw the answer: give it a moment on a loaded machine.
    for (let i = 0; i < 50 && readdirSync(join(dir, 'media', 'tmp')).length > 0; i++) await Bun.sleep(100);
    expect(readdirSync(join(dir, 'media', 'tmp'))).toEqual([]);
    expect(readdirSync(join(dir, 'media'), { recursive: true }).length).toBe(before);
  }, 120_000);
});
