/**
 * A token server the real registry trusts (`auth.token` in its config): issues RS256 JWTs signed
 * with a throw-away self-signed certificate (made with openssl), carried in the JWT header's
 * `x5c` so distribution 2.8 verifies them against `rootcertbundle`. Binds 127.0.0.1 only.
 */
import { execFileSync } from "node:child_process";
import { createPrivateKey, randomUUID, sign, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

export interface TokenServerOptions {
  /** Directory for the key and certificate. */
  readonly dir: string;
  readonly service?: string;
  readonly issuer?: string;
  /** user → password; these get every action they ask for. */
  readonly users?: Readonly<Record<string, string>>;
  /** Anonymous callers get `pull` (as on Docker Hub public images) or nothing. */
  readonly anonymous?: "pull" | "none";
  /** Token lifetime in seconds. */
  readonly expiresIn?: number;
  /** OAuth2 refresh tokens (a Docker config's `identitytoken`, as ACR issues) → the user they stand for. */
  readonly refreshTokens?: Readonly<Record<string, string>>;
}

export interface TokenRequestRecord {
  /** `GET` (Basic or anonymous) or `POST` (the OAuth2 refresh-token grant). */
  readonly method: string;
  readonly scope: string | null;
  readonly service: string | null;
  readonly account: string | null;
  readonly authenticated: boolean;
}

export interface TokenServer {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** PEM bundle for the registry's `rootcertbundle`. */
  readonly certPath: string;
  readonly requests: TokenRequestRecord[];
  /** Issue a token directly (for seeding), bypassing HTTP. */
  issue(scope: string, subject?: string): string;
  stop(): Promise<void>;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const service = options.service ?? "test-registry";
  const issuer = options.issuer ?? "test-token-issuer";
  const keyPath = join(options.dir, "token.key");
  const certPath = join(options.dir, "token.crt");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha256",
      "-days",
      "1",
      "-subj",
      `/CN=${issuer}`,
      "-keyout",
      keyPath,
      "-out",
      certPath,
    ],
    { stdio: "ignore" },
  );
  const key = createPrivateKey(readFileSync(keyPath));
  const certDer = new X509Certificate(readFileSync(certPath)).raw;
  const expiresIn = options.expiresIn ?? 300;
  const requests: TokenRequestRecord[] = [];

  function issue(scope: string, subject = ""): string {
    const access = scope
      .split(" ")
      .filter(Boolean)
      .map((s) => {
        const [type = "", ...rest] = s.split(":");
        const actions = (rest.pop() ?? "").split(",").filter(Boolean);
        return { type, name: rest.join(":"), actions };
      });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "RS256", typ: "JWT", x5c: [certDer.toString("base64")] };
    const claims = { iss: issuer, sub: subject, aud: service, exp: now + expiresIn, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(sign("sha256", Buffer.from(input), key))}`;
  }

  function callerOf(req: IncomingMessage): { user: string | null; bad: boolean } {
    const header = req.headers.authorization;
    if (!header) return { user: null, bad: false };
    const match = /^Basic (.+)$/.exec(header);
    const decoded = match?.[1] ? Buffer.from(match[1], "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    const user = decoded.slice(0, colon);
    const ok = colon > 0 && options.users?.[user] === decoded.slice(colon + 1);
    return ok ? { user, bad: false } : { user: null, bad: true };
  }

  function grant(res: ServerResponse, scope: string | null, user: string | null, oauth: boolean): void {
    // Anonymous callers are granted pull only; known users everything they ask.
    const granted = (scope ?? "")
      .split(" ")
      .filter(Boolean)
      .map((s) => {
        if (user !== null) return s;
        const parts = s.split(":");
        const actions = (parts.pop() ?? "").split(",").filter((a) => a === "pull");
        return actions.length ? [...parts, actions.join(",")].join(":") : "";
      })
      .filter(Boolean)
      .join(" ");
    const token = issue(granted, user ?? "");
    res.writeHead(200, { "content-type": "application/json" });
    // The OAuth2 answer has only access_token; the Docker one has both.
    res.end(
      JSON.stringify(
        oauth
          ? { access_token: token, expires_in: expiresIn, scope: granted }
          : { token, access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString() },
      ),
    );
  }

  function refuse(res: ServerResponse): void {
    res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Basic realm="token"' });
    res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] }));
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
        const user = options.refreshTokens?.[form.get("refresh_token") ?? ""] ?? null;
        requests.push({
          method: "POST",
          scope: form.get("scope"),
          service: form.get("service"),
          account: null,
          authenticated: user !== null,
        });
        if (url.pathname !== "/token" || form.get("grant_type") !== "refresh_token" || req.headers.authorization !== undefined) {
          res.writeHead(400).end();
          return;
        }
        if (user === null) refuse(res);
        else grant(res, form.get("scope"), user, true);
      });
      return;
    }
    const scope = url.searchParams.get("scope");
    const caller = callerOf(req);
    requests.push({
      method: req.method ?? "GET",
      scope,
      service: url.searchParams.get("service"),
      account: url.searchParams.get("account"),
      authenticated: caller.user !== null,
    });
    if (url.pathname !== "/token") {
      res.writeHead(404).end();
      return;
    }
    if (caller.bad || (caller.user === null && options.anonymous === "none")) {
      refuse(res);
      return;
    }
    grant(res, scope, caller.user, false);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPath,
    requests,
    issue,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
