/**
 * write-back-method argocd on an Application with no override for the image yet (image-updater's
 * default): the override is added as image-updater sets it — `kustomize.images` or
 * `helm.parameters` — in the file's own layout, and reads back.
 */
import { describe, expect, it } from "vitest";
import { EditConflictError } from "../../src/errors/index.js";
import { readImage, writeImage, type ImageLocator } from "../../src/editors/index.js";
import { DIGEST_A, locator } from "./support.js";

const create = (image: string, options: Parameters<typeof locator>[2] = {}, type?: "kustomize" | "helm"): ImageLocator => ({
  ...locator("application", image, { appName: "web", createIfMissing: true, ...options }),
  ...(type === undefined ? {} : { applicationType: type }),
});

const app = (source: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n${source}  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;

type Case = readonly [name: string, input: string, at: ImageLocator, to: { tag: string; digest: string | null }, added: string];

const cases: Case[] = [
  [
    "a Kustomize app with no block: kustomize.images is added to the source",
    app("  source:\n    repoURL: https://github.com/acme/gitops\n    path: apps/web\n"),
    create("nginx", {}, "kustomize"),
    { tag: "1.27.4", digest: null },
    "    kustomize:\n      images:\n      - nginx:1.27.4\n",
  ],
  [
    "a kustomize block without images gets the list, the file's sequence indent kept",
    app(
      "  source:\n    repoURL: https://github.com/acme/gitops\n    path: apps/web\n    kustomize:\n      namePrefix: prod-\n  ignoreDifferences:\n    - kind: Secret\n",
    ),
    create("ghcr.io/acme/web"),
    { tag: "v2", digest: null },
    "      images:\n        - ghcr.io/acme/web:v2\n",
  ],
  [
    "a kustomize.images list for other images gets one more, kustomize.image-name as the alias",
    app("  source:\n    repoURL: https://github.com/acme/gitops\n    path: apps/web\n    kustomize:\n      images:\n      - redis:7.2.4\n"),
    create("ghcr.io/acme/web", { kustomizeImageName: "web" }),
    { tag: "v2", digest: DIGEST_A },
    `      - web=ghcr.io/acme/web:v2@${DIGEST_A}\n`,
  ],
  [
    "a flow-style source",
    app("  source: { repoURL: https://github.com/acme/gitops, path: apps/web }\n"),
    create("nginx", {}, "kustomize"),
    { tag: "1.27.4", digest: null },
    "",
  ],
  [
    "a Helm app with no block: helm.parameters image.name / image.tag, forcestring, as image-updater sets them",
    app("  source:\n    repoURL: https://github.com/acme/gitops\n    path: charts/web\n"),
    create("ghcr.io/acme/web", {}, "helm"),
    { tag: "1.0.1", digest: null },
    "    helm:\n      parameters:\n      - name: image.name\n        value: ghcr.io/acme/web\n        forcestring: true\n      - name: image.tag\n        value: 1.0.1\n        forcestring: true\n",
  ],
  [
    "a helm block with valueFiles gets parameters at the annotations' names, 4-space indent kept",
    "kind: Application\nmetadata:\n    name: web\nspec:\n    source:\n        repoURL: https://github.com/acme/gitops\n        chart: web\n        helm:\n            valueFiles:\n                - values-prod.yaml\n",
    create("ghcr.io/acme/web", { helm: { imageName: "app.image.repository", imageTag: "app.image.tag" } }),
    { tag: "1.0.1", digest: null },
    "            parameters:\n                - name: app.image.repository\n                  value: ghcr.io/acme/web\n                  forcestring: true\n                - name: app.image.tag\n                  value: 1.0.1\n                  forcestring: true\n",
  ],
];

describe("an Application with no override for the image yet", () => {
  it.each(cases)("%s", (_name, input, at, to, added) => {
    const output = writeImage(input, "apps/web.yaml", at, to);
    expect(readImage(output, "apps/web.yaml", at)).toMatchObject({ tag: to.tag, digest: to.digest, occurrences: 1 });
    if (added !== "") {
      // Exactly the added lines, after the line the block or list ends on: every other byte kept.
      const at_ = output.indexOf(added);
      expect(at_).toBeGreaterThan(0);
      expect(output.slice(0, at_) + output.slice(at_ + added.length)).toBe(input);
    }
    expect(writeImage(output, "apps/web.yaml", at, to)).toBe(output);
  });

  it("writes a flow-style source in flow style", () => {
    const input = app("  source: { repoURL: https://github.com/acme/gitops, path: apps/web }\n");
    expect(writeImage(input, "apps/web.yaml", create("nginx", {}, "kustomize"), { tag: "1.27.4", digest: null })).toBe(
      app("  source: { repoURL: https://github.com/acme/gitops, path: apps/web, kustomize: {images: [nginx:1.27.4]} }\n"),
    );
  });

  it.each([
    [
      "neither a block nor the app's type says which override",
      app("  source:\n    repoURL: https://github.com/acme/gitops\n    path: apps/web\n"),
      create("nginx"),
    ],
    [
      "Helm values given as a string that name the image without a tag",
      app(
        "  source:\n    repoURL: https://github.com/acme/gitops\n    path: charts/web\n    helm:\n      values: |\n        image:\n          repository: nginx\n",
      ),
      create("nginx", {}, "helm"),
    ],
    [
      "two Applications of that name",
      `${app("  source: {repoURL: https://github.com/acme/gitops, path: a}\n")}---\n${app("  source: {repoURL: https://github.com/acme/gitops, path: b}\n")}`,
      create("nginx", {}, "kustomize"),
    ],
  ])("refuses when %s", (_name, input, at) => {
    expect(() => writeImage(input, "apps/web.yaml", at, { tag: "1.27.4", digest: null })).toThrow(EditConflictError);
  });
});
