/**
 * Where registry credentials come from: `env:VAR` and `ext:/script` (both `user:pass`), a Docker
 * config JSON (`.dockerconfigjson`), or Kubernetes secrets through a pluggable CredentialResolver.
 * Credentials never appear in messages or logs: errors name the source, not the value.
 */
import { spawn } from "node:child_process";
import { z } from "zod";
import { AppError, ConfigError, RegistryError } from "../errors/index.js";
import { DOCKER_HUB, isDockerHubHost } from "../image-ref/index.js";

export interface Credentials {
  readonly username: string;
  readonly password: string;
  /** An OAuth2 refresh token (Docker config `identitytoken`), exchanged at the token service. */
  readonly identityToken?: string;
}

export type CredentialSource =
  | { readonly kind: "env"; readonly variable: string }
  | { readonly kind: "ext"; readonly path: string }
  | { readonly kind: "pullsecret"; readonly namespace: string; readonly name: string }
  | { readonly kind: "secret"; readonly namespace: string; readonly name: string; readonly field: string };

export type SecretSource = Extract<CredentialSource, { kind: "pullsecret" | "secret" }>;

/** Reads Kubernetes pull secrets / secrets (wired in later by sources/argocd). */
export interface CredentialResolver {
  /** Credentials for `repository` on `registry` from the secret, or null when the secret has none for it. */
  resolve(source: SecretSource, registry: string, repository: string): Promise<Credentials | null>;
}

/** Parse `env:VAR`, `ext:/path`, `pullsecret:ns/name`, `secret:ns/name#field`. */
export function parseCredentialSource(value: string): CredentialSource {
  const colon = value.indexOf(":");
  const kind = colon === -1 ? "" : value.slice(0, colon);
  const rest = colon === -1 ? "" : value.slice(colon + 1);
  switch (kind) {
    case "env":
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(rest)) return { kind: "env", variable: rest };
      // Never echo `rest`: people write the value itself here (`env:user:pass`).
      throw new ConfigError(`"env:" must be followed by the name of an environment variable ([A-Za-z_][A-Za-z0-9_]*)`);
    case "ext":
      // A plain absolute path: anything else (arguments, `user:pass`) may be a secret, never echoed.
      if (/^\/[^\s:]*$/.test(rest)) return { kind: "ext", path: rest };
      throw new ConfigError(`"ext:" needs the absolute path of a script, without spaces, colons or arguments`);
    case "pullsecret": {
      const m = /^([a-z0-9-.]+)\/([a-z0-9-.]+)$/.exec(rest);
      if (m?.[1] && m[2]) return { kind: "pullsecret", namespace: m[1], name: m[2] };
      throw new ConfigError(`"pullsecret:" needs namespace/name`);
    }
    case "secret": {
      const m = /^([a-z0-9-.]+)\/([a-z0-9-.]+)#(.+)$/.exec(rest);
      if (m?.[1] && m[2] && m[3]) return { kind: "secret", namespace: m[1], name: m[2], field: m[3] };
      throw new ConfigError(`"secret:" needs namespace/name#field`);
    }
    default:
      // Never echo the value: it may be the secret itself (`user:pass`, a bare token).
      throw new ConfigError(`not a credential source: it must start with env:, ext:, pullsecret: or secret:`);
  }
}

/** A human description of a source, safe for messages (never the secret itself). */
export function describeCredentialSource(source: CredentialSource): string {
  switch (source.kind) {
    case "env":
      return `env:${source.variable}`;
    case "ext":
      return `ext:${source.path}`;
    case "pullsecret":
      return `pullsecret:${source.namespace}/${source.name}`;
    case "secret":
      return `secret:${source.namespace}/${source.name}#${source.field}`;
  }
}

/** `user:pass` (password may contain colons). */
export function parseUserPass(text: string): Credentials | null {
  const line = text.trim();
  const colon = line.indexOf(":");
  if (colon <= 0) return null;
  return { username: line.slice(0, colon), password: line.slice(colon + 1) };
}

const DockerAuthSchema = z.object({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
});
const DockerConfigSchema = z.object({
  auths: z.record(z.string(), DockerAuthSchema).optional(),
  credsStore: z.string().optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
});

/** Credentials by `auths` key, matched as the kubelet matches a pull secret's keys. */
export interface DockerCredentials {
  /**
   * Credentials for `repository` on `host`: the most specific key that matches — `host/path`
   * prefixes before a bare host, an exact host before a `*.domain` glob. Null when none does.
   */
  find(host: string, repository: string): Credentials | null;
  /** The credential helper (credsStore / credHelpers) the config names for `host`, which we cannot run. */
  helperFor(host: string): string | null;
}

interface AuthKey {
  /** Host labels, `*` allowed per label (`*.gcr.io`). */
  readonly host: string;
  /** Repository path prefix, "" for the whole host. */
  readonly path: string;
  readonly credentials: Credentials;
}

/** A key of `auths` (`https://index.docker.io/v1/`, `ghcr.io`, `h:5000/team-a`) → host and path. */
export function normaliseAuthKey(key: string): { host: string; path: string } {
  const bare = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const slash = bare.indexOf("/");
  const rawHost = (slash === -1 ? bare : bare.slice(0, slash)).toLowerCase();
  const host = isDockerHubHost(rawHost) ? DOCKER_HUB : rawHost;
  // `/v1/` and `/v2/` are API paths that old Docker clients wrote into the key, not repositories.
  const path = (slash === -1 ? "" : bare.slice(slash + 1)).replace(/\/+$/, "").replace(/^v[12]$/, "");
  return { host, path };
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  const want = pattern.split(".");
  const have = host.split(".");
  return want.length === have.length && want.every((label, i) => label === "*" || label === have[i]);
}

function decodeAuth(auth: string): Credentials | null {
  return parseUserPass(Buffer.from(auth, "base64").toString("utf8"));
}

/** Parse a Docker config JSON (a pull secret's `.dockerconfigjson`). Throws a ConfigError naming `source`, never a value. */
export function parseDockerConfig(text: string, source: string): DockerCredentials {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${source}: not valid JSON`, {
      context: { file: source },
      hint: "give the content of a .dockerconfigjson or ~/.docker/config.json",
    });
  }
  const parsed = DockerConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`${source}: "auths" must map registry hosts to {auth} or {username, password}`, {
      context: { file: source, key: "auths" },
    });
  }
  const keys: AuthKey[] = [];
  for (const [key, entry] of Object.entries(parsed.data.auths ?? {})) {
    let credentials: Credentials | null = null;
    if (entry.identitytoken !== undefined && entry.identitytoken !== "") {
      // `az acr login` and `docker login` with a refresh token: the OAuth2 refresh-token grant.
      const user = entry.auth ? (decodeAuth(entry.auth)?.username ?? null) : (entry.username ?? null);
      credentials = { username: user ?? "<token>", password: "", identityToken: entry.identitytoken };
    } else if (entry.username !== undefined && entry.password !== undefined) {
      credentials = { username: entry.username, password: entry.password };
    } else if (entry.auth !== undefined && entry.auth !== "") {
      credentials = decodeAuth(entry.auth);
      if (credentials === null) {
        throw new ConfigError(`${source}: auths["${key}"].auth is not base64 of user:password`, {
          context: { file: source, key: `auths.${key}.auth` },
        });
      }
    }
    if (credentials !== null) keys.push({ ...normaliseAuthKey(key), credentials });
  }
  const helpers = new Map<string, string>();
  for (const [key, helper] of Object.entries(parsed.data.credHelpers ?? {})) helpers.set(normaliseAuthKey(key).host, helper);
  const store = parsed.data.credsStore ?? null;
  return {
    find(host, repository) {
      const wanted = isDockerHubHost(host) ? DOCKER_HUB : host.toLowerCase();
      let best: AuthKey | null = null;
      let bestScore = -1;
      for (const key of keys) {
        if (!hostMatches(key.host, wanted)) continue;
        if (key.path !== "" && repository !== key.path && !repository.startsWith(`${key.path}/`)) continue;
        const score = key.path.length * 2 + (key.host === wanted ? 1 : 0);
        if (score > bestScore) [best, bestScore] = [key, score];
      }
      return best?.credentials ?? null;
    },
    helperFor(host) {
      const wanted = isDockerHubHost(host) ? DOCKER_HUB : host.toLowerCase();
      return helpers.get(wanted) ?? store;
    },
  };
}

const MAX_SCRIPT_OUTPUT = 1024 * 1024;

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

type ScriptRun =
  | { readonly kind: "ok"; readonly stdout: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "too-much" }
  | { readonly kind: "spawn-error"; readonly code: string }
  | { readonly kind: "failed"; readonly status: number | null; readonly signal: string | null };

/**
 * Run a credential script with a deadline. It gets its own process group, killed whole with
 * SIGKILL at the deadline: a script that ignores SIGTERM, or left a child holding its output
 * open (`sleep 600 &`), would otherwise keep the pass waiting.
 */
function runScript(path: string, timeoutMs: number): Promise<ScriptRun> {
  return new Promise((resolve) => {
    let settled: ScriptRun | null = null;
    const chunks: Buffer[] = [];
    let size = 0;
    const child = spawn(path, [], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
    const killGroup = (why: ScriptRun): void => {
      settled ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => killGroup({ kind: "timeout" }), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SCRIPT_OUTPUT) killGroup({ kind: "too-much" });
      else chunks.push(chunk);
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(settled ?? { kind: "spawn-error", code: error.code ?? "error" });
    });
    child.once("exit", (status, signal) => {
      clearTimeout(timer);
      settled ??= status === 0 ? { kind: "ok", stdout: "" } : { kind: "failed", status, signal };
      // A child it left behind would hold the output open: the whole group goes with the script.
      killGroup(settled);
    });
    child.once("close", () => {
      clearTimeout(timer);
      const run = settled ?? { kind: "failed", status: null, signal: null };
      resolve(run.kind === "ok" ? { kind: "ok", stdout: Buffer.concat(chunks).toString("utf8") } : run);
    });
  });
}

export interface ReadCredentialsOptions {
  readonly registry: string;
  /** The repository path on the registry, for secrets keyed by `host/path`. */
  readonly repository: string;
  readonly image: string;
  readonly resolver: CredentialResolver | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

/**
 * Read credentials from a configured source. Throws RegistryError naming the source only: kind
 * "timeout" for an `ext:` script that ran out its deadline, "config" for everything else.
 */
export async function readCredentials(source: CredentialSource, options: ReadCredentialsOptions): Promise<Credentials> {
  const context = { image: options.image, registry: options.registry };
  const where = describeCredentialSource(source);
  const fail = (why: string, hint: string, cause?: unknown, kind: "config" | "timeout" = "config"): RegistryError =>
    new RegistryError(`credentials ${where} for ${options.registry}: ${why}`, { kind, context, hint, cause });
  switch (source.kind) {
    case "env": {
      const value = options.env[source.variable];
      if (value === undefined || value === "") throw fail("the variable is not set", `set ${source.variable}=user:password`);
      const creds = parseUserPass(value);
      if (creds === null) throw fail("the value is not user:password", `set ${source.variable}=user:password`);
      return creds;
    }
    case "ext": {
      const run = await runScript(source.path, options.timeoutMs);
      switch (run.kind) {
        case "timeout":
          throw fail(
            `the script did not exit within ${seconds(options.timeoutMs)} and was killed`,
            "run it by hand to see where it waits; if it is only slow, raise the deadline with --credentials-timeout SECONDS or ARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT",
            undefined,
            "timeout",
          );
        case "spawn-error":
          throw fail(
            `the script cannot be run (${run.code})`,
            run.code === "EACCES"
              ? "make it executable (chmod +x) for the user the app runs as"
              : run.code === "ENOENT"
                ? "check the path, and the interpreter on its #! line"
                : "run it by hand",
          );
        case "too-much":
          throw fail(`the script printed more than ${MAX_SCRIPT_OUTPUT / 1024 / 1024} MiB`, "make the script print user:password only");
        case "failed":
          throw fail(
            `the script ${run.signal === null ? `exited with status ${run.status ?? "?"}` : `was killed by ${run.signal}`}`,
            "run the script by hand; it must print user:password and exit 0",
          );
        case "ok":
          break;
      }
      const output = run.stdout;
      // The whole output, as argocd-image-updater reads it: a GCR `_json_key:{…}` spans many lines.
      const creds = parseUserPass(output);
      if (creds === null) throw fail("the script did not print user:password", "make the script print user:password");
      return creds;
    }
    case "pullsecret":
    case "secret": {
      if (!options.resolver) {
        throw fail(
          "Kubernetes secrets can only be read with cluster access",
          "read the Applications from the cluster (plan --kubeconfig, or in-cluster), or use env:, ext: or --docker-config instead",
        );
      }
      let creds: Credentials | null;
      try {
        creds = await options.resolver.resolve(source, options.registry, options.repository);
      } catch (error) {
        // The resolver's message already says what to do when it is one of ours.
        if (error instanceof AppError)
          throw new RegistryError(`credentials ${where} for ${options.registry}: ${error.message}`, {
            kind: "config",
            context,
            cause: error,
          });
        throw fail(
          error instanceof Error ? error.message : "the secret cannot be read",
          "check the secret, and that it may be read (docs/rbac.md)",
          error,
        );
      }
      if (creds === null) throw fail("the secret holds no credentials for this registry", `add ${options.registry} to the secret`);
      return creds;
    }
  }
}
