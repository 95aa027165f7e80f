/**
 * A small HTTP client for tests that behaves like a browser tab: it keeps cookies and sends our
 * Origin on writes. `token` switches it to Bearer authentication.
 */
export class TestClient {
  constructor(
    readonly baseUrl: string,
    private readonly options: { readonly origin?: string | null; readonly token?: string; readonly acceptLanguage?: string } = {},
    private readonly cookies = new Map<string, string>(),
  ) {}

  /** A client without cookies that authenticates with a personal token. */
  withToken(token: string): TestClient {
    return new TestClient(this.baseUrl, { ...this.options, token });
  }

  /** The same browser (same cookies) sending another Origin, or none (null). */
  withOrigin(origin: string | null): TestClient {
    return new TestClient(this.baseUrl, { ...this.options, origin }, this.cookies);
  }

  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }

  /** The credentials this client sends (Authorization or Cookie), for raw fetch. */
  headers(): Record<string, string> {
    if (this.options.token) return { authorization: `Bearer ${this.options.token}` };
    return this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {};
  }

  /** The Cookie header this client sends (for raw fetch and browsers). */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
    const url = new URL(path, this.baseUrl);
    const finalHeaders: Record<string, string> = { accept: 'application/json', ...headers };
    if (this.options.acceptLanguage) finalHeaders['accept-language'] = this.options.acceptLanguage;
    if (this.options.token) finalHeaders.authorization = `Bearer ${this.options.token}`;
    if (this.cookies.size > 0) finalHeaders.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const origin = this.options.origin === undefined ? new URL(this.baseUrl).origin : this.options.origin;
    if (method !== 'GET' && origin !== null) finalHeaders.origin = origin;
    if (body !== undefined) finalHeaders['content-type'] ??= 'application/json';
    const response = await fetch(url, {
      method,
      headers: finalHeaders,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    this.store(response.headers.getSetCookie());
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: json as Record<string, unknown> & Array<unknown> };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, undefined, headers);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, body ?? {}, headers);
  }
  patch(path: string, body: unknown) {
    return this.request('PATCH', path, body);
  }
  delete(path: string) {
    return this.request('DELETE', path);
  }

  /** Follows redirects like a browser, storing cookies on the way; returns the last response. */
  async follow(location: string, maxHops = 10): Promise<{ status: number; url: string }> {
    let current = new URL(location, this.baseUrl).toString();
    for (let hop = 0; hop < maxHops; hop++) {
      const sameSite = new URL(current).origin === new URL(this.baseUrl).origin;
      const headers: Record<string, string> = {};
      if (sameSite && this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await fetch(current, { headers, redirect: 'manual' });
      if (sameSite) this.store(response.headers.getSetCookie());
      await response.arrayBuffer();
      const next = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !next) return { status: response.status, url: current };
      current = new URL(next, current).toString();
    }
    throw new Error('too many redirects');
  }

  private store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export type TestResponse = {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: Record<string, unknown> & Array<unknown>;
};
