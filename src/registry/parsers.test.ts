import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter } from "./backoff.js";
import { parseNextLink } from "./link-header.js";
import { choosePlatform, imageSourceLabels, normaliseCreated, parseManifest, samePlatform } from "./manifests.js";
import { parseWwwAuthenticate } from "./www-authenticate.js";

describe("parseWwwAuthenticate", () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [
        {
          scheme: "bearer",
          params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/nginx:pull" },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: "basic", params: { realm: "Registry Realm" } }]],
    [
      'bearer REALM="https://ghcr.io/token", service="ghcr.io"',
      [{ scheme: "bearer", params: { realm: "https://ghcr.io/token", service: "ghcr.io" } }],
    ],
    [
      'Basic realm="x", Bearer realm="https://a/t",service="s"',
      [
        { scheme: "basic", params: { realm: "x" } },
        { scheme: "bearer", params: { realm: "https://a/t", service: "s" } },
      ],
    ],
    ['Bearer realm="a\\"b",error="insufficient_scope"', [{ scheme: "bearer", params: { realm: 'a"b', error: "insufficient_scope" } }]],
    [
      "Bearer realm=https://unquoted/token,service=reg",
      [{ scheme: "bearer", params: { realm: "https://unquoted/token", service: "reg" } }],
    ],
    [
      'Bearer realm="https://x/token",scope="repository:a:pull,push"',
      [{ scheme: "bearer", params: { realm: "https://x/token", scope: "repository:a:pull,push" } }],
    ],
    ["", []],
  ])("parses %s", (header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});

describe("parseNextLink", () => {
  const base = "https://reg.example/v2/app/tags/list?n=100";
  it.each([
    ['</v2/app/tags/list?n=100&last=b>; rel="next"', "https://reg.example/v2/app/tags/list?n=100&last=b"],
    ['<https://reg.example/v2/app/tags/list?last=b&n=100>; rel="next"', "https://reg.example/v2/app/tags/list?last=b&n=100"],
    ["</v2/app/tags/list?last=c>; rel=next", "https://reg.example/v2/app/tags/list?last=c"],
    ['</a>; rel="prev", </b?x=1,2>; rel="next"', "https://reg.example/b?x=1,2"],
    ['</v2/app/tags/list?last=d>;rel="next last"', "https://reg.example/v2/app/tags/list?last=d"],
    ['</a>; rel="prev"', null],
    ["", null],
    [undefined, null],
    ["garbage", null],
  ])("%s → %s", (header, expected) => {
    expect(parseNextLink(header, base)).toBe(expected);
  });
});

describe("backoff", () => {
  const opts = (r: number): { baseMs: number; capMs: number; random: () => number } => ({ baseMs: 500, capMs: 4000, random: () => r });
  it.each([
    [0, 0, 250],
    [0, 0.999, 500],
    [1, 0, 500],
    [2, 0.5, 1500],
    [3, 0, 2000],
    [10, 1, 4000],
  ])("attempt %d with random %d waits %d ms", (attempt, r, expected) => {
    expect(backoffDelay(attempt, opts(r))).toBe(Math.round(expected));
  });

  it("never waits longer than the cap or less than half a step", () => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const d = backoffDelay(attempt, opts(Math.random()));
      expect(d).toBeLessThanOrEqual(4000);
      expect(d).toBeGreaterThanOrEqual(Math.min(4000, 500 * 2 ** attempt) / 2);
    }
  });

  it.each([
    ["120", 120_000],
    [" 0 ", 0],
    ["Wed, 21 Oct 2015 07:28:30 GMT", 30_000],
    ["Wed, 21 Oct 2015 07:27:00 GMT", 0],
    ["soon", null],
    ["-5", null],
    [null, null],
  ])("Retry-After %s → %s ms", (value, expected) => {
    expect(parseRetryAfter(value, Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(expected);
  });
});

describe("manifests", () => {
  it("reads an index, dropping attestation entries", () => {
    const index = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        { digest: "sha256:a", platform: { os: "linux", architecture: "amd64" } },
        { digest: "sha256:b", platform: { os: "linux", architecture: "arm64", variant: "v8" } },
        { digest: "sha256:c", platform: { os: "unknown", architecture: "unknown" } },
      ],
    };
    expect(parseManifest(index, "application/vnd.oci.image.index.v1+json")).toEqual({
      kind: "index",
      manifests: [
        { digest: "sha256:a", platform: "linux/amd64" },
        { digest: "sha256:b", platform: "linux/arm64/v8" },
      ],
    });
  });

  it("rejects schema 1 and malformed documents with a message", () => {
    expect(parseManifest({ schemaVersion: 1 }, "application/vnd.docker.distribution.manifest.v1+prettyjws")).toMatch(/schema 1/);
    expect(parseManifest({ schemaVersion: 2 }, "application/vnd.oci.image.manifest.v1+json")).toMatch(/malformed image manifest/);
  });

  it.each([
    ["linux/arm64", "linux/arm64/v8", true],
    ["linux/amd64", "linux/amd64/v1", true],
    ["linux/arm/v7", "linux/arm/v6", false],
    ["linux/arm", "linux/arm/v7", true],
    ["linux/arm", "linux/arm/v6", false],
    ["linux/aarch64", "linux/arm64/v8", true],
    ["linux/x86_64", "linux/amd64", true],
    ["linux/arm64/8", "linux/arm64", true],
    ["linux/amd64", "linux/arm64", false],
  ])("%s = %s: %s", (a, b, same) => {
    expect(samePlatform(a, b)).toBe(same);
  });

  it("chooses the requested platform, else linux/amd64, else the first", () => {
    const entries = [
      { digest: "a", platform: "linux/arm64/v8" },
      { digest: "b", platform: "linux/amd64" },
    ];
    expect(choosePlatform(entries, "linux/arm64")?.digest).toBe("a");
    expect(choosePlatform(entries, undefined)?.digest).toBe("b");
    expect(choosePlatform(entries, "windows/amd64")?.digest).toBe("b");
    expect(choosePlatform([...entries, { digest: "d", platform: "linux/arm/v7" }], "linux/arm")?.digest).toBe("d");
    expect(choosePlatform([{ digest: "c", platform: "linux/s390x" }], undefined)?.digest).toBe("c");
    expect(choosePlatform([], undefined)).toBeNull();
  });

  it.each([
    ["2023-06-01T10:00:00.123456789Z", "2023-06-01T10:00:00.123Z"],
    ["2023-06-01T12:00:00+02:00", "2023-06-01T10:00:00.000Z"],
    ["0001-01-01T00:00:00Z", null],
    ["yesterday", null],
    ["2026-03-01 10:00:00", null], // no zone: Go's RFC 3339 parse refuses it, and so do we
    ["2026-03-01T10:00:00", null],
    [undefined, null],
  ])("created %s → %s", (value, expected) => {
    expect(normaliseCreated(value)).toBe(expected);
  });
});

describe("imageSourceLabels", () => {
  const SOURCE = "org.opencontainers.image.source";
  const REVISION = "org.opencontainers.image.revision";
  it.each([
    [{ [SOURCE]: "https://github.com/o/app", [REVISION]: "1a2b3c4d" }, "https://github.com/o/app", "1a2b3c4d"],
    [{ [SOURCE]: " https://gitlab.com/g/sub/app.git \n" }, "https://gitlab.com/g/sub/app.git", null],
    [{ [REVISION]: "v1.2.3" }, null, "v1.2.3"],
    [{}, null, null],
    // free text from the image's author: only what is safe to show a reviewer
    [{ [SOURCE]: "https://x-access-token:ghp_secret@github.com/o/app" }, null, null],
    [{ [SOURCE]: "git@github.com:o/app.git" }, null, null],
    [{ [SOURCE]: "javascript:alert(1)" }, null, null],
    [{ [SOURCE]: "https://github.com/o/app\u001b[31m" }, null, null],
    [{ [SOURCE]: "https://github.com/o/app) [click](https://evil.example" }, null, null],
    [{ [REVISION]: "main; rm -rf /" }, null, null],
    [{ [REVISION]: "x".repeat(129) }, null, null],
    [{ [REVISION]: "-flag" }, null, null],
  ])("%j → %s, %s", (labels, sourceUrl, revision) => {
    expect(imageSourceLabels(labels)).toEqual({ sourceUrl, revision });
  });
});
