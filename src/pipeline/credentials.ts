/**
 * Registry credentials kept in Kubernetes Secrets — a pull secret's `.dockerconfigjson` or one
 * field holding `user:password` — read through sources/ and parsed as the registry module reads
 * Docker configs. Wiring between the two; messages name the secret, never its data.
 */
import { ConfigError } from "../errors/index.js";
import { parseDockerConfig, parseUserPass, type CredentialResolver } from "../registry/index.js";
import type { SecretReader } from "../sources/index.js";

export function secretCredentials(read: SecretReader): CredentialResolver {
  return {
    async resolve(source, registry, repository) {
      const where = `secret ${source.namespace}/${source.name}`;
      const data = await read(source.namespace, source.name);
      if (data === null) {
        throw new ConfigError(`${where} does not exist`, { hint: "create it, or fix the namespace/name in the pull-secret" });
      }
      switch (source.kind) {
        case "pullsecret": {
          // kubernetes.io/dockerconfigjson, or the older kubernetes.io/dockercfg (no "auths" wrapper).
          const json = data[".dockerconfigjson"] ?? (data[".dockercfg"] === undefined ? undefined : `{"auths":${data[".dockercfg"]}}`);
          if (json === undefined) {
            throw new ConfigError(`${where} has no .dockerconfigjson`, {
              hint: "use a secret of type kubernetes.io/dockerconfigjson, or secret:<ns>/<name>#<field> for a user:password field",
            });
          }
          return parseDockerConfig(json, where).find(registry, repository);
        }
        case "secret": {
          const value = data[source.field];
          if (value === undefined)
            throw new ConfigError(`${where} has no field "${source.field}"`, { hint: "name a field that holds user:password" });
          const credentials = parseUserPass(value);
          if (credentials === null)
            throw new ConfigError(`${where} field "${source.field}" is not user:password`, {
              hint: "store the credentials as user:password",
            });
          return credentials;
        }
      }
    },
  };
}
