import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.js";
import {
  familiarName,
  formatImageRef,
  isDockerHubHost,
  isValidDigest,
  isValidTag,
  parseImageRef,
  repositoryKey,
  sameRepository,
} from "./index.js";

const D256 = `sha256:${"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}`;
const D512 = `sha512:${"f".repeat(128)}`;

// Valid references: input → [registry, repository, tag, digest]. Many from distribution/reference's own tests.
const valid: [string, string, string, string | null, string | null][] = [
  ["nginx", "docker.io", "library/nginx", null, null],
  ["nginx:1.27", "docker.io", "library/nginx", "1.27", null],
  ["test_com", "docker.io", "library/test_com", null, null],
  ["test.com:tag", "docker.io", "library/test.com", "tag", null],
  ["test.com:5000", "docker.io", "library/test.com", "5000", null],
  ["test.com/repo:tag", "test.com", "repo", "tag", null],
  ["test:5000/repo", "test:5000", "repo", null, null],
  ["test:5000/repo:tag", "test:5000", "repo", "tag", null],
  [`test:5000/repo@${D256}`, "test:5000", "repo", null, D256],
  [`test:5000/repo:tag@${D256}`, "test:5000", "repo", "tag", D256],
  ["lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", null],
  ["sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux", null, null],
  ["sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux", "some-long-tag", null],
  ["b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app", "test.example.com", null],
  ["xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com", null],
  [`xn--7o8h.com/myimage:xn--7o8h.com@${D512}`, "xn--7o8h.com", "myimage", "xn--7o8h.com", D512],
  ["foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", null],
  ["foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080", null],
  ["192.168.1.1/repo", "192.168.1.1", "repo", null, null],
  ["192.168.1.1:5000/repo:v1", "192.168.1.1:5000", "repo", "v1", null],
  ["[2001:db8::1]/repo", "[2001:db8::1]", "repo", null, null],
  ["[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag", null],
  ["localhost/repo", "localhost", "repo", null, null],
  ["localhost:5000/team/app:1.0", "localhost:5000", "team/app", "1.0", null],
  ["127.0.0.1:5000/a/b/c/d", "127.0.0.1:5000", "a/b/c/d", null, null],
  ["index.docker.io/library/nginx", "docker.io", "library/nginx", null, null],
  ["index.docker.io/nginx:1", "docker.io", "library/nginx", "1", null],
  ["docker.io/nginx", "docker.io", "library/nginx", null, null],
  ["docker.io/bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", null],
  ["ghcr.io/org/app:v1.2.3-rc.1", "ghcr.io", "org/app", "v1.2.3-rc.1", null],
  ["foo__bar", "docker.io", "library/foo__bar", null, null],
  ["foo--bar", "docker.io", "library/foo--bar", null, null],
  ["ab-c_d/e.f", "docker.io", "ab-c_d/e.f", null, null],
  [`nginx:${"a".repeat(128)}`, "docker.io", "library/nginx", "a".repeat(128), null],
  ["nginx:_underscore", "docker.io", "library/nginx", "_underscore", null],
  [`${"a".repeat(237)}`, "docker.io", `library/${"a".repeat(237)}`, null, null],
  [`ghcr.io/${"a".repeat(247)}`, "ghcr.io", "a".repeat(247), null, null],
  ["  ghcr.io/o/a:1  ", "ghcr.io", "o/a", "1", null],
];

// Invalid references, with a fragment of the expected reason.
const invalid: [string, RegExp][] = [
  ["", /empty/],
  [":justtag", /repository name is empty/],
  [`@${D256}`, /repository name is empty/],
  ["repo@sha256:ffff", /not a valid digest/],
  [`validname@invaliddigest:${"f".repeat(64)}`.replace("invaliddigest:", "invalid-:"), /not a valid digest/],
  [`repo@sha256:${"F".repeat(64)}`, /not a valid digest/],
  ["Uppercase:tag", /must be lowercase/],
  ["test:5000/Uppercase/lowercase:tag", /must be lowercase/],
  ["aa/asdf$$^/aa", /not a valid repository path/],
  ["-foo", /not a valid repository path/],
  ["foo___bar", /not a valid repository path/],
  ["foo..bar", /not a valid repository path/],
  ["foo.-bar", /not a valid repository path/],
  ["foo//bar", /not a valid repository path/],
  ["foo/", /not a valid repository path/],
  ["foo:-bad", /not a valid tag/],
  ["foo:.bad", /not a valid tag/],
  [`foo:${"a".repeat(129)}`, /not a valid tag/],
  ["foo:t@g", /digest/],
  ["a:b:c", /not a valid repository path/],
  ["foo bar", /white space/],
  ["0123456789abcdef".repeat(4), /image ID/],
  [`${"a".repeat(238)}`, /longer than 255/],
  [`ghcr.io/${"a".repeat(248)}`, /longer than 255/],
  [`${"a/".repeat(128)}a`, /longer than 255/],
  ["-host.com/repo", /not a valid registry host/],
  ["host-.com:5000/repo", /not a valid registry host/],
  ["host.com:port/repo", /not a valid registry host/],
  ["a.b-c_d/e", /not a valid registry host/],
];

describe("parseImageRef", () => {
  it.each(valid)("%s", (input, registry, repository, tag, digest) => {
    expect(parseImageRef(input)).toEqual({ registry, repository, tag, digest });
  });

  it.each(invalid)("rejects %j", (input, reason) => {
    let error: unknown = null;
    try {
      parseImageRef(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(reason);
  });

  it("has at least 40 cases", () => {
    expect(valid.length + invalid.length).toBeGreaterThanOrEqual(40);
  });
});

describe("tags and digests", () => {
  it.each([
    ["latest", true],
    ["1.2.3", true],
    ["v1.2.3-alpine3.20_x", true],
    ["_", true],
    ["A".repeat(128), true],
    ["A".repeat(129), false],
    [".hidden", false],
    ["-dash", false],
    ["", false],
    ["a/b", false],
    ["a b", false],
    ["$(rm -rf)", false],
    ["tag\n", false],
  ])("isValidTag(%j) = %s", (tag, ok) => {
    expect(isValidTag(tag)).toBe(ok);
  });

  it.each([
    [D256, true],
    [D512, true],
    ["sha256:abc", false],
    [`sha256:${"A".repeat(64)}`, false],
    ["sha256", false],
  ])("isValidDigest(%s) = %s", (digest, ok) => {
    expect(isValidDigest(digest)).toBe(ok);
  });
});

describe("formatting and identity", () => {
  it("formats the fully qualified reference and the familiar name", () => {
    const ref = parseImageRef(`nginx:1.27@${D256}`);
    expect(formatImageRef(ref)).toBe(`docker.io/library/nginx:1.27@${D256}`);
    expect(repositoryKey(ref)).toBe("docker.io/library/nginx");
    expect(familiarName(ref)).toBe("nginx");
    expect(familiarName(parseImageRef("bitnami/redis"))).toBe("bitnami/redis");
    expect(familiarName(parseImageRef("ghcr.io/o/a"))).toBe("ghcr.io/o/a");
  });

  it("round-trips: parsing the formatted reference gives the same reference", () => {
    for (const [input] of valid) {
      const ref = parseImageRef(input);
      expect(parseImageRef(formatImageRef(ref))).toEqual(ref);
    }
  });

  it.each([
    ["nginx", "docker.io/library/nginx:1.2", true],
    ["index.docker.io/library/nginx", "nginx@" + D256, true],
    ["ghcr.io/o/a", "ghcr.io/o/b", false],
    ["localhost:5000/a", "localhost:5001/a", false],
    ["Not Valid", "Not Valid", true],
  ])("sameRepository(%s, %s) = %s", (a, b, same) => {
    expect(sameRepository(a, b)).toBe(same);
  });
});

describe("isDockerHubHost", () => {
  it.each([
    ["docker.io", true],
    ["index.docker.io", true],
    ["registry-1.docker.io", true],
    ["Registry.Hub.Docker.com", true],
    ["ghcr.io", false],
    ["docker.io.example.com", false],
  ])("%s → %s", (host, expected) => {
    expect(isDockerHubHost(host)).toBe(expected);
  });
});
