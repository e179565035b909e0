import { spawnSync } from 'node:child_process';
import { createSign, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export interface TokenServerOptions {
  /** user → password; a request with other credentials is refused. */
  users?: Record<string, string>;
  /** Repositories only these users may pull; any other repository is public. */
  privateRepositories?: Record<string, string[]>;
  expiresInSeconds?: number;
}

/**
 * A token realm for the registry's `auth: token` (the distribution token spec): RS256 JWTs
 * whose x5c names a self-signed certificate the registry trusts (`rootcertbundle`). A real
 * registry checks every token it issues; the test only decides who may pull what.
 */
export class TestTokenServer {
  private server: Server | null = null;
  port = 0;
  readonly service = 'rf-test-registry';
  readonly issuer = 'rf-test-issuer';
  readonly certPath: string;
  private readonly keyPath: string;
  /** Every token request, `user|anonymous scope`. */
  readonly requests: string[] = [];

  constructor(
    dir: string,
    private readonly options: TokenServerOptions = {},
  ) {
    this.certPath = join(dir, 'token.crt');
    this.keyPath = join(dir, 'token.key');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=rf-test-token',
      '-keyout',
      this.keyPath,
      '-out',
      this.certPath,
    ]);
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  }

  get realm(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  /** The registry config's `auth:` section. */
  authSection(): string {
    return [
      '  token:',
      `    realm: ${this.realm}`,
      `    service: ${this.service}`,
      `    issuer: ${this.issuer}`,
      `    rootcertbundle: ${this.certPath}`,
    ].join('\n');
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const scope = url.searchParams.get('scope') ?? '';
      const user = this.authenticate(req.headers.authorization);
      this.requests.push(`${user ?? 'anonymous'} ${scope}`);
      if (user === false) {
        res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const [, name = '', actions = ''] = scope.split(':');
      const allowed = this.options.privateRepositories?.[name];
      const granted = !allowed || (user !== null && allowed.includes(user)) ? actions.split(',') : [];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          token: this.sign(user ?? '', name ? [{ type: 'repository', name, actions: granted }] : []),
          expires_in: this.options.expiresInSeconds ?? 300,
          issued_at: new Date().toISOString(),
        }),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** null: anonymous; false: wrong credentials; else the user. */
  private authenticate(header: string | undefined): string | null | false {
    if (!header?.startsWith('Basic ')) return null;
    const [user, password] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return user && this.options.users?.[user] === password ? user : false;
  }

  private sign(subject: string, access: object[]): string {
    const cert = new X509Certificate(readFileSync(this.certPath));
    const now = Math.floor(Date.now() / 1000);
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = b64({ typ: 'JWT', alg: 'RS256', x5c: [cert.raw.toString('base64')] });
    const claims = b64({
      iss: this.issuer,
      sub: subject,
      aud: this.service,
      exp: now + (this.options.expiresInSeconds ?? 300),
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    });
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(readFileSync(this.keyPath));
    return `${header}.${claims}.${signature.toString('base64url')}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
