/**
 * The type of an Application's source as Argo CD decides it, for Applications read from files
 * (which have no `status.sourceType`): the repo server merges `.argocd-source.yaml` and
 * `.argocd-source-<app>.yaml` into the source, then an explicit `kustomize` / `helm` / `directory`
 * / `plugin` block (or a `chart`) wins; otherwise it looks at the files directly in the source's
 * path in name order, where a name ending in `Chart.yaml` says Helm and a kustomization file says
 * Kustomize, the later one winning (so Kustomize over Helm when both are there); else Directory.
 * Decided over a RepoReader (a checkout or a commit's tree), never the disk.
 */
import posix from "node:path/posix";

import { parseDocument } from "yaml";

import type { RepoReader } from "../plan/index.js";
import { overrideFileName } from "./application.js";
import type { Application, ApplicationSource } from "./resources.js";

/** Argo CD's names (`status.sourceType`). */
export type ArgoSourceType = "Kustomize" | "Helm" | "Directory" | "Plugin";

const KUSTOMIZATION_NAMES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);
const BLOCKS = [
  ["kustomize", "Kustomize"],
  ["helm", "Helm"],
  ["directory", "Directory"],
  ["plugin", "Plugin"],
] as const;

/** What was decided for one source, and from what (said in messages and the README). */
export type DetectedSourceType =
  | { readonly type: ArgoSourceType; readonly from: "block" | "chart" | "override-file" | "files" }
  /** Argo CD refuses to render a source with two blocks ("multiple application sources defined"). */
  | { readonly type: null; readonly conflict: readonly ArgoSourceType[]; readonly from: "block" | "override-file" };

/** `source.ExplicitType()`: the one block given, none, or a conflict. */
function explicitType(blocks: ReadonlySet<string>): ArgoSourceType | readonly ArgoSourceType[] | null {
  const types = BLOCKS.filter(([key]) => blocks.has(key)).map(([, type]) => type);
  if (types.length === 0) return null;
  return types.length === 1 ? (types[0] as ArgoSourceType) : types;
}

/** Argo CD's discovery over the names directly in the source's path (not its subdirectories). */
export function typeFromFileNames(names: readonly string[]): ArgoSourceType {
  let type: ArgoSourceType = "Directory";
  // filepath.Walk visits in lexical (byte) order; each match overwrites the previous one.
  for (const name of [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (name.endsWith("Chart.yaml")) type = "Helm";
    if (KUSTOMIZATION_NAMES.has(name)) type = "Kustomize";
  }
  return type;
}

/** Top-level keys of an override file (`.argocd-source*.yaml`) that name a source type. */
function overrideBlocks(text: string | null): string[] {
  if (text === null) return [];
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return [];
  const value: unknown = doc.toJS();
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  return BLOCKS.map(([key]) => key).filter((key) => (value as Record<string, unknown>)[key] != null);
}

/**
 * The type Argo CD gives `source` of the Application named `overrideName` (its
 * `.argocd-source-<app>.yaml` file name). Null when the source is not in git (a chart from a Helm
 * or OCI repository is Helm) cannot be read here — the caller decides what that means.
 */
export async function detectSourceType(source: ApplicationSource, overrideName: string, reader: RepoReader): Promise<DetectedSourceType> {
  if (source.chart !== undefined) return { type: "Helm", from: "chart" };
  const own = new Set<string>(BLOCKS.map(([key]) => key).filter((key) => source[key] !== undefined));
  const dir = normalize(source.path ?? "");
  const overridden = new Set<string>(own);
  for (const name of [".argocd-source.yaml", overrideName]) {
    for (const key of overrideBlocks(await reader.read(posix.join(dir, name)))) overridden.add(key);
  }
  const explicit = explicitType(overridden);
  const from = overridden.size > own.size ? "override-file" : "block";
  if (Array.isArray(explicit)) return { type: null, conflict: explicit, from };
  if (explicit !== null) return { type: explicit as ArgoSourceType, from };
  const entries = (await reader.list(dir)) ?? [];
  return { type: typeFromFileNames(entries.filter((entry) => entry.type !== "dir").map((entry) => entry.name)), from: "files" };
}

function normalize(path: string): string {
  const joined = posix
    .normalize(path.replace(/\\/g, "/"))
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "")
    .replace(/\/+$/, "");
  return joined === "." ? "" : joined;
}

/** Per Application, the detected type of each of its sources (`spec.source` alone, or `spec.sources` in order); null where it cannot be read. */
export type DetectedTypes = ReadonlyMap<Application, readonly (DetectedSourceType | null)[]>;

/**
 * Detect the source types of the Applications that have no `status` (read from files), for the
 * sources kept in the repository `reader` reads (`inReader(repoURL)`); others stay null.
 */
export async function detectApplicationTypes(
  applications: readonly Application[],
  reader: RepoReader,
  inReader: (repoURL: string) => boolean,
  argocdNamespace: string,
): Promise<DetectedTypes> {
  const out = new Map<Application, (DetectedSourceType | null)[]>();
  for (const app of applications) {
    if (app.status?.sourceType !== undefined || (app.status?.sourceTypes?.length ?? 0) > 0) continue;
    const sources =
      app.spec.sources !== undefined && app.spec.sources.length > 0
        ? app.spec.sources
        : app.spec.source === undefined
          ? []
          : [app.spec.source];
    const overrideName = overrideFileName(app, argocdNamespace);
    const types: (DetectedSourceType | null)[] = [];
    for (const source of sources) {
      // A `ref:`-only source (values for another source) is not rendered by Argo CD: no type.
      const refOnly = source.ref !== undefined && source.path === undefined && source.chart === undefined;
      types.push(
        refOnly
          ? null
          : source.chart !== undefined || inReader(source.repoURL)
            ? await detectSourceType(source, overrideName, reader)
            : null,
      );
    }
    out.set(app, types);
  }
  return out;
}
