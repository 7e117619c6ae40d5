/**
 * argocd-image-updater's `registries.conf`, read as it is so a user migrating keeps the file:
 *
 * ```yaml
 * registries:
 * - name: GitHub Container Registry
 *   prefix: ghcr.io
 *   api_url: https://ghcr.io
 *   credentials: env:GHCR_CREDS
 *   credsexpire: 5h
 *   limit: 10
 * ```
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError } from "../errors/index.js";
import { isDockerHubHost } from "../image-ref/index.js";
import { parseCredentialSource, type CredentialSource } from "./credentials.js";

export interface RegistryEntry {
  readonly name: string;
  /** Registry host the entry applies to, as image references spell it: `ghcr.io`, `localhost:5000`. */
  readonly prefix: string;
  /** Base URL of the API; null: derived from the prefix. */
  readonly apiUrl: string | null;
  readonly credentials: CredentialSource | null;
  /** How long credentials read from `ext:`/`env:`/secrets stay valid, in ms; null: for the process. */
  readonly credsExpireMs: number | null;
  /** Plain HTTP, or HTTPS without certificate verification. */
  readonly insecure: boolean;
  /** Namespace for single-component names (`library` on Docker Hub). */
  readonly defaultNamespace: string | null;
  /** Applies to Docker Hub images when no entry has the prefix `docker.io`. */
  readonly isDefault: boolean;
  /** Requests per second. */
  readonly limit: number;
}

export interface RegistriesConfig {
  readonly registries: readonly RegistryEntry[];
}

export const DEFAULT_RATE_LIMIT = 20;

const YamlBoolean = z.union([
  z.boolean(),
  z.enum(["yes", "no", "true", "false", "on", "off"]).transform((v) => v === "yes" || v === "true" || v === "on"),
]);

const RegistryEntrySchema = z
  .object({
    name: z.string().min(1).optional(),
    prefix: z.string().min(1),
    api_url: z.string().min(1).optional(),
    credentials: z.string().min(1).optional(),
    credsexpire: z.string().min(1).optional(),
    insecure: YamlBoolean.optional(),
    defaultns: z.string().min(1).optional(),
    default: YamlBoolean.optional(),
    limit: z.number().positive().optional(),
    // Accepted for compatibility with argocd-image-updater, without effect here.
    ping: YamlBoolean.optional(),
    tagsortmode: z.string().optional(),
  })
  .strict();

const RegistriesFileSchema = z.object({ registries: z.array(z.unknown()).optional() }).strict();

/** Go duration (`5h`, `1h30m`, `90s`, `500ms`) in ms, or null when unreadable. */
export function parseGoDuration(value: string): number | null {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (const m of value.matchAll(re)) {
    total += Number(m[1]) * (units[m[2] ?? ""] ?? 0);
    matched += m[0].length;
  }
  return matched === value.length && matched > 0 ? total : null;
}

/**
 * Parse a `registries.conf`. Throws a ConfigError naming `source`, the entry (by index and name)
 * and the offending key.
 */
export function parseRegistriesConfig(text: string, source: string): RegistriesConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, {
      cause: error,
      context: { file: source },
      hint: "fix the YAML syntax",
    });
  }
  if (doc === null || doc === undefined) return { registries: [] };
  const file = RegistriesFileSchema.safeParse(doc);
  if (!file.success) {
    throw new ConfigError(`${source}: expected a mapping with a "registries" list`, {
      context: { file: source },
      hint: "see argocd-image-updater's registries.conf format",
    });
  }
  const registries = (file.data.registries ?? []).map((raw, index) => parseEntry(raw, index, source));
  const seen = new Map<string, number>();
  registries.forEach((entry, index) => {
    const previous = seen.get(entry.prefix);
    if (previous !== undefined) {
      throw entryError(
        source,
        index,
        entry.name,
        "prefix",
        `duplicates the prefix of registries[${previous}]`,
        "give each registry one entry",
      );
    }
    seen.set(entry.prefix, index);
  });
  if (registries.filter((r) => r.isDefault).length > 1) {
    const index = registries.findLastIndex((r) => r.isDefault);
    throw entryError(source, index, registries[index]?.name ?? "", "default", "more than one registry is marked default", "mark only one");
  }
  return { registries };
}

function entryError(source: string, index: number, name: string, key: string, message: string, hint: string): ConfigError {
  const label = name ? `registries[${index}] ("${name}")` : `registries[${index}]`;
  return new ConfigError(`${source}: ${label}: "${key}" ${message}`, { context: { file: source, key }, hint });
}

function parseEntry(raw: unknown, index: number, source: string): RegistryEntry {
  const rawName = typeof raw === "object" && raw !== null && "name" in raw && typeof raw.name === "string" ? raw.name : "";
  const parsed = RegistryEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === "unrecognized_keys") {
      throw entryError(
        source,
        index,
        rawName,
        issue.keys.join(", "),
        "is not a known key",
        "known keys: name, prefix, api_url, credentials, credsexpire, insecure, defaultns, default, limit",
      );
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw entryError(source, index, rawName, "(entry)", "must be a mapping", "write each registry as key: value pairs");
    }
    const key = String(issue?.path[0] ?? "(entry)");
    const missing = issue?.code === "invalid_type" && !(key in raw);
    throw entryError(
      source,
      index,
      rawName,
      key,
      missing ? "is required" : `is invalid: ${issue?.message ?? "unexpected value"}`,
      key === "limit"
        ? "a positive number of requests per second"
        : key === "prefix"
          ? "the registry host, e.g. ghcr.io"
          : "check the value's type",
    );
  }
  const e = parsed.data;
  const name = e.name ?? e.prefix;
  if (/[/\s]/.test(e.prefix) || e.prefix.includes("://")) {
    throw entryError(
      source,
      index,
      name,
      "prefix",
      `"${e.prefix}" is not a registry host`,
      "write the host[:port] as in image references, e.g. ghcr.io",
    );
  }
  let apiUrl: string | null = null;
  if (e.api_url !== undefined) {
    let url: URL;
    try {
      url = new URL(e.api_url);
    } catch {
      // Not echoed: a URL that fails to parse may still carry user:password.
      throw entryError(
        source,
        index,
        name,
        "api_url",
        "is not a URL",
        'e.g. https://ghcr.io; credentials go in "credentials", never in the URL',
      );
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw entryError(source, index, name, "api_url", `uses "${url.protocol}"`, "use https:// (or http:// with insecure: true)");
    }
    if (url.username || url.password) {
      throw entryError(source, index, name, "api_url", "contains credentials", 'move them to "credentials"');
    }
    apiUrl = url.toString().replace(/\/+$/, "");
  }
  let credentials: CredentialSource | null = null;
  if (e.credentials !== undefined) {
    try {
      credentials = parseCredentialSource(e.credentials);
    } catch (error) {
      throw entryError(
        source,
        index,
        name,
        "credentials",
        error instanceof ConfigError ? error.message : "is invalid",
        "use env:VAR, ext:/path/to/script, pullsecret:namespace/name or secret:namespace/name#field",
      );
    }
  }
  let credsExpireMs: number | null = null;
  if (e.credsexpire !== undefined) {
    credsExpireMs = parseGoDuration(e.credsexpire);
    if (credsExpireMs === null) {
      throw entryError(source, index, name, "credsexpire", `"${e.credsexpire}" is not a duration`, "e.g. 5h, 30m, 1h30m");
    }
  }
  return {
    name,
    prefix: e.prefix,
    apiUrl,
    credentials,
    credsExpireMs,
    insecure: e.insecure ?? false,
    defaultNamespace: e.defaultns ?? null,
    isDefault: e.default ?? false,
    limit: e.limit ?? DEFAULT_RATE_LIMIT,
  };
}

/** The entry for a registry host: exact prefix, else the default entry for Docker Hub. */
export function findRegistryEntry(config: RegistriesConfig | undefined, registry: string): RegistryEntry | null {
  if (!config) return null;
  const exact = config.registries.find((r) => r.prefix === registry);
  if (exact) return exact;
  if (registry === "docker.io") {
    return config.registries.find((r) => isDockerHubHost(r.prefix)) ?? config.registries.find((r) => r.isDefault) ?? null;
  }
  return null;
}
