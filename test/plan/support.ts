/** Builders for plan/'s unit tests: a Target, an update outcome, a RepoReader over a map. */
import type { Target } from "../../src/model/index.js";
import type { PlannedUpdate, RepoReader, TargetOutcome } from "../../src/plan/index.js";

export function readerOf(files: Readonly<Record<string, string>>): RepoReader {
  return {
    read: (path) => Promise.resolve(files[path] ?? null),
    list: () => Promise.resolve(null),
  };
}

export interface UpdateSpec {
  readonly app?: { name: string; namespace: string } | null;
  readonly configName?: string;
  readonly alias?: string;
  readonly image?: string;
  readonly file?: string;
  readonly from?: string | null;
  readonly to: string;
  readonly branch?: string | null;
  readonly constraint?: string | null;
  readonly update?: Partial<PlannedUpdate>;
}

export function targetOf(spec: Omit<UpdateSpec, "to">): Target {
  const image = spec.image ?? "ghcr.io/example/nginx";
  const slash = image.indexOf("/");
  const app = spec.app === undefined ? { name: "my-app-dev", namespace: "argocd" } : spec.app;
  const alias = spec.alias ?? "web";
  const id = app === null ? `${spec.configName ?? "web"}/${alias}` : `${app.namespace}/${app.name}/${alias}`;
  return {
    id,
    origin: app === null ? "repo-config" : "annotations",
    app,
    alias,
    image: { registry: image.slice(0, slash), repository: image.slice(slash + 1), tag: null, digest: null },
    git: { repoURL: "https://github.com/example-org/gitops", repo: { owner: "example-org", name: "gitops" }, branch: spec.branch ?? null },
    write: { kind: "kustomize", path: spec.file ?? "apps/dev/kustomization.yaml", kustomizeImageName: null, helm: null },
    policy: {
      strategy: "semver",
      constraint: spec.constraint ?? null,
      allowTags: { kind: "any" },
      ignoreTags: [],
      platforms: [],
      keepSuffix: false,
      maxUpdate: null,
    },
    forceUpdate: false,
    pullSecret: null,
    liveImages: null,
    deploysFrom: null,
    declaredIn: app === null ? ".github/argocd-image-pr.yml" : `Application ${app.namespace}/${app.name}`,
  };
}

export function updateOf(spec: UpdateSpec): Extract<TargetOutcome, { kind: "update" }> {
  const target = targetOf(spec);
  const file = spec.file ?? "apps/dev/kustomization.yaml";
  const image = `${target.image.registry}/${target.image.repository}`;
  return {
    kind: "update",
    target,
    update: {
      targetId: target.id,
      app: target.app?.name ?? null,
      alias: target.alias,
      image,
      file,
      kind: "kustomize",
      from: spec.from === undefined ? "1.27.0" : spec.from,
      fromDigest: null,
      to: spec.to,
      digest: null,
      imageDigest: null,
      strategy: "semver",
      reason: `newest tag matching ${spec.constraint ?? "any"}`,
      created: null,
      sourceUrl: null,
      revision: null,
      files: [file],
      ...spec.update,
    },
    edits: [
      {
        file,
        kind: "kustomize",
        locator: {
          kind: "kustomize",
          image: target.image,
          kustomizeImageName: null,
          helm: null,
          appName: target.app?.name ?? null,
          createIfMissing: true,
        },
        tag: spec.to,
        digest: null,
      },
    ],
  };
}

export function kustomization(images: Readonly<Record<string, string>>): string {
  const entries = Object.entries(images).map(([name, tag]) => `  - name: ${name}\n    newTag: "${tag}"\n`);
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\nimages:\n${entries.join("")}`;
}
