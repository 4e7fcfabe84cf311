// A thumbnail generator thread. Decoding a 12-megapixel JPEG takes about half a second of CPU;
// doing it here keeps the server's event loop answering other requests meanwhile, and ending
// an idle worker gives back the WebAssembly memory, which never shrinks while a thread lives.
// A compiled binary must be built with this file as an extra entrypoint (see pool.ts).
import { loadCodecs } from './codecs.ts';
import { generateThumbnails } from './generate.ts';
import type { WorkerReply, WorkerRequest } from './pool.ts';

declare const self: Worker;

self.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const { id, format, path, specs } = ev.data;
  try {
    const bytes = await Bun.file(path).bytes();
    const results = await generateThumbnails(format, bytes, specs);
    const reply: WorkerReply = { id, ok: true, results };
    self.postMessage(reply, results.flatMap((r) => (r ? [r.bytes.buffer as ArrayBuffer] : [])));
  } catch (e) {
    const reply: WorkerReply = { id, ok: false, error: (e as Error)?.message ?? String(e) };
    self.postMessage(reply);
  }
  // Decoded images are tens of megabytes; collect them now rather than whenever the heap grows.
  Bun.gc(true);
};

loadCodecs().then(
  () => self.postMessage({ ready: true }),
  (e) => self.postMessage({ ready: false, error: String(e) }),
);
