import { describe, expect, it } from "vitest";
import { isLoopbackHost, maySkipTlsChecks, realmCredentialsRefusal } from "./token-realm.js";

describe("credentials to a token realm (Docker's behaviour, never in the clear off loopback)", () => {
  it.each([
    ["https realm on another host (GitLab, ACR)", "https://gitlab.example/jwt/auth", "https://registry.example", true],
    ["https realm on another port", "https://registry.example:5001/token", "https://registry.example", true],
    ["http realm on loopback", "http://127.0.0.1:5001/token", "http://127.0.0.1:5000", true],
    ["http realm on localhost, registry elsewhere", "http://localhost:9/token", "https://registry.example", true],
    ["http realm on the host of an http:// api_url (insecure: true)", "http://harbor.lab/service/token", "http://harbor.lab", true],
    ["http realm on the same host, other port, of an http:// api_url", "http://harbor.lab:8080/token", "http://harbor.lab:5000", true],
    ["http realm on another host than an http:// api_url", "http://auth.elsewhere/token", "http://harbor.lab", false],
    ["http realm for an https registry", "http://registry.example/token", "https://registry.example", false],
    ["http realm on another host for an https registry", "http://evil.example/token", "https://registry.example", false],
  ])("%s → sent: %s", (_name, realm, base, sent) => {
    const refusal = realmCredentialsRefusal(new URL(realm), new URL(base));
    expect(refusal === null).toBe(sent);
    if (!sent) expect(refusal).toContain(new URL(realm).origin);
  });

  it.each([
    ["the registry's own host", "https://registry.example:5001/token", "https://registry.example", true, true],
    ["another host", "https://auth.example/token", "https://registry.example", true, false],
    ["a registry that is not insecure", "https://registry.example/token", "https://registry.example", false, false],
  ])("certificate checks skipped for %s: %s", (_name, url, base, insecure, skipped) => {
    expect(maySkipTlsChecks(new URL(url), new URL(base), insecure)).toBe(skipped);
  });

  it.each([
    ["127.0.0.1:5000", true],
    ["localhost", true],
    ["[::1]:80", true],
    ["127.example.com", false],
    ["10.0.0.1", false],
  ])("%s loopback: %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
