/**
 * The registry client: OCI distribution / Docker registry v2 API, for reading only.
 * Auth discovery from challenges (anonymous and credentialed Bearer, Basic), every page of
 * tags/list, manifests and configs by digest (cached), retries, per-registry rate limits.
 */
import { createHash } from "node:crypto";
import { RegistryError, type RegistryErrorKind } from "../errors/index.js";
import { silentLogger, type Logger } from "../log/index.js";
import { DOCKER_HUB, formatImageRef, isDockerHubHost, isValidTag, repositoryKey, type ImageRef } from "../image-ref/index.js";
import type { TagDetails } from "../model/index.js";
import { backoffDelay, DEFAULT_BACKOFF, parseRetryAfter } from "./backoff.js";
import {
  describeCredentialSource,
  parseDockerConfig,
  readCredentials,
  type CredentialResolver,
  type CredentialSource,
  type Credentials,
  type DockerCredentials,
} from "./credentials.js";
import { createAgents, sendOnce, TransportError, type HttpRequest, type HttpResponse } from "./http.js";
import { Limiter } from "./limiter.js";
import { parseNextLink } from "./link-header.js";
import {
  choosePlatform,
  isSchema1,
  MANIFEST_ACCEPT,
  SCHEMA1_UNSUPPORTED,
  parseImageConfig,
  parseManifest,
  type ImageConfig,
  type Manifest,
} from "./manifests.js";
import { createMetadataCache, type MetadataCache } from "./metadata-cache.js";
import { DEFAULT_RATE_LIMIT, findRegistryEntry, type RegistriesConfig, type RegistryEntry } from "./registries-config.js";
import { tagCacheKey, type TagDetailsCache } from "./tag-cache.js";
import { isLoopbackHost, maySkipTlsChecks, realmCredentialsRefusal } from "./token-realm.js";
import { parseWwwAuthenticate } from "./www-authenticate.js";

export { isLoopbackHost };

/** The pino-shaped logger (log/): retries, rate-limit waits and auth failures, with their context, never a secret. */
export type RegistryLog = Pick<Logger, "debug" | "warn">;

export interface RegistryClientOptions {
  config?: RegistriesConfig;
  /** Content of a `.dockerconfigjson` / `~/.docker/config.json`. */
  dockerConfigJson?: string;
  credentialResolver?: CredentialResolver;
  /**
   * One deadline per request: connecting, redirects, headers and the whole body. A request that
   * uses all of it is not retried, and its host is not asked again by this client. Default 30 s.
   */
  timeoutMs?: number;
  /** How long an `ext:` credential script may run before it is killed. Default 30 s. */
  credentialsTimeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx and network errors. Default 3. */
  retries?: number;
  metadataCache?: MetadataCache;
  /** Tag details kept across passes (and clients): share one to make a second pass ask only for tag lists. */
  tagCache?: TagDetailsCache;
  log?: RegistryLog;
  /** Concurrent requests per registry. Default 8. */
  concurrency?: number;
  /** `n` asked of tags/list. Default 1000. */
  pageSize?: number;
  /** Longest `Retry-After` honoured; longer ones fail at once. Default 60 s. */
  maxRetryAfterMs?: number;
  /** For tests: backoff timing, the clock, the environment for `env:` credentials. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
  backoff?: { baseMs: number; capMs: number };
}

export interface RegistryClientStats {
  /** HTTP requests actually sent by this client (token requests, retries and redirects included). */
  readonly requests: number;
  /** Tags the registries returned that are not valid tags, and were dropped. */
  readonly invalidTags: number;
  /** Tag details answered from the tag cache (`tagCache`), without fetching a manifest or config. */
  readonly tagCacheHits: number;
}

/** Per image: where its credentials come from (argocd-image-updater's `pull-secret`), over registries.conf's. */
export interface ImageAccess {
  readonly credentials?: CredentialSource | null;
}

export interface RegistryClient {
  /** Every tag of the repository, in registry order; one listing per repository (and credentials) per client. */
  listTags(image: ImageRef, access?: ImageAccess): Promise<string[]>;
  /**
   * A tag's digest, build date, platforms and labels. From the tag cache when it holds them; with
   * `mutable` (the tag the `digest` strategy follows, which moves) only after a HEAD shows the
   * tag still has the kept digest.
   */
  getTagDetails(image: ImageRef, tag: string, options?: { platform?: string; mutable?: boolean } & ImageAccess): Promise<TagDetails>;
  readonly stats: RegistryClientStats;
  close(): Promise<void>;
}

interface Endpoint {
  readonly registry: string;
  readonly baseUrl: string;
  readonly insecureTls: boolean;
  readonly entry: RegistryEntry | null;
  readonly limiter: Limiter;
  readonly auth: AuthState;
}

interface AuthState {
  scheme: "unknown" | "none" | "basic" | "bearer";
  realm: string | null;
  service: string | null;
  readonly tokens: Map<string, { token: string; expiresAt: number }>;
  readonly pendingTokens: Map<string, Promise<string>>;
}

interface Call {
  readonly endpoint: Endpoint;
  readonly image: ImageRef;
  /** Safe for messages: `registry/repo[:tag]`. */
  readonly label: string;
  /** The image's own credential source (a pull secret), over the registry's; null: the registry's. */
  readonly credentials: CredentialSource | null;
}

/** What keys caches that depend on who asks: the source's description (never the secret). */
function accessKey(credentials: CredentialSource | null | undefined): string {
  return credentials == null ? "" : describeCredentialSource(credentials);
}

/** The longest bearer token sent: proxies and registries refuse longer headers (nginx: 8 KiB a line). */
const MAX_TOKEN_BYTES = 16 * 1024;

export const DEFAULT_REGISTRY_TIMEOUT_MS = 30_000;
export const DEFAULT_CREDENTIALS_TIMEOUT_MS = 30_000;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS;
  const credentialsTimeoutMs = options.credentialsTimeoutMs ?? DEFAULT_CREDENTIALS_TIMEOUT_MS;
  const retries = options.retries ?? 3;
  const pageSize = options.pageSize ?? 1000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const env = options.env ?? process.env;
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff, random };
  const cache = options.metadataCache ?? createMetadataCache();
  const log: RegistryLog = options.log ?? silentLogger;
  const dockerCredentials: DockerCredentials = parseDockerConfig(options.dockerConfigJson ?? "{}", "docker config");
  const agents = createAgents();
  const endpoints = new Map<string, Endpoint>();
  const listings = new Map<string, Promise<readonly string[]>>();
  const details = new Map<string, Promise<TagDetails>>();
  /** Content-addressed fetches under way, so two tags sharing a config blob fetch it once. */
  const inflight = new Map<string, Promise<unknown>>();
  const stats = { requests: 0, invalidTags: 0, tagCacheHits: 0 };
  const tagCache = options.tagCache;
  /** Hosts that let a request run out its deadline, and what they did: not asked again by this client. */
  const stalled = new Map<string, string>();
  let closed = false;

  function endpointFor(image: ImageRef): Endpoint {
    const existing = endpoints.get(image.registry);
    if (existing) return existing;
    const entry = findRegistryEntry(options.config, image.registry);
    // The host actually spoken to: a Docker Hub name can be routed to the `default: true` entry.
    const host = entry?.prefix ?? image.registry;
    let baseUrl: string;
    let insecureTls = false;
    if (entry?.apiUrl) {
      const url = new URL(entry.apiUrl);
      if (url.protocol === "http:" && !isLoopbackHost(url.host) && !entry.insecure) {
        throw new RegistryError(`registry ${image.registry}: api_url uses plain HTTP`, {
          kind: "config",
          context: { image: formatImageRef(image), registry: image.registry },
          hint: "use https:// or set insecure: true for this registry in registries.conf",
        });
      }
      insecureTls = url.protocol === "https:" && entry.insecure;
      baseUrl = entry.apiUrl;
    } else if (isDockerHubHost(host)) {
      baseUrl = "https://registry-1.docker.io";
    } else if (isLoopbackHost(host)) {
      baseUrl = `http://${host}`;
    } else {
      // As in argocd-image-updater, `insecure` turns off certificate checks; it never means plain
      // HTTP (that takes an explicit http:// api_url), so credentials are not sent in the clear.
      baseUrl = `https://${host}`;
      insecureTls = entry?.insecure ?? false;
    }
    const endpoint: Endpoint = {
      registry: image.registry,
      baseUrl: baseUrl.replace(/\/+$/, ""),
      insecureTls,
      entry,
      limiter: new Limiter({
        requestsPerSecond: entry?.limit ?? DEFAULT_RATE_LIMIT,
        concurrency: options.concurrency ?? 8,
        now,
        sleep,
      }),
      auth: { scheme: "unknown", realm: null, service: null, tokens: new Map(), pendingTokens: new Map() },
    };
    endpoints.set(image.registry, endpoint);
    return endpoint;
  }

  function repositoryPath(call: Call): string {
    const { entry } = call.endpoint;
    let repo = call.image.repository;
    // `nginx` sent to a `default: true` registry other than Docker Hub is `nginx` there (then
    // defaultns), not Docker Hub's `library/nginx`.
    if (entry !== null && call.image.registry === DOCKER_HUB && !isDockerHubHost(entry.prefix) && repo.startsWith("library/")) {
      repo = repo.slice("library/".length);
    }
    return entry?.defaultNamespace && !repo.includes("/") ? `${entry.defaultNamespace}/${repo}` : repo;
  }

  function fail(
    call: Call,
    kind: RegistryErrorKind,
    what: string,
    extra: { status?: number; cause?: unknown; hint?: string } = {},
  ): RegistryError {
    const hint = extra.hint ?? defaultHint(kind, call);
    if (kind === "auth") {
      // Named by where the credentials came from, never by what they are.
      const source = call.credentials ?? call.endpoint.entry?.credentials ?? null;
      log.warn(
        {
          image: call.label,
          registry: call.endpoint.registry,
          status: extra.status ?? null,
          credentials: source === null ? null : describeCredentialSource(source),
        },
        "registry authentication failed",
      );
    }
    return new RegistryError(`${call.label}: ${what}`, {
      kind,
      ...(extra.status === undefined ? {} : { status: extra.status }),
      ...(extra.cause === undefined ? {} : { cause: extra.cause }),
      context: { image: call.label, registry: call.endpoint.registry },
      hint,
    });
  }

  function defaultHint(kind: RegistryErrorKind, call: Call): string {
    switch (kind) {
      case "auth":
        return `check the credentials for ${call.endpoint.registry} (registries.conf credentials or a Docker config); the repository may be private`;
      case "not-found":
        return "check the image name and tag; a private repository can also answer 404 to anonymous requests";
      case "rate-limit":
        return `the registry is rate limiting; lower "limit" for ${call.endpoint.registry}, authenticate, or try later`;
      case "server":
        return "the registry failed; try again later";
      case "network":
        return `check that ${call.endpoint.baseUrl} is reachable`;
      case "timeout":
        return `if the registry is only slow, raise the deadline (now ${timeoutMs / 1000} s) with --registry-timeout SECONDS or ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT`;
      case "protocol":
        return "the registry's answer does not follow the distribution API";
      case "config":
        return "fix the registry configuration";
    }
  }

  /** Hosts a Docker config may name for this endpoint: the registry spoken to, then its api_url's host. */
  function credentialHosts(call: Call): string[] {
    const { entry, registry, baseUrl } = call.endpoint;
    return [...new Set([entry?.prefix ?? registry, new URL(baseUrl).host])];
  }

  /** Credentials read from a source (the image's pull secret, or the registry's), per registry and source, until they expire. */
  const readSources = new Map<string, { value: Promise<Credentials>; expiresAt: number }>();

  async function credentialsFor(call: Call): Promise<Credentials | null> {
    const { entry, registry } = call.endpoint;
    const source = call.credentials ?? entry?.credentials ?? null;
    if (source === null) {
      // A Docker config is matched per repository (`host/team-a` keys), and costs no I/O.
      const repository = repositoryPath(call);
      for (const host of credentialHosts(call)) {
        const found = dockerCredentials.find(host, repository);
        if (found !== null) return found;
      }
      return null;
    }
    const key = `${registry}|${accessKey(source)}`;
    const cached = readSources.get(key);
    if (cached && cached.expiresAt > now()) return cached.value;
    const value = readCredentials(source, {
      registry,
      repository: repositoryPath(call),
      image: call.label,
      resolver: options.credentialResolver,
      env,
      timeoutMs: credentialsTimeoutMs,
    });
    readSources.set(key, { value, expiresAt: entry?.credsExpireMs ? now() + entry.credsExpireMs : Number.POSITIVE_INFINITY });
    // A failed read is tried again by the next call; a script that ran out its deadline is not run
    // again in this pass (it would cost every image of the registry one more deadline).
    value.catch((error: unknown) => {
      if (!(error instanceof RegistryError && error.kind === "timeout")) readSources.delete(key);
    });
    return value;
  }

  /** Why no credentials were sent, when the registry wants some. */
  function missingCredentialsHint(call: Call): string {
    const helper = credentialHosts(call)
      .map((host) => dockerCredentials.helperFor(host))
      .find((h) => h !== null);
    if (helper != null) {
      return `the Docker config leaves ${call.endpoint.registry} to the credential helper "docker-credential-${helper}" (credsStore/credHelpers), which argocd-image-pr does not run: put the credentials under "auths", or use credentials: ext:/path/to/script in registries.conf`;
    }
    return `${call.endpoint.registry} requires credentials: add them to registries.conf (credentials: env:VAR) or a Docker config`;
  }

  /**
   * One exchange with retries on 429, 5xx and network errors. Not retried: a request that ran out
   * its deadline (its host is then not asked again: one stalled host costs one deadline, not one
   * per retry and image), and failures that would fail the same way again (TLS, oversized headers).
   */
  async function send(call: Call, req: HttpRequest, what: string): Promise<HttpResponse> {
    const closedError = (): RegistryError => fail(call, "config", `${what}: the client is closed`, { hint: "create a new client" });
    const target = new URL(req.url);
    // Certificate checks are skipped only on the registry's own host (not on a token realm elsewhere).
    const dispatcher = maySkipTlsChecks(target, new URL(call.endpoint.baseUrl), call.endpoint.insecureTls)
      ? agents.insecure
      : agents.secure;
    for (let attempt = 0; ; attempt += 1) {
      // Checked on every attempt: work queued or backing off when the client closes stops here.
      if (closed) throw closedError();
      const stall = stalled.get(target.host);
      if (stall !== undefined) throw fail(call, "timeout", `${what} not sent: ${target.host} stalled earlier in this pass (${stall})`);
      let res: HttpResponse | null = null;
      let failure: RegistryError;
      try {
        res = await call.endpoint.limiter.run(() => {
          // Queued behind requests that stalled: do not start another.
          const queuedStall = stalled.get(target.host);
          if (queuedStall !== undefined)
            return Promise.reject(
              new TransportError("timeout", `${target.host} stalled earlier in this pass (${queuedStall})`, undefined, target.host),
            );
          return sendOnce(dispatcher, req, timeoutMs, () => (stats.requests += 1));
        }, closedError);
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        failure = fail(call, error.kind, `${what} failed: ${error.message}`, {
          cause: error.cause,
          ...(error.hint === undefined ? {} : { hint: error.hint }),
        });
        if (error.kind !== "network") {
          if (error.kind === "timeout" && error.host !== "" && !stalled.has(error.host)) stalled.set(error.host, error.message);
          log?.warn(
            { registry: call.endpoint.registry, image: call.label, kind: failure.kind, host: error.host, attempts: attempt + 1 },
            "registry request failed",
          );
          throw failure;
        }
      }
      if (res !== null) {
        if (res.status !== 429 && res.status < 500) return res;
        const kind = res.status === 429 ? "rate-limit" : "server";
        failure = fail(call, kind, `${what} failed with HTTP ${res.status}${errorCode(res)}`, { status: res.status });
      }
      const retryAfter = res === null ? null : parseRetryAfter(res.headers["retry-after"], now());
      if (attempt >= retries) {
        log.warn(
          {
            image: call.label,
            registry: call.endpoint.registry,
            kind: failure!.kind,
            status: failure!.status ?? null,
            attempt: attempt + 1,
          },
          "registry request failed",
        );
        throw failure!;
      }
      if (retryAfter !== null && retryAfter > maxRetryAfterMs) {
        throw fail(
          call,
          failure!.kind,
          `${what} failed with HTTP ${res?.status ?? "?"}; the registry asks to wait ${Math.ceil(retryAfter / 1000)} s`,
          {
            ...(res ? { status: res.status } : {}),
          },
        );
      }
      const delay = retryAfter ?? backoffDelay(attempt, backoff);
      log.debug(
        {
          image: call.label,
          registry: call.endpoint.registry,
          kind: failure!.kind,
          status: failure!.status ?? null,
          attempt: attempt + 1,
          waitMs: delay,
        },
        "retrying registry request",
      );
      await sleep(delay);
    }
  }

  function scopeFor(call: Call): string {
    return `repository:${repositoryPath(call)}:pull`;
  }

  /** Tokens are per scope and per credentials: an anonymous token must not serve a pull secret's call. */
  function tokenKey(call: Call): string {
    return `${scopeFor(call)}|${accessKey(call.credentials)}`;
  }

  async function bearerToken(call: Call): Promise<string> {
    const { auth } = call.endpoint;
    const scope = scopeFor(call);
    const key = tokenKey(call);
    const cached = auth.tokens.get(key);
    if (cached && cached.expiresAt > now()) return cached.token;
    const pending = auth.pendingTokens.get(key);
    if (pending) return pending;
    const fetchToken = (async (): Promise<string> => {
      const realm = auth.realm;
      if (!realm) throw fail(call, "protocol", "the Bearer challenge has no realm");
      let url: URL;
      try {
        url = new URL(realm);
      } catch {
        throw fail(call, "protocol", "the Bearer challenge's realm is not a URL");
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") throw fail(call, "protocol", "the token realm is not HTTP(S)");
      const creds = await credentialsFor(call);
      const refusal = creds ? realmCredentialsRefusal(url, new URL(call.endpoint.baseUrl)) : null;
      if (refusal !== null) {
        throw fail(call, "config", refusal, { hint: "the registry's Bearer challenge names this token service; serve it over HTTPS" });
      }
      let request: HttpRequest;
      if (creds?.identityToken !== undefined) {
        // A refresh token (Docker config `identitytoken`, as `az acr login` writes): the OAuth2
        // refresh-token grant of the distribution token spec, POSTed as a form.
        const form = new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: creds.identityToken,
          client_id: "argocd-image-pr",
          scope,
        });
        if (auth.service) form.set("service", auth.service);
        request = {
          method: "POST",
          url: url.toString(),
          headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
          body: form.toString(),
        };
      } else {
        if (auth.service) url.searchParams.set("service", auth.service);
        url.searchParams.set("scope", scope);
        const headers: Record<string, string> = { accept: "application/json" };
        if (creds) {
          headers["authorization"] = basic(creds);
          url.searchParams.set("account", creds.username);
        }
        request = { method: "GET", url: url.toString(), headers };
      }
      const res = await send(call, request, "token request");
      if (res.status === 401 || res.status === 403) {
        throw fail(call, "auth", `the token service refused ${creds ? "the credentials" : "anonymous access"} (HTTP ${res.status})`, {
          status: res.status,
          ...(creds ? {} : { hint: missingCredentialsHint(call) }),
        });
      }
      if (res.status !== 200) throw fail(call, "protocol", `token request answered HTTP ${res.status}`, { status: res.status });
      const json = parseJson(res.body);
      const token =
        typeof json === "object" && json !== null
          ? "token" in json && typeof json.token === "string"
            ? json.token
            : "access_token" in json && typeof json.access_token === "string"
              ? json.access_token
              : null
          : null;
      if (!token) throw fail(call, "protocol", "the token service answered without a token");
      // Not echoed, and not sent: a value that cannot be a header would fail as a "network" error.
      if (!/^[\x21-\x7e]+$/.test(token))
        throw fail(call, "protocol", "the token service answered with a token that is not a valid header value");
      if (token.length > MAX_TOKEN_BYTES) {
        throw fail(
          call,
          "protocol",
          `the token service ${url.host} answered with a token of ${token.length} bytes; tokens over ${MAX_TOKEN_BYTES / 1024} KiB are not sent, as registries and proxies refuse headers that long`,
          {
            hint: "check the token service the registry's Bearer challenge names (its realm)",
          },
        );
      }
      const expiresIn =
        typeof json === "object" && json !== null && "expires_in" in json && typeof json.expires_in === "number" && json.expires_in > 0
          ? json.expires_in
          : 60;
      // Renew a little early so a token never expires between check and use.
      auth.tokens.set(key, { token, expiresAt: now() + Math.max(expiresIn * 500, expiresIn * 1000 - 30_000) });
      return token;
    })();
    auth.pendingTokens.set(key, fetchToken);
    try {
      return await fetchToken;
    } finally {
      auth.pendingTokens.delete(key);
    }
  }

  async function authorization(call: Call): Promise<string | null> {
    const { auth } = call.endpoint;
    switch (auth.scheme) {
      case "unknown":
      case "none":
        return null;
      case "basic": {
        const creds = await credentialsFor(call);
        return creds ? basic(creds) : null;
      }
      case "bearer":
        return `Bearer ${await bearerToken(call)}`;
    }
  }

  /** GET/HEAD on the registry with auth discovery: on a 401, learn the challenge and try once more. */
  async function authed(call: Call, method: "GET" | "HEAD", url: string, accept: string, what: string): Promise<HttpResponse> {
    const { auth } = call.endpoint;
    for (let round = 0; ; round += 1) {
      const headers: Record<string, string> = { accept };
      const authHeader = await authorization(call);
      if (authHeader) headers["authorization"] = authHeader;
      const res = await send(call, { method, url, headers }, what);
      if (res.status !== 401) {
        if (auth.scheme === "unknown") auth.scheme = "none";
        return res;
      }
      const challenges = parseWwwAuthenticate(res.headers["www-authenticate"] ?? "");
      const bearer = challenges.find((c) => c.scheme === "bearer");
      const basicChallenge = challenges.find((c) => c.scheme === "basic");
      const hadBearer = auth.scheme === "bearer";
      if (bearer) {
        auth.scheme = "bearer";
        auth.realm = bearer.params["realm"] ?? null;
        auth.service = bearer.params["service"] ?? null;
        auth.tokens.delete(tokenKey(call));
      } else if (basicChallenge) {
        auth.scheme = "basic";
      }
      const creds = await credentialsFor(call);
      const canRetry = round === 0 && (bearer !== undefined || (basicChallenge !== undefined && creds !== null));
      if (!canRetry || (hadBearer && round > 0)) {
        const insufficient = bearer?.params["error"] === "insufficient_scope";
        throw fail(call, "auth", `${what} was refused (HTTP 401${insufficient ? ", insufficient scope" : ""})`, {
          status: 401,
          ...(creds === null ? { hint: missingCredentialsHint(call) } : {}),
        });
      }
    }
  }

  async function fetchJson(call: Call, url: string, accept: string, what: string): Promise<{ res: HttpResponse; json: unknown }> {
    for (let attempt = 0; ; attempt += 1) {
      const res = await authed(call, "GET", url, accept, what);
      checkStatus(call, res, what);
      const json = parseJson(res.body);
      if (json !== undefined) return { res, json };
      // A truncated or garbled body from a proxy or an overloaded registry: worth another try.
      if (attempt >= retries) throw fail(call, "protocol", `${what}: the answer is not valid JSON`, { status: res.status });
      await sleep(backoffDelay(attempt, backoff));
    }
  }

  function checkStatus(call: Call, res: HttpResponse, what: string): void {
    if (res.status >= 200 && res.status < 300) return;
    if (res.status === 404) throw fail(call, "not-found", `${what}: not found (HTTP 404${errorCode(res)})`, { status: 404 });
    if (res.status === 403) throw fail(call, "auth", `${what}: forbidden (HTTP 403${errorCode(res)})`, { status: 403 });
    throw fail(call, "protocol", `${what}: unexpected HTTP ${res.status}${errorCode(res)}`, { status: res.status });
  }

  function makeCall(image: ImageRef, tag: string | undefined, credentials: CredentialSource | null | undefined): Call {
    const label = formatImageRef({ ...image, tag: tag ?? null, digest: null });
    return { endpoint: endpointFor(image), image, label, credentials: credentials ?? null };
  }

  /** By digest: from the cache, or joined to the fetch already under way, or fetched once. */
  function byDigest<T>(key: string, load: () => Promise<T>): Promise<T> {
    const cached = cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached as T);
    const pending = inflight.get(key);
    if (pending) return pending as Promise<T>;
    const loading = load().finally(() => inflight.delete(key));
    inflight.set(key, loading);
    return loading;
  }

  async function listAll(image: ImageRef, access: ImageAccess): Promise<readonly string[]> {
    const call = makeCall(image, undefined, access.credentials);
    const base = call.endpoint.baseUrl;
    let url: string | null = `${base}/v2/${repositoryPath(call)}/tags/list?n=${pageSize}`;
    const seen = new Set<string>();
    const tags: string[] = [];
    let invalid = 0;
    let pages = 0;
    while (url !== null) {
      if (seen.has(url)) throw fail(call, "protocol", "tags/list pagination loops back to a page already read");
      seen.add(url);
      pages += 1;
      const { res, json }: { res: HttpResponse; json: unknown } = await fetchJson(call, url, "application/json", "tags/list");
      const pageTags = typeof json === "object" && json !== null && "tags" in json ? json.tags : undefined;
      if (pageTags !== null && !Array.isArray(pageTags)) throw fail(call, "protocol", "tags/list answered without a tags array");
      for (const tag of pageTags ?? []) {
        if (typeof tag === "string" && isValidTag(tag)) tags.push(tag);
        else invalid += 1;
      }
      const next = parseNextLink(res.headers["link"], url);
      if (next !== null && new URL(next).origin !== new URL(base).origin) {
        throw fail(call, "protocol", "tags/list pagination points to another host", {
          hint: "the registry's Link header is not trusted across hosts",
        });
      }
      url = next;
    }
    if (invalid > 0) {
      stats.invalidTags += invalid;
      log.warn({ image: call.label, registry: call.endpoint.registry, dropped: invalid }, "registry returned invalid tags; dropped");
    }
    log.debug({ image: call.label, registry: call.endpoint.registry, tags: tags.length, pages }, "listed tags");
    return tags;
  }

  function manifestByDigest(call: Call, reference: string): Promise<Manifest> {
    return byDigest(`manifest:${reference}`, async () => (await getManifest(call, reference)).manifest);
  }

  async function getManifest(call: Call, reference: string): Promise<{ digest: string; manifest: Manifest }> {
    const url = `${call.endpoint.baseUrl}/v2/${repositoryPath(call)}/manifests/${reference}`;
    const { res, json } = await fetchJson(call, url, MANIFEST_ACCEPT, `manifest ${reference}`);
    if (isSchema1(json, res.headers["content-type"] ?? null))
      throw fail(call, "protocol", `manifest ${reference}: ${SCHEMA1_UNSUPPORTED}`, {
        hint: "push the image again with a current Docker or buildx (schema 2 / OCI)",
      });
    const computed = `sha256:${createHash("sha256").update(res.body).digest("hex")}`;
    const served = res.headers["docker-content-digest"];
    if (reference.startsWith("sha256:") && computed !== reference) {
      throw fail(call, "protocol", `manifest ${reference}: the content does not match its digest`);
    }
    if (served && served.startsWith("sha256:") && served !== computed) {
      throw fail(call, "protocol", `manifest ${reference}: Docker-Content-Digest does not match the content`);
    }
    const digest = reference.startsWith("sha256:") ? reference : computed;
    const manifest = parseManifest(json, res.headers["content-type"] ?? null);
    if (typeof manifest === "string") throw fail(call, "protocol", `manifest ${reference}: ${manifest}`);
    cache.set(`manifest:${digest}`, manifest);
    return { digest, manifest };
  }

  async function tagDigest(call: Call, tag: string): Promise<string | null> {
    const url = `${call.endpoint.baseUrl}/v2/${repositoryPath(call)}/manifests/${tag}`;
    const res = await authed(call, "HEAD", url, MANIFEST_ACCEPT, `manifest ${tag}`);
    checkStatus(call, res, `manifest ${tag}`);
    const digest = res.headers["docker-content-digest"];
    return digest && /^sha256:[a-f0-9]{64}$/.test(digest) ? digest : null;
  }

  function imageConfig(call: Call, digest: string): Promise<ImageConfig> {
    return byDigest(`config:${digest}`, () => fetchImageConfig(call, digest));
  }

  async function fetchImageConfig(call: Call, digest: string): Promise<ImageConfig> {
    const url = `${call.endpoint.baseUrl}/v2/${repositoryPath(call)}/blobs/${digest}`;
    const { res, json } = await fetchJson(call, url, "application/json, */*", `config blob ${digest}`);
    if (digest.startsWith("sha256:") && `sha256:${createHash("sha256").update(res.body).digest("hex")}` !== digest) {
      throw fail(call, "protocol", `config blob ${digest}: the content does not match its digest`);
    }
    const config = parseImageConfig(json);
    if (typeof config === "string") throw fail(call, "protocol", `config blob ${digest}: ${config}`);
    cache.set(`config:${digest}`, config);
    return config;
  }

  /** Whose credentials a call carries, for the tag cache's key: a source's description or a Docker config's user, never a secret. */
  function accessIdentity(call: Call): string {
    const source = call.credentials ?? call.endpoint.entry?.credentials ?? null;
    if (source !== null) return describeCredentialSource(source);
    const repository = repositoryPath(call);
    for (const host of credentialHosts(call)) {
      const found = dockerCredentials.find(host, repository);
      if (found !== null) return `docker-config:${host}:${found.username}`;
    }
    return "anonymous";
  }

  /** From the tag cache when it can answer (a moving tag: after a HEAD confirms its digest), else fetched and kept. */
  async function resolveDetails(
    image: ImageRef,
    tag: string,
    platform: string | undefined,
    access: ImageAccess & { mutable?: boolean },
  ): Promise<TagDetails> {
    const call = makeCall(image, tag, access.credentials);
    if (!isValidTag(tag))
      throw fail(call, "config", `"${tag.slice(0, 130)}" is not a valid tag`, { hint: "tags match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}" });
    if (tagCache === undefined) return fetchDetails(call, tag, platform, null);
    const key = tagCacheKey({
      baseUrl: call.endpoint.baseUrl,
      repository: repositoryPath(call),
      tag,
      platform: platform ?? "",
      access: accessIdentity(call),
    });
    const kept = tagCache.get(key);
    let digest: string | null = null;
    if (kept !== undefined) {
      if (access.mutable !== true) {
        stats.tagCacheHits += 1;
        return kept;
      }
      digest = await tagDigest(call, tag);
      if (digest !== null && digest === kept.digest) {
        stats.tagCacheHits += 1;
        return kept;
      }
      log?.debug(
        { image: call.label, registry: call.endpoint.registry, was: kept.digest, now: digest },
        "followed tag moved; fetching its details",
      );
    }
    const fetched = await fetchDetails(call, tag, platform, digest);
    tagCache.set(key, fetched);
    return fetched;
  }

  /** `digest`: the tag's manifest digest when a HEAD already gave it. */
  async function fetchDetails(call: Call, tag: string, platform: string | undefined, knownDigest: string | null): Promise<TagDetails> {
    const { image } = call;
    // Docker Hub counts manifest GETs against pull limits, HEADs not: ask for the digest first there.
    let digest: string | null = knownDigest;
    let manifest: Manifest | null = null;
    if (digest === null && image.registry === DOCKER_HUB) digest = await tagDigest(call, tag);
    if (digest !== null) manifest = await manifestByDigest(call, digest);
    if (manifest === null || digest === null) ({ digest, manifest } = await getManifest(call, tag));
    if (manifest.kind === "image") {
      const config = await imageConfig(call, manifest.configDigest);
      return { tag, digest, created: config.created, platforms: config.platform ? [config.platform] : [], labels: config.labels };
    }
    const platforms = manifest.manifests.map((m) => m.platform);
    const chosen = choosePlatform(manifest.manifests, platform);
    if (chosen === null) return { tag, digest, created: null, platforms, labels: {} };
    const child = await manifestByDigest(call, chosen.digest);
    if (child.kind !== "image") throw fail(call, "protocol", `the index entry ${chosen.platform} is not an image manifest`);
    const config = await imageConfig(call, child.configDigest);
    return { tag, digest, created: config.created, platforms, labels: config.labels };
  }

  return {
    stats,
    listTags(image, access = {}) {
      const key = `${repositoryKey(image)}|${accessKey(access.credentials)}`;
      let listing = listings.get(key);
      if (!listing) {
        listing = listAll(image, access);
        listings.set(key, listing);
      }
      return listing.then((tags) => [...tags]);
    },
    getTagDetails(image, tag, opts = {}) {
      const key = `${repositoryKey(image)}:${tag}@${opts.platform ?? ""}|${accessKey(opts.credentials)}`;
      let pending = details.get(key);
      if (!pending) {
        pending = resolveDetails(image, tag, opts.platform, opts);
        details.set(key, pending);
      }
      return pending;
    },
    async close() {
      closed = true;
      for (const endpoint of endpoints.values()) endpoint.limiter.close();
      await Promise.all([agents.secure.close(), agents.insecure.close()]);
    },
  };
}

function basic(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** `, NAME_UNKNOWN` from an OCI error body, sanitised (registry text is untrusted). */
function errorCode(res: HttpResponse): string {
  const json = parseJson(res.body);
  if (typeof json !== "object" || json === null || !("errors" in json) || !Array.isArray(json.errors)) return "";
  const first: unknown = json.errors[0];
  const code = typeof first === "object" && first !== null && "code" in first && typeof first.code === "string" ? first.code : "";
  return /^[A-Z_]{1,40}$/.test(code) ? `, ${code}` : "";
}
