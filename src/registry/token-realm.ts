/**
 * Where Basic credentials may go. Docker sends them to the token realm a registry's Bearer
 * challenge names, on whatever host or port; we keep that (registries put their token service
 * elsewhere: GitLab, Harbor, ACR), but never in the clear to a host that is not loopback. Pure.
 */

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/;

/** `localhost`, 127.0.0.0/8 or `[::1]`, with or without a port. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host.toLowerCase());
}

/**
 * Why credentials must not be sent to `realm`, or null when they may be: over HTTPS, to
 * loopback, or in plain HTTP to the very host of a registry configured with an `http://` api_url
 * (which `insecure: true` allowed, and which gets the same credentials in the clear already).
 */
export function realmCredentialsRefusal(realm: URL, registryBase: URL): string | null {
  if (realm.protocol === "https:" || isLoopbackHost(realm.host)) return null;
  if (registryBase.protocol === "http:" && realm.hostname === registryBase.hostname) return null;
  return `the token service ${realm.origin} is plain HTTP on another host than the registry; credentials are only sent to a token service over HTTPS or on loopback`;
}

/** Whether a request to `url` may skip certificate checks: only on the registry's own host, when it is `insecure`. */
export function maySkipTlsChecks(url: URL, registryBase: URL, insecureTls: boolean): boolean {
  return insecureTls && url.hostname === registryBase.hostname;
}
