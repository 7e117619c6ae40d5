/**
 * The repo config's pull-request settings (and per-target `group:` / `automerge:`) as plan/'s
 * PrSettings, with what each target's Application says (destination, labels) and its ImageUpdater's
 * `pullRequest.labels`.
 */
import type { Target } from "../model/index.js";
import { DEFAULT_PR_SETTINGS } from "../plan/index.js";
import type { PrSettings, TargetPrSettings } from "../plan/index.js";
import type { RepoConfig } from "../sources/index.js";

export function prSettingsFrom(
  config: RepoConfig | null,
  targets: readonly Target[],
  defaultBranch: string,
  extra: Readonly<Record<string, TargetPrSettings>> = {},
): PrSettings {
  const perTarget: Record<string, TargetPrSettings> = {};
  const byName = new Map((config?.targets ?? []).map((t) => [t.name, t]));
  for (const target of targets) {
    const own: { -readonly [K in keyof TargetPrSettings]: TargetPrSettings[K] } = { ...extra[target.id] };
    // What the Application and its ImageUpdater say: the body's destination, automerge rules' labels, PR labels.
    if (target.app?.destination !== undefined) own.destination = target.app.destination;
    if (target.app?.labels !== undefined) own.appLabels = target.app.labels;
    if (target.pullRequestLabels !== undefined) own.labels = [...(own.labels ?? []), ...target.pullRequestLabels];
    if (target.origin === "repo-config") {
      const name = target.id.slice(0, target.id.lastIndexOf("/"));
      const declared = byName.get(name);
      const automerge = declared?.automerge ?? config?.defaults?.automerge;
      if (declared?.group !== undefined) own.group = declared.group;
      if (automerge !== undefined) own.automerge = automerge;
    }
    if (Object.keys(own).length > 0) perTarget[target.id] = own;
  }
  return {
    ...DEFAULT_PR_SETTINGS,
    defaultBranch,
    labels: config?.labels ?? [],
    title: config?.title ?? null,
    commitPrefix: config?.commitPrefix ?? null,
    rebase: config?.rebase ?? DEFAULT_PR_SETTINGS.rebase,
    mergeMethod: config?.mergeMethod ?? DEFAULT_PR_SETTINGS.mergeMethod,
    automerge: (config?.automerge ?? []).map((rule) => ({
      ...(rule.applications === undefined ? {} : { applications: rule.applications }),
      ...(rule.labels === undefined ? {} : { labels: rule.labels }),
      ...(rule.paths === undefined ? {} : { paths: rule.paths }),
      ...(rule.updateTypes === undefined ? {} : { updateTypes: rule.updateTypes }),
    })),
    targets: perTarget,
  };
}
