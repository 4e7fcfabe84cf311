// A minimal Matrix client for integration tests: plain fetch against a real server.
export interface Reply {
  status: number;
  // biome-ignore lint: bodies are checked field by field in tests
  body: any;
}

export class TestClient {
  userId = '';
  deviceId = '';
  accessToken = '';

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, token: string | null = this.accessToken): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // not JSON; keep the text
    }
    return { status: res.status, body: parsed };
  }

  /** Registers with m.login.dummy (open registration) and keeps the session. */
  async register(username: string, password = 'a good long password'): Promise<this> {
    const r = await this.request('POST', '/_matrix/client/v3/register', { username, password, auth: { type: 'm.login.dummy' } }, null);
    if (r.status !== 200) throw new Error(`register ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    this.userId = r.body.user_id;
    this.deviceId = r.body.device_id;
    this.accessToken = r.body.access_token;
    return this;
  }

  async login(user: string, password = 'a good long password'): Promise<Reply> {
    const r = await this.request(
      'POST',
      '/_matrix/client/v3/login',
      { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password },
      null,
    );
    if (r.status === 200) {
      this.userId = r.body.user_id;
      this.deviceId = r.body.device_id;
      this.accessToken = r.body.access_token;
    }
    return r;
  }
}
