/**
 * sources/: everything that turns argocd-image-updater configuration (Application annotations,
 * ImageUpdater resources) and the repo config into typed Targets. Knows nothing of registries.
 */
export type { Application, ImageUpdater, Resources } from "./resources.js";
export {
  renderApplicationSets,
  type ApplicationSetOptions,
  type ApplicationSetResult,
  type RawApplicationSet,
} from "./application-sets.js";
export { generatesAnnotated } from "./resources.js";
export {
  parseManifests,
  readManifests,
  readManifestsFromPaths,
  readManifestsFromRepo,
  type ManifestPaths,
  type ReadManifestsOptions,
} from "./manifests.js";
export { createSecretReader, listFromCluster, type ClusterOptions, type SecretReader } from "./cluster.js";
export {
  detectApplicationTypes,
  detectSourceType,
  typeFromFileNames,
  type ArgoSourceType,
  type DetectedSourceType,
  type DetectedTypes,
} from "./app-type.js";
export { compileArgoGlob, directoryManifestFiles } from "./directory-app.js";
export { targetsFromApplications, type SourceResult, type TargetsFromApplicationsInput } from "./targets.js";
export {
  parseRepoConfig,
  readRepoConfig,
  readRepoSettings,
  generateRepoConfigJsonSchema,
  type RepoConfig,
  type RepoConfigTarget,
} from "./repo-config.js";
export { parseGitHubRepoURL } from "./repo-url.js";
export { parseStrategy, parseAllowTags } from "./policy.js";
export { parseImageSpec, type ImageSpec } from "./image-spec.js";
export { REPO_CONFIG_SCHEMA_PATH, renderRepoConfigSchema } from "./schema-file.js";
