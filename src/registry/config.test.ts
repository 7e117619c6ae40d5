import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { normaliseAuthKey, parseCredentialSource, parseDockerConfig, readCredentials } from "./credentials.js";
import { findRegistryEntry, parseGoDuration, parseRegistriesConfig } from "./registries-config.js";

describe("parseRegistriesConfig", () => {
  it("reads argocd-image-updater's example file", () => {
    const text = `
registries:
- name: Docker Hub
  prefix: docker.io
  api_url: https://registry-1.docker.io
  credentials: secret:foo/bar#creds
  defaultns: library
  default: true
- name: GitHub Container Registry
  api_url: https://ghcr.io
  prefix: ghcr.io
  ping: no
  credentials: env:GHCR_CREDS
  credsexpire: 1h30m
  limit: 5
- name: local
  prefix: registry.local:5000
  insecure: yes
  credentials: ext:/usr/local/bin/creds.sh
`;
    const config = parseRegistriesConfig(text, "registries.conf");
    expect(config.registries).toEqual([
      {
        name: "Docker Hub",
        prefix: "docker.io",
        apiUrl: "https://registry-1.docker.io",
        credentials: { kind: "secret", namespace: "foo", name: "bar", field: "creds" },
        credsExpireMs: null,
        insecure: false,
        defaultNamespace: "library",
        isDefault: true,
        limit: 20,
      },
      {
        name: "GitHub Container Registry",
        prefix: "ghcr.io",
        apiUrl: "https://ghcr.io",
        credentials: { kind: "env", variable: "GHCR_CREDS" },
        credsExpireMs: 5_400_000,
        insecure: false,
        defaultNamespace: null,
        isDefault: false,
        limit: 5,
      },
      {
        name: "local",
        prefix: "registry.local:5000",
        apiUrl: null,
        credentials: { kind: "ext", path: "/usr/local/bin/creds.sh" },
        credsExpireMs: null,
        insecure: true,
        defaultNamespace: null,
        isDefault: false,
        limit: 20,
      },
    ]);
    expect(findRegistryEntry(config, "ghcr.io")?.name).toBe("GitHub Container Registry");
    expect(findRegistryEntry(config, "quay.io")).toBeNull();
  });

  it("uses the default entry for Docker Hub images", () => {
    const config = parseRegistriesConfig("registries:\n- prefix: mirror.example\n  default: true\n", "f");
    expect(findRegistryEntry(config, "docker.io")?.prefix).toBe("mirror.example");
  });

  it("accepts an empty file", () => {
    expect(parseRegistriesConfig("", "f")).toEqual({ registries: [] });
  });

  it.each([
    ["registries:\n- name: a\n  prefix: x.io\n  limt: 3\n", 'conf.yaml: registries[0] ("a"): "limt" is not a known key'],
    ["registries:\n- name: a\n  api_url: https://x.io\n", 'conf.yaml: registries[0] ("a"): "prefix" is required'],
    ["registries:\n- prefix: x.io\n- prefix: y.io\n  limit: -1\n", 'conf.yaml: registries[1]: "limit" is invalid'],
    ["registries:\n- prefix: x.io\n  limit: fast\n", 'conf.yaml: registries[0]: "limit" is invalid'],
    ["registries:\n- prefix: https://x.io\n", 'registries[0] ("https://x.io"): "prefix" "https://x.io" is not a registry host'],
    ["registries:\n- prefix: x.io\n  api_url: ftp://x.io\n", '"api_url" uses "ftp:"'],
    ["registries:\n- prefix: x.io\n  api_url: https://u:p@x.io\n", '"api_url" contains credentials'],
    // a URL that does not parse is not echoed: it may carry a password
    ["registries:\n- prefix: x.io\n  api_url: https://robot:S3CRET-PW@x.io:99999\n", 'registries[0] ("x.io"): "api_url" is not a URL'],
    ["registries:\n- prefix: x.io\n  credentials: token:abc\n", '"credentials" not a credential source: it must start with env:'],
    [
      "registries:\n- prefix: x.io\n  credentials: 'env:'\n",
      '"credentials" "env:" must be followed by the name of an environment variable',
    ],
    ["registries:\n- prefix: x.io\n  credsexpire: 5 hours\n", '"credsexpire" "5 hours" is not a duration'],
    ["registries:\n- prefix: x.io\n  insecure: maybe\n", '"insecure" is invalid'],
    ["registries:\n- prefix: x.io\n- prefix: x.io\n", 'registries[1] ("x.io"): "prefix" duplicates the prefix of registries[0]'],
    [
      "registries:\n- prefix: x.io\n  default: true\n- prefix: y.io\n  default: true\n",
      'registries[1] ("y.io"): "default" more than one registry is marked default',
    ],
    ["registries:\n- just a string\n", 'registries[0]: "(entry)" must be a mapping'],
    ["registry:\n- prefix: x.io\n", 'conf.yaml: expected a mapping with a "registries" list'],
    ["registries: [\n", "conf.yaml: not valid YAML"],
  ])("rejects %j with a message naming file, entry and key", (text, message) => {
    const error = (() => {
      try {
        parseRegistriesConfig(text, "conf.yaml");
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(message);
  });

  it.each([
    ["5h", 18_000_000],
    ["30m", 1_800_000],
    ["1h30m", 5_400_000],
    ["1.5s", 1500],
    ["250ms", 250],
    ["5", null],
    ["", null],
    ["h", null],
  ])("duration %s → %s", (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
});

describe("credentials", () => {
  it.each([
    ["env:MY_CREDS", { kind: "env", variable: "MY_CREDS" }],
    ["ext:/opt/ecr-login.sh", { kind: "ext", path: "/opt/ecr-login.sh" }],
    ["pullsecret:argocd/regcred", { kind: "pullsecret", namespace: "argocd", name: "regcred" }],
    ["secret:argocd/creds#token", { kind: "secret", namespace: "argocd", name: "creds", field: "token" }],
  ])("parses %s", (text, expected) => {
    expect(parseCredentialSource(text)).toEqual(expected);
  });

  it.each(["env:1BAD", "ext:relative.sh", "ext:/bin/echo user:pass", "pullsecret:nons", "secret:ns/name", "plain"])(
    "rejects %s",
    (text) => {
      expect(() => parseCredentialSource(text)).toThrow(ConfigError);
    },
  );

  it.each([
    ["env:deploy:s3cr3t-Passw0rd", "s3cr3t-Passw0rd"], // the value written where the variable's name goes
    ["ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghij"], // a bare token
    ["deploy:s3cr3t-Passw0rd", "deploy"], // user:pass written inline
    ["pullsecret:s3cr3t-Passw0rd", "s3cr3t"],
    ["secret:s3cr3t-Passw0rd", "s3cr3t"],
    ["ext:/bin/echo robot:S3CRET-TOKEN", "S3CRET"],
  ])("never echoes a mistaken credentials value %s in the error", (text, secret) => {
    const error = (() => {
      try {
        parseCredentialSource(text);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).not.toContain(secret);
    const viaFile = (() => {
      try {
        parseRegistriesConfig(`registries:\n- prefix: ghcr.io\n  credentials: "${text}"\n`, "registries.conf");
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(viaFile).toBeInstanceOf(ConfigError);
    expect(JSON.stringify([(viaFile as ConfigError).message, (viaFile as ConfigError).context])).not.toContain(secret);
  });

  const b64 = (text: string): string => Buffer.from(text).toString("base64");

  it.each([
    // host, repository, expected username
    ["docker.io", "library/nginx", "hub"],
    ["registry-1.docker.io", "library/nginx", "hub"],
    ["ghcr.io", "o/app", "me"],
    ["127.0.0.1:5000", "x", "a"],
    ["quay.io", "o/app", "00000000-0000-0000-0000-000000000000"],
    // the kubelet's matching: the longest host/path prefix, then an exact host over a glob
    ["h.example", "team-a/app", "sa-a"],
    ["h.example", "team-b/app", "sa-b"],
    ["h.example", "team-c/app", "sa-host"],
    ["h.example", "team-ab/app", "sa-host"],
    ["asia.gcr.io", "p/app", "glob"],
    ["eu.gcr.io", "p/app", "eu"],
    ["gcr.io", "p/app", null],
    ["other.io", "x", null],
    ["empty.io", "x", null],
  ])("reads a Docker config: %s/%s → %s", (host, repository, username) => {
    const creds = parseDockerConfig(
      JSON.stringify({
        auths: {
          "https://index.docker.io/v1/": { auth: b64("hub:pa:ss") },
          "ghcr.io": { username: "me", password: "tok" },
          "http://127.0.0.1:5000/v2/": { auth: b64("a:b") },
          "quay.io": { auth: b64("00000000-0000-0000-0000-000000000000:"), identitytoken: "refresh" },
          "h.example/team-a": { auth: b64("sa-a:A") },
          "h.example/team-b/": { auth: b64("sa-b:B") },
          "h.example": { auth: b64("sa-host:H") },
          "*.gcr.io": { auth: b64("glob:G") },
          "eu.gcr.io": { auth: b64("eu:E") },
          "empty.io": { auth: "" },
        },
      }),
      "config.json",
    );
    expect(creds.find(host, repository)?.username ?? null).toBe(username);
  });

  it("keeps the password's colons, and an identity token as a refresh token", () => {
    const creds = parseDockerConfig(
      JSON.stringify({
        auths: {
          "docker.io": { auth: b64("hub:pa:ss") },
          "acr.azurecr.io": { auth: b64("00000000-0000-0000-0000-000000000000:"), identitytoken: "rt" },
        },
      }),
      "config.json",
    );
    expect(creds.find("docker.io", "library/nginx")).toEqual({ username: "hub", password: "pa:ss" });
    expect(creds.find("acr.azurecr.io", "app")).toEqual({
      username: "00000000-0000-0000-0000-000000000000",
      password: "",
      identityToken: "rt",
    });
  });

  it("reads the whole output of an ext: script, as a GCR _json_key with a multi-line key file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ext-creds-"));
    const script = join(dir, "gcr-creds.sh");
    writeFileSync(script, '#!/bin/sh\nprintf \'_json_key:{\\n  "type": "service_account",\\n  "private_key": "k"\\n}\\n\'\n', {
      mode: 0o755,
    });
    try {
      const creds = await readCredentials(
        { kind: "ext", path: script },
        { registry: "gcr.io", repository: "p/app", image: "gcr.io/p/app", resolver: undefined, env: {}, timeoutMs: 5000 },
      );
      expect(creds).toEqual({ username: "_json_key", password: '{\n  "type": "service_account",\n  "private_key": "k"\n}' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says which credential helper a host is left to", () => {
    const creds = parseDockerConfig(
      JSON.stringify({ credsStore: "desktop", credHelpers: { "123.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login" } }),
      "config.json",
    );
    expect(creds.helperFor("123.dkr.ecr.eu-west-1.amazonaws.com")).toBe("ecr-login");
    expect(creds.helperFor("ghcr.io")).toBe("desktop");
    expect(parseDockerConfig("{}", "config.json").helperFor("ghcr.io")).toBeNull();
  });

  it.each([
    ["https://index.docker.io/v1/", { host: "docker.io", path: "" }],
    ["http://h:5000/v2", { host: "h:5000", path: "" }],
    ["H.Example/Team-A/", { host: "h.example", path: "Team-A" }],
  ])("normalises the auths key %s", (key, expected) => {
    expect(normaliseAuthKey(key)).toEqual(expected);
  });

  it("names the file, never the secret, when a Docker config is wrong", () => {
    expect(() => parseDockerConfig("{", "pull-secret")).toThrow(/pull-secret: not valid JSON/);
    const bad = JSON.stringify({ auths: { "x.io": { auth: Buffer.from("nocolon-secret").toString("base64") } } });
    expect(() => parseDockerConfig(bad, "cfg")).toThrow(/cfg: auths\["x.io"\].auth is not base64 of user:password/);
    try {
      parseDockerConfig(bad, "cfg");
    } catch (e) {
      expect(String((e as Error).message)).not.toContain("nocolon-secret");
    }
  });
});
