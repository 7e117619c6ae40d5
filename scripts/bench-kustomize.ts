// How long reading what a kustomize stack renders takes: 200 targets over one overlay whose base has 200 resources.
// Prints the figure (npx tsx scripts/bench-kustomize.ts); never a timed assertion in the tests.
import { parseImageRef } from "../src/image-ref/index.js";
import type { Target } from "../src/model/index.js";
import { renderedImage } from "../src/pipeline/index.js";
const files: Record<string, string> = {};
const res: string[] = [];
for (let i = 0; i < 200; i++) {
  files[`base/d${i}.yaml`] =
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d${i}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: ghcr.io/acme/svc${i}:1.0.${i}\n        - name: b\n          image: docker.io/envoyproxy/envoy:v1.30.0\n`;
  res.push(`d${i}.yaml`);
}
files["base/kustomization.yaml"] = `resources:\n${res.map((r) => `  - ${r}\n`).join("")}`;
files["overlays/prod/kustomization.yaml"] = "resources:\n  - ../../base\n";
const reader = { read: async (f: string) => files[f] ?? null };
const started = performance.now();
for (let i = 0; i < 200; i++) {
  const target = {
    image: parseImageRef(`ghcr.io/acme/svc${i}`),
    write: { kustomizeImageName: null },
    forceUpdate: false,
    origin: "repo-config",
  } as unknown as Target;
  const r = await renderedImage(target, "overlays/prod/kustomization.yaml", files["overlays/prod/kustomization.yaml"] ?? "", false, reader);
  r.check("resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/svc" + i + "\n    newTag: 2.0.0\n", { tag: "2.0.0", digest: null });
}
console.log(`200 targets over one overlay of 200 resources (400 containers): ${Math.round(performance.now() - started)} ms`);
