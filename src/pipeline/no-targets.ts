/** What a pass with no target at all says: where it looked, and what to add (instead of a bare "No updates."). */
import type { PlanProblem } from "./types.js";

export interface LookedIn {
  /** The repo config: its path and whether it was there, or ignored (--no-config). */
  readonly config: { readonly file: string; readonly state: "read" | "absent" | "ignored" };
  /** --apps paths given, and how many Applications / ImageUpdaters / ApplicationSets they held. */
  readonly appPaths: readonly string[];
  readonly resources: number;
  readonly cluster: boolean;
}

export function noTargetsWarning(looked: LookedIn): PlanProblem {
  const config = `${looked.config.file} (${looked.config.state === "read" ? "no targets in it" : looked.config.state === "absent" ? "not there" : "ignored: --no-config"})`;
  const apps =
    looked.appPaths.length === 0
      ? "no --apps given"
      : `--apps ${looked.appPaths.join(", ")} (${looked.resources === 0 ? "no Application or ImageUpdater" : `${looked.resources} resources, none with images to update`})`;
  const cluster = looked.cluster ? "the cluster (no Application there has images to update)" : "no cluster was asked (--kubeconfig)";
  return {
    app: null,
    image: null,
    file: null,
    severity: "warning",
    message:
      `no targets found: looked in ${config} and ${apps}; ${cluster}. ` +
      "Add targets to .github/argocd-image-pr.yml (name, file or path, image), pass --apps with the directory of your Argo CD Application / ImageUpdater / ApplicationSet manifests, " +
      "or read the Applications from the cluster with --kubeconfig; an Application needs an argocd-image-updater.argoproj.io/image-list annotation or an ImageUpdater selecting it",
  };
}
