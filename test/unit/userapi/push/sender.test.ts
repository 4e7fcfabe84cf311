// The push gateway sender on its own: user_api.push_gateway_disable_tls_validation decides
// whether a gateway with a certificate we cannot verify (here self-signed) gets its pushes.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Server } from 'bun';
import { makeCertificate } from '../../../../src/cli/tls-certificate.ts';
import { stderrLogger } from '../../../../src/setup/logger.ts';
import { PushSender } from '../../../../src/userapi/push/sender.ts';

let server: Server<undefined>;
const received: unknown[] = [];

beforeAll(async () => {
  const cert = await makeCertificate({ serverName: '127.0.0.1', keySize: 2048 });
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    tls: { cert: cert.certPem, key: cert.keyPem },
    async fetch(req) {
      received.push(await req.json());
      return Response.json({});
    },
  });
});
afterAll(() => server.stop(true));

async function pushOnce(disableTlsValidation: boolean): Promise<void> {
  const sender = new PushSender({ log: stderrLogger('error', 'test'), disableTlsValidation, onRejected: async () => {}, retryDelaysMs: [] });
  sender.send({ url: `https://127.0.0.1:${server.port}/_matrix/push/v1/notify`, body: { notification: { devices: [] } }, userId: '@a:x', appId: 'a', pushkey: 'k' });
  await sender.idle();
  await sender.close();
}

test('a gateway with an unverifiable certificate gets nothing unless TLS validation is off', async () => {
  await pushOnce(false);
  expect(received).toEqual([]);
  await pushOnce(true);
  expect(received).toEqual([{ notification: { devices: [] } }]);
});
