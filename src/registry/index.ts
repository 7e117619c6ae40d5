/**
 * registry/: tags and metadata from OCI registries. Knows nothing of GitHub or Argo CD.
 */
export {
  createRegistryClient,
  isLoopbackHost,
  type ImageAccess,
  type RegistryClient,
  type RegistryClientOptions,
  type RegistryClientStats,
  type RegistryLog,
} from "./client.js";
export {
  parseRegistriesConfig,
  findRegistryEntry,
  parseGoDuration,
  DEFAULT_RATE_LIMIT,
  type RegistriesConfig,
  type RegistryEntry,
} from "./registries-config.js";
export {
  parseCredentialSource,
  parseDockerConfig,
  parseUserPass,
  describeCredentialSource,
  type DockerCredentials,
  type CredentialResolver,
  type CredentialSource,
  type Credentials,
  type SecretSource,
} from "./credentials.js";
export { createMetadataCache, type MetadataCache } from "./metadata-cache.js";
export {
  loadTagCacheFile,
  saveTagCacheFile,
  TAG_CACHE_FILE,
  DEFAULT_TAG_CACHE_BYTES,
  type LoadedTagCache,
  type TagCacheFileOptions,
} from "./tag-cache-file.js";
export { createTagDetailsCache, tagCacheKey, DEFAULT_TAG_CACHE_ENTRIES, type TagDetailsCache, type TagCacheKeyParts } from "./tag-cache.js";
export { parseWwwAuthenticate, type AuthChallenge } from "./www-authenticate.js";
export { parseNextLink } from "./link-header.js";
export { backoffDelay, parseRetryAfter } from "./backoff.js";
export { MediaType, imageSourceLabels, samePlatform, normalisePlatform } from "./manifests.js";
