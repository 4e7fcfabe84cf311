// A real end-to-end encryption client for tests: matrix-sdk-crypto's OlmMachine (the crypto of
// Element's clients, as WebAssembly) driven against our server's HTTP API. The machine decides
// what to upload, query and claim; this file only carries its requests to the server and the
// answers back, as a client application does.
import * as sdk from '@matrix-org/matrix-sdk-crypto-wasm';

// biome-ignore lint: response bodies are JSON of many shapes
export type Http = (method: string, path: string, body: unknown, token: string) => Promise<{ status: number; body: any }>;

export interface ToDeviceEvent {
  sender: string;
  type: string;
  content: Record<string, unknown>;
}

let initialised: Promise<void> | undefined;
export const initCrypto = () => (initialised ??= sdk.initAsync());

const V3 = '/_matrix/client/v3';

export class E2eeClient {
  /** To-device messages this client sent, when the server does not carry them (see `sendToDevice`). */
  readonly outbox: ToDeviceEvent[][] = [];

  private constructor(
    readonly machine: sdk.OlmMachine,
    readonly http: Http,
    readonly userId: string,
    readonly deviceId: string,
    readonly token: string,
    /** 'server': PUT /sendToDevice; 'outbox': keep them for the test to hand over. */
    readonly toDevice: 'server' | 'outbox',
  ) {}

  static async create(http: Http, who: { userId: string; deviceId: string; token: string }, toDevice: 'server' | 'outbox') {
    await initCrypto();
    const machine = await sdk.OlmMachine.initialize(new sdk.UserId(who.userId), new sdk.DeviceId(who.deviceId));
    return new E2eeClient(machine, http, who.userId, who.deviceId, who.token, toDevice);
  }

  private async call(method: string, path: string, body: unknown) {
    const r = await this.http(method, path, body, this.token);
    if (r.status !== 200) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** Sends one of the machine's outgoing requests and tells the machine the answer. */
  async send(req: sdk.OutgoingRequest | sdk.ToDeviceRequest): Promise<void> {
    const body = JSON.parse(req.body);
    let answer: unknown;
    switch (req.type) {
      case sdk.RequestType.KeysUpload:
        answer = await this.call('POST', `${V3}/keys/upload`, body);
        break;
      case sdk.RequestType.KeysQuery:
        answer = await this.call('POST', `${V3}/keys/query`, body);
        break;
      case sdk.RequestType.KeysClaim:
        answer = await this.call('POST', `${V3}/keys/claim`, body);
        break;
      case sdk.RequestType.SignatureUpload:
        answer = await this.call('POST', `${V3}/keys/signatures/upload`, body);
        break;
      case sdk.RequestType.KeysBackup: {
        const r = req as sdk.KeysBackupRequest;
        answer = await this.call('PUT', `${V3}/room_keys/keys?version=${encodeURIComponent(r.version)}`, body);
        break;
      }
      case sdk.RequestType.ToDevice: {
        const r = req as sdk.ToDeviceRequest;
        answer = await this.sendToDevice(r.event_type, r.txn_id, body.messages);
        break;
      }
      default:
        throw new Error(`request type ${req.type} is not used by these tests`);
    }
    if (req.id !== undefined) await this.machine.markRequestAsSent(req.id, req.type, JSON.stringify(answer));
  }

  private async sendToDevice(type: string, txnId: string, messages: Record<string, Record<string, Record<string, unknown>>>) {
    if (this.toDevice === 'server') {
      return this.call('PUT', `${V3}/sendToDevice/${encodeURIComponent(type)}/${encodeURIComponent(txnId)}`, { messages });
    }
    const events: ToDeviceEvent[] = [];
    for (const devices of Object.values(messages)) for (const content of Object.values(devices)) events.push({ sender: this.userId, type, content });
    this.outbox.push(events);
    return {};
  }

  /** Sends whatever the machine wants sent (uploads, queries, claims), until it wants nothing. */
  async flush(): Promise<void> {
    for (let round = 0; round < 10; round++) {
      const reqs = await this.machine.outgoingRequests();
      if (reqs.length === 0) return;
      for (const r of reqs) await this.send(r);
    }
    throw new Error('the machine kept asking for requests');
  }

  /** Makes sure we know `users`' devices and have Olm sessions with each of them. */
  async prepareFor(users: string[]): Promise<void> {
    await this.machine.updateTrackedUsers(users.map((u) => new sdk.UserId(u)));
    await this.flush();
    const claim = await this.machine.getMissingSessions(users.map((u) => new sdk.UserId(u)));
    if (claim) await this.send(claim);
  }

  /** Shares the room's Megolm key with `users` and encrypts `content` for the room. */
  async encrypt(roomId: string, users: string[], type: string, content: Record<string, unknown>): Promise<Record<string, unknown>> {
    const room = new sdk.RoomId(roomId);
    for (const r of await this.machine.shareRoomKey(room, users.map((u) => new sdk.UserId(u)), new sdk.EncryptionSettings())) await this.send(r);
    return JSON.parse(await this.machine.encryptRoomEvent(room, type, JSON.stringify(content)));
  }

  /** Feeds what /sync brought: to-device events, device-list changes and key counts. */
  async receive(
    toDevice: ToDeviceEvent[],
    sync: { changed?: string[]; left?: string[]; oneTimeKeyCounts?: Record<string, number>; fallbackKeyTypes?: string[] } = {},
  ) {
    const lists = new sdk.DeviceLists((sync.changed ?? []).map((u) => new sdk.UserId(u)), (sync.left ?? []).map((u) => new sdk.UserId(u)));
    const counts = new Map(Object.entries(sync.oneTimeKeyCounts ?? {}));
    return this.machine.receiveSyncChanges(JSON.stringify(toDevice), lists, counts, new Set(sync.fallbackKeyTypes ?? []));
  }

  /** Decrypts a room event; returns the decrypted event (type, content…). */
  async decrypt(roomId: string, event: Record<string, unknown>): Promise<{ type: string; content: Record<string, unknown> }> {
    const settings = new sdk.DecryptionSettings(sdk.TrustRequirement.Untrusted);
    const decrypted = await this.machine.decryptRoomEvent(JSON.stringify(event), new sdk.RoomId(roomId), settings);
    return JSON.parse(decrypted.event);
  }
}

export { sdk };
