/**
 * One rule for an Application (or ImageUpdater) manifest without a namespace: it is in Argo CD's
 * namespace (--argocd-namespace, default argocd), as kubectl apply -n would place it — in ids,
 * ImageUpdater matching and messages alike.
 */
import { describe, expect, it } from "vitest";

import { parseManifests, targetsFromApplications } from "../../src/sources/index.js";

describe("an Application without a namespace is in Argo CD's namespace, everywhere", () => {
  const updater = (namespace: string | null) => `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: all${namespace === null ? "" : `, namespace: ${namespace}`} }
spec:
  applicationRefs:
    - namePattern: "web"
      images: [{ alias: web, imageName: ghcr.io/acme/web }]
`;
  const bare = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: web }
spec:
  source: { repoURL: https://github.com/acme/gitops, path: apps/web, kustomize: {} }
`;

  it.each([["gitops"], [null]])(
    "--argocd-namespace gitops: an ImageUpdater in namespace %s selects it, and ids and messages say gitops/",
    (namespace) => {
      const parsed = parseManifests(
        `${updater(namespace)}---\n${bare}---\n${bare.replace("name: web", "name: web, namespace: other")}`,
        "apps.yaml",
      );
      const result = targetsFromApplications({ ...parsed, argocdNamespace: "gitops" });
      expect(result.targets.map((t) => [t.id, t.declaredIn])).toEqual([["gitops/web/web", "ImageUpdater gitops/all (apps.yaml)"]]);
      expect(result.skipped).toEqual([{ app: "other/web", reason: expect.stringContaining("no ImageUpdater selects it") }]);
    },
  );
});
