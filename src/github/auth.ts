/**
 * How `reconcile` and `run` reach GitHub: the API base (GITHUB_API_URL, else GHE_HOST and
 * GHE_PROTOCOL, else api.github.com) and the credentials (GITHUB_TOKEN, or the app's APP_ID and
 * PRIVATE_KEY / PRIVATE_KEY_PATH with the installation looked up per repository). Secrets are never
 * put in a message.
 */
import { readFileSync } from "node:fs";
import { ProbotOctokit } from "probot";
import { ConfigError } from "../errors/index.js";
import type { Logger } from "../log/index.js";
import { countRequests, createGitHubClient, writeGroup, type ClientTuning, type GitHubClient } from "./client.js";
import { gitHubError } from "./errors.js";

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
}

/** The REST API's base URL. */
export function apiBaseUrl(env: NodeJS.ProcessEnv): string {
  const explicit = value(env, "GITHUB_API_URL");
  if (explicit !== undefined) return explicit.replace(/\/+$/, "");
  const host = value(env, "GHE_HOST");
  if (host !== undefined) {
    const protocol = value(env, "GHE_PROTOCOL") ?? "https";
    if (protocol !== "https" && protocol !== "http")
      throw new ConfigError(`GHE_PROTOCOL "${protocol}" is not http or https`, {
        context: { key: "GHE_PROTOCOL" },
        hint: "set GHE_PROTOCOL=https (the default) or http",
      });
    if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(host))
      throw new ConfigError("GHE_HOST is not a host name", {
        context: { key: "GHE_HOST" },
        hint: "set GHE_HOST to the host of your GitHub Enterprise Server, e.g. github.example.com",
      });
    return `${protocol}://${host}/api/v3`;
  }
  return "https://api.github.com";
}

/** The app's private key: PRIVATE_KEY (PEM, with \n escapes, or base64 of the PEM) or the file PRIVATE_KEY_PATH. */
export function privateKeyFrom(env: NodeJS.ProcessEnv): string | null {
  const inline = value(env, "PRIVATE_KEY");
  if (inline !== undefined) {
    const pem = inline.includes("-----BEGIN") ? inline.replace(/\\n/g, "\n") : Buffer.from(inline, "base64").toString("utf8");
    if (!pem.includes("-----BEGIN"))
      throw new ConfigError("PRIVATE_KEY is not a PEM private key", {
        context: { key: "PRIVATE_KEY" },
        hint: "paste the .pem file's content (or its base64), or set PRIVATE_KEY_PATH to the file",
      });
    return pem;
  }
  const file = value(env, "PRIVATE_KEY_PATH");
  if (file === undefined) return null;
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new ConfigError(`cannot read PRIVATE_KEY_PATH "${file}"`, {
      context: { key: "PRIVATE_KEY_PATH", file },
      hint: "point PRIVATE_KEY_PATH at the .pem file downloaded from the app's settings",
    });
  }
}

export interface RepoClients {
  readonly kind: "token" | "app";
  /** The client for one repository (as its installation, for the app). */
  forRepo(owner: string, repo: string): Promise<GitHubClient>;
}

export interface RepoClientsOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly tuning?: ClientTuning;
}

/** Clients per repository from the environment; a ConfigError (exit 2) when there are no usable credentials. */
export function repoClientsFromEnv(options: RepoClientsOptions): RepoClients {
  const { env, log } = options;
  const baseUrl = apiBaseUrl(env);
  const token = value(env, "GITHUB_TOKEN");
  if (token !== undefined) {
    const client = createGitHubClient({ baseUrl, token, log, ...(options.tuning === undefined ? {} : { tuning: options.tuning }) });
    return { kind: "token", forRepo: () => Promise.resolve(client) };
  }
  const appId = value(env, "APP_ID");
  const privateKey = privateKeyFrom(env);
  if (appId === undefined || privateKey === null) {
    throw new ConfigError("no GitHub credentials: set GITHUB_TOKEN, or APP_ID with PRIVATE_KEY or PRIVATE_KEY_PATH", {
      context: { key: appId === undefined ? "APP_ID" : "PRIVATE_KEY" },
      hint: "in GitHub Actions pass GITHUB_TOKEN (contents, pull-requests and issues: write); as the app, its ID and private key",
    });
  }
  if (!/^\d+$/.test(appId))
    throw new ConfigError("APP_ID is not a number", {
      context: { key: "APP_ID" },
      hint: "use the App ID shown on the app's settings page",
    });
  const quiet = {
    debug: () => undefined,
    info: () => undefined,
    warn: (m: string) => log.warn({}, m),
    error: (m: string) => log.error({}, m),
  };
  const app = new ProbotOctokit({ auth: { appId: Number(appId), privateKey }, baseUrl, log: quiet });
  const installations = new Map<number, GitHubClient>();
  const tuning = options.tuning ?? {};
  return {
    kind: "app",
    async forRepo(owner, repo) {
      let id: number;
      try {
        id = (await app.request("GET /repos/{owner}/{repo}/installation", { owner, repo })).data.id;
      } catch (error) {
        throw gitHubError(`${owner}/${repo}`, "finding the app's installation", error);
      }
      let client = installations.get(id);
      if (client === undefined) {
        client = countRequests(
          new ProbotOctokit({
            auth: { appId: Number(appId), privateKey, installationId: id },
            baseUrl,
            log: quiet,
            throttle: {
              id: `installation-${id}`,
              ...(tuning.retryAfterBaseValue === undefined ? {} : { retryAfterBaseValue: tuning.retryAfterBaseValue }),
              ...(tuning.writeSpacingMs === undefined
                ? {}
                : { write: writeGroup(tuning.writeSpacingMs), notifications: writeGroup(tuning.writeSpacingMs, "notifications") }),
            },
            ...(tuning.retryAfterBaseValue === undefined ? {} : { retry: { retryAfterBaseValue: tuning.retryAfterBaseValue } }),
          }),
        );
        installations.set(id, client);
      }
      return client;
    },
  };
}
