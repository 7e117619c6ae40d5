/**
 * Applications and ImageUpdaters from the Kubernetes API, read-only (list; and get on the secrets
 * that pull-secret annotations name; see docs/rbac.md). The only code in sources/ that talks to
 * Kubernetes.
 */
// Types only at load time: the client is imported when the cluster is actually read, so a plan
// from files does not pay its ~70 MB of memory and its start-up time.
import type { CoreV1Api, CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";

import { AppError } from "../errors/index.js";
import type { TargetProblem } from "../model/index.js";
import { classifyResource, type Resources } from "./resources.js";

export interface ClusterOptions {
  /** Path to a kubeconfig; absent: in-cluster config (service account). */
  kubeconfig?: string;
  context?: string;
  /** Namespaces to list in; absent or empty: all namespaces. */
  namespaces?: string[];
  /** Page size for `limit`/`continue` paging. */
  pageSize?: number;
}

interface Kind {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly label: string;
}

const APPLICATIONS: Kind = { group: "argoproj.io", version: "v1alpha1", plural: "applications", label: "Applications" };
const IMAGE_UPDATERS: Kind = {
  group: "argocd-image-updater.argoproj.io",
  version: "v1alpha1",
  plural: "imageupdaters",
  label: "ImageUpdaters",
};

interface ListPage {
  items?: unknown[];
  metadata?: { continue?: string };
}

function statusOf(error: unknown): number | null {
  if (typeof error === "object" && error !== null && "code" in error && typeof (error as { code: unknown }).code === "number") {
    return (error as { code: number }).code;
  }
  return null;
}

function describe(error: unknown): string {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return status === null ? (message ?? "unknown error") : `HTTP ${status}`;
}

export async function loadKubeConfig(options: Pick<ClusterOptions, "kubeconfig" | "context">): Promise<KubeConfig> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromCluster();
  if (options.context !== undefined) kc.setCurrentContext(options.context);
  return kc;
}

async function listAll(api: CustomObjectsApi, kind: Kind, namespace: string | null, limit: number): Promise<unknown[]> {
  const items: unknown[] = [];
  let next: string | undefined;
  do {
    const page = (await (namespace === null
      ? api.listCustomObjectForAllNamespaces({
          group: kind.group,
          version: kind.version,
          plural: kind.plural,
          limit,
          ...(next === undefined ? {} : { _continue: next }),
        })
      : api.listNamespacedCustomObject({
          group: kind.group,
          version: kind.version,
          namespace,
          plural: kind.plural,
          limit,
          ...(next === undefined ? {} : { _continue: next }),
        }))) as ListPage;
    items.push(...(page.items ?? []));
    next = page.metadata?.continue || undefined;
  } while (next !== undefined);
  return items;
}

/**
 * List Applications (`applications.argoproj.io/v1alpha1`) and ImageUpdaters
 * (`imageupdaters.argocd-image-updater.argoproj.io/v1alpha1`) in all namespaces or the given ones,
 * paging with `limit`/`continue`. A missing ImageUpdater CRD (404) means none; any other failure
 * becomes a problem and the rest goes on.
 */
export async function listFromCluster(options: ClusterOptions = {}): Promise<Resources> {
  const out: Resources = { applications: [], imageUpdaters: [], problems: [] };
  let api: CustomObjectsApi;
  try {
    const { CustomObjectsApi } = await import("@kubernetes/client-node");
    api = (await loadKubeConfig(options)).makeApiClient(CustomObjectsApi);
  } catch (error) {
    const source = options.kubeconfig === undefined ? "the in-cluster service account" : `kubeconfig "${options.kubeconfig}"`;
    out.problems.push({
      app: null,
      image: null,
      file: options.kubeconfig ?? null,
      message: `cannot load Kubernetes credentials from ${source}${options.context === undefined ? "" : ` (context ${options.context})`}: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}; pass a readable kubeconfig and an existing context, or run inside the cluster`,
    });
    return out;
  }
  const namespaces = options.namespaces !== undefined && options.namespaces.length > 0 ? options.namespaces : [null];
  const limit = options.pageSize ?? 100;
  for (const kind of [APPLICATIONS, IMAGE_UPDATERS]) {
    for (const namespace of namespaces) {
      let items: unknown[];
      try {
        items = await listAll(api, kind, namespace, limit);
      } catch (error) {
        if (kind === IMAGE_UPDATERS && statusOf(error) === 404) continue;
        const where = namespace === null ? "all namespaces" : `namespace ${namespace}`;
        const problem: TargetProblem = {
          app: null,
          image: null,
          file: null,
          message: `cannot list ${kind.label} (${kind.plural}.${kind.group}) in ${where}: ${describe(error)}; check the kubeconfig and that the service account may list them (docs/rbac.md)`,
        };
        out.problems.push(problem);
        continue;
      }
      for (const item of items) {
        const classified = classifyResource(item, null);
        if (classified.kind === "application") out.applications.push(classified.value);
        else if (classified.kind === "image-updater") out.imageUpdaters.push(classified.value);
        else if (classified.kind === "problem") out.problems.push(classified.problem);
      }
    }
  }
  return out;
}

/** Reads one Secret's data, decoded; null when it does not exist. */
export type SecretReader = (namespace: string, name: string) => Promise<Readonly<Record<string, string>> | null>;

/**
 * A reader of Secrets (`get`, one at a time, each read once per reader) for pull-secret annotations
 * and registries.conf `pullsecret:` / `secret:` credentials. Errors name the secret and the status,
 * never its data.
 */
export function createSecretReader(options: Pick<ClusterOptions, "kubeconfig" | "context">): SecretReader {
  let api: Promise<CoreV1Api> | null = null;
  const secrets = new Map<string, Promise<Readonly<Record<string, string>> | null>>();
  const read = async (namespace: string, name: string): Promise<Readonly<Record<string, string>> | null> => {
    api ??= (async () => {
      const { CoreV1Api } = await import("@kubernetes/client-node");
      return (await loadKubeConfig(options)).makeApiClient(CoreV1Api);
    })();
    let secret: { data?: Record<string, string> };
    try {
      secret = await (await api).readNamespacedSecret({ name, namespace });
    } catch (error) {
      if (statusOf(error) === 404) return null;
      // An I/O failure is an AppError (the pass reports it for the image that named the secret).
      throw new AppError(`cannot get secret ${namespace}/${name}: ${describe(error)}`, {
        cause: error,
        hint: "check that the service account may get it (docs/rbac.md)",
      });
    }
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(secret.data ?? {})) data[key] = Buffer.from(value, "base64").toString("utf8");
    return data;
  };
  return (namespace, name) => {
    const key = `${namespace}/${name}`;
    let pending = secrets.get(key);
    if (!pending) {
      pending = read(namespace, name);
      secrets.set(key, pending);
    }
    return pending;
  };
}
