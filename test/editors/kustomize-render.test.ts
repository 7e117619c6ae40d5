/**
 * The model of kustomize's image transformer against the real kustomize: every case is rendered
 * with `kubectl kustomize` and by the model, and both must name the same images.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyImageEntry, kustomizeNameMatches, renderKustomization, splitKustomizeImage } from "../../src/editors/index.js";
import { readKustomizationTree, type TextReader } from "../../src/pipeline/index.js";
import { hasKustomize, kustomizeImages, writeTree } from "../support/kustomize.js";

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;

function memoryReader(files: Readonly<Record<string, string>>): TextReader {
  return { read: async (file) => files[file] ?? null };
}

function deployment(name: string, ...images: string[]): string {
  const containers = images.map((image, index) => `        - name: c${index}\n          image: ${image}\n`).join("");
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n${containers}`;
}

async function modelImages(files: Readonly<Record<string, string>>, top: string): Promise<{ images: string[]; partial: string[] }> {
  const file = `${top}/kustomization.yaml`;
  const tree = await readKustomizationTree(file, files[file] ?? "", memoryReader(files));
  const { containers, partial } = renderKustomization(tree);
  return { images: containers.map((container) => container.rendered).sort(), partial };
}

type Case = readonly [name: string, files: Record<string, string>, expected: string[]];

const cases: Case[] = [
  [
    "an overlay entry named as a normalised name does not match the resources' spelling",
    {
      "base/d.yaml": deployment("a", "docker.io/redis:7.2.4"),
      "base/kustomization.yaml": "resources: [d.yaml]\n",
      "overlay/kustomization.yaml": "resources: [../base]\nimages:\n  - name: redis\n    newTag: 7.2.6\n",
    },
    ["docker.io/redis:7.2.4"],
  ],
  [
    "an entry spelled as the resources spell it applies",
    {
      "base/d.yaml": deployment("a", "docker.io/redis:7.2.4"),
      "base/kustomization.yaml": "resources: [d.yaml]\n",
      "overlay/kustomization.yaml": "resources: [../base]\nimages:\n  - name: docker.io/redis\n    newTag: 7.2.6\n",
    },
    ["docker.io/redis:7.2.6"],
  ],
  [
    "newTag alone drops a digest pin (tag and digest are replaced together)",
    {
      "base/d.yaml": deployment("a", `busybox:1.38.0@${DIGEST_A}`),
      "base/kustomization.yaml": "resources: [d.yaml]\n",
      "overlay/kustomization.yaml": "resources: [../base]\nimages:\n  - name: busybox\n    newTag: 1.38.1\n",
    },
    ["busybox:1.38.1"],
  ],
  [
    "newTag with digest keeps a pin",
    {
      "base/d.yaml": deployment("a", `busybox:1.38.0@${DIGEST_A}`),
      "base/kustomization.yaml": "resources: [d.yaml]\n",
      "overlay/kustomization.yaml": `resources: [../base]\nimages:\n  - name: busybox\n    newTag: 1.38.1\n    digest: ${DIGEST_B}\n`,
    },
    [`busybox:1.38.1@${DIGEST_B}`],
  ],
  [
    "a digest alone drops the tag",
    {
      "base/d.yaml": deployment("a", "busybox:1.38.0"),
      "base/kustomization.yaml": `resources: [d.yaml]\nimages:\n  - name: busybox\n    digest: ${DIGEST_B}\n`,
    },
    [`busybox@${DIGEST_B}`],
  ],
  [
    "the base's own images apply first, then the overlay's (bottom-up), newName chained",
    {
      "base/d.yaml": deployment("a", "app:latest", "docker.io/redis:7"),
      "base/kustomization.yaml":
        'resources: [d.yaml]\nimages:\n  - name: app\n    newName: ghcr.io/acme/app\n    newTag: v1.0.0\n  - name: docker.io/redis\n    newTag: "7.2"\n',
      "overlay/kustomization.yaml":
        "resources:\n  - ../base\nimages:\n  - name: app\n    newTag: v9.9.9\n  - name: ghcr.io/acme/app\n    newTag: v1.1.0\n",
    },
    ["docker.io/redis:7.2", "ghcr.io/acme/app:v1.1.0"],
  ],
  [
    "entries of one kustomization apply in order: a renamed image is matched by its new name",
    {
      "base/d.yaml": deployment("a", "nginx:1.27.0"),
      "base/kustomization.yaml":
        "resources: [d.yaml]\nimages:\n  - name: nginx\n    newName: ghcr.io/nginxinc/nginx-unprivileged\n  - name: ghcr.io/nginxinc/nginx-unprivileged\n    newTag: 1.27.4\n",
    },
    ["ghcr.io/nginxinc/nginx-unprivileged:1.27.4"],
  ],
  [
    "a component applies to everything accumulated before the kustomization's own images",
    {
      "base/d.yaml": deployment("a", "busybox:1.38.0"),
      "base/kustomization.yaml": "resources: [d.yaml]\n",
      "comp/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - name: busybox\n    newName: mirror.example/busybox\n",
      "overlay/kustomization.yaml":
        'resources: [../base]\ncomponents: [../comp]\nimages:\n  - name: busybox\n    newTag: "9"\n  - name: mirror.example/busybox\n    newTag: "10"\n',
    },
    ["mirror.example/busybox:10"],
  ],
  [
    "bases (deprecated) are followed like resources; a Kustomization file name is found",
    {
      "base/d.yaml": deployment("a", "quay.io/prometheus/node-exporter:v1.8.0"),
      "base/Kustomization": "resources: [d.yaml]\n",
      "overlay/kustomization.yaml": "bases: [../base]\nimages:\n  - name: quay.io/prometheus/node-exporter\n    newTag: v1.8.2\n",
    },
    ["quay.io/prometheus/node-exporter:v1.8.2"],
  ],
  [
    "init containers and CronJob templates are containers too; a CustomResourceDefinition is left alone",
    {
      "base/job.yaml":
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: j }\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n            - { name: i, image: 'busybox:1.36' }\n          containers:\n            - { name: c, image: 'localhost:5000/tools/cleaner:1.0' }\n",
      "base/kustomization.yaml":
        'resources: [job.yaml]\nimages:\n  - name: busybox\n    newTag: "1.37"\n  - name: localhost:5000/tools/cleaner\n    newTag: "2.0"\n',
    },
    ["busybox:1.37", "localhost:5000/tools/cleaner:2.0"],
  ],
  [
    "a registry port is not a tag; a quoted numeric tag stays a string",
    {
      "base/d.yaml": deployment("a", "registry.example:5000/app"),
      "base/kustomization.yaml": 'resources: [d.yaml]\nimages:\n  - name: registry.example:5000/app\n    newTag: "1.10"\n',
    },
    ["registry.example:5000/app:1.10"],
  ],
];

describe.skipIf(!hasKustomize)("the model renders what kubectl kustomize renders", () => {
  it.each(cases)("%s", async (_name, files, expected) => {
    const top = files["overlay/kustomization.yaml"] === undefined ? "base" : "overlay";
    const dir = writeTree(files);
    try {
      expect(kustomizeImages(join(dir, top))).toEqual(expected);
      const model = await modelImages(files, top);
      expect(model).toEqual({ images: expected, partial: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("what the model cannot follow is listed, never silently dropped", () => {
  it.each([
    [
      "a remote base",
      { "o/kustomization.yaml": "resources:\n  - https://github.com/acme/base//app?ref=v1\n" },
      ["o/kustomization.yaml: the remote resource https://github.com/acme/base//app?ref=v1 is not read"],
    ],
    [
      "a missing resource",
      { "o/kustomization.yaml": "resources: [gone.yaml]\n" },
      ["o/kustomization.yaml: the resource gone.yaml is not in the repository"],
    ],
    [
      "a path outside the repository",
      { "o/kustomization.yaml": "resources: [../../x]\n" },
      ["o/kustomization.yaml: the resource ../../x is outside the repository"],
    ],
    [
      "a kustomization that includes itself",
      { "o/kustomization.yaml": "resources: [../o]\n" },
      ["o/kustomization.yaml: o/kustomization.yaml includes itself"],
    ],
    [
      "Helm charts",
      { "o/kustomization.yaml": "helmCharts:\n  - name: redis\n" },
      ["o/kustomization.yaml: helmCharts (the charts' images are not rendered here)"],
    ],
    [
      "a patch that sets an image",
      {
        "o/kustomization.yaml":
          "patches:\n  - patch: |\n      - op: replace\n        path: /spec/template/spec/containers/0/image\n        value: x:1\n",
      },
      ["o/kustomization.yaml: a patches entry may set an image"],
    ],
    [
      "a tagSuffix",
      { "o/kustomization.yaml": "images:\n  - name: x\n    tagSuffix: -debug\n" },
      ["o/kustomization.yaml: the images entry x has a tagSuffix"],
    ],
  ])("%s", async (_name, files, partial) => {
    const tree = await readKustomizationTree("o/kustomization.yaml", files["o/kustomization.yaml"], memoryReader(files));
    expect(renderKustomization(tree).partial).toEqual(partial);
  });
});

describe("kustomize's name rules", () => {
  it.each([
    ["busybox:1.38.0", "busybox", true],
    [`busybox:1.38.0@${DIGEST_A}`, "busybox", true],
    [`busybox@${DIGEST_A}`, "busybox", true],
    ["docker.io/redis:7", "redis", false],
    ["redis:7", "docker.io/redis", false],
    ["localhost:5000/app:1", "localhost:5000/app", true],
    ["nginx-unprivileged:1", "nginx", false],
    ["x:1", "[", false],
  ])("%s is matched by the entry name %s: %s", (image, name, matched) => {
    expect(kustomizeNameMatches(image, name)).toBe(matched);
  });

  it.each([
    ["localhost:5000/app", { name: "localhost:5000/app", tag: null, digest: null }],
    ["localhost:5000/app:1.2", { name: "localhost:5000/app", tag: "1.2", digest: null }],
    [`busybox:1.38.0@${DIGEST_A}`, { name: "busybox", tag: "1.38.0", digest: DIGEST_A }],
    [`busybox@${DIGEST_A}`, { name: "busybox", tag: null, digest: DIGEST_A }],
  ])("splits %s", (image, parts) => {
    expect(splitKustomizeImage(image)).toEqual(parts);
  });

  it("reads an entry name as Go's RE2 does: its syntax, and linear time for a hostile name", () => {
    // A backtracking engine (JavaScript's RegExp) would not return from the first line.
    expect(kustomizeNameMatches(`${"a".repeat(5000)}!`, "(a+)+b")).toBe(false);
    expect(kustomizeNameMatches("x:1", "(?P<n>x)")).toBe(true);
  });

  it("replaces nothing when no field is set but the name", () => {
    expect(applyImageEntry(`busybox:1.38.0@${DIGEST_A}`, { name: "busybox", newName: null, newTag: null, digest: null })).toBe(
      `busybox:1.38.0@${DIGEST_A}`,
    );
  });
});
