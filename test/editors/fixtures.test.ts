/**
 * Every real-world-shaped fixture: what it holds (a table of expected reads), and the editor laws
 * over each of them with generated tags and digests.
 */
import { readdirSync, statSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readImage, writeImage, type ImageLocator } from "../../src/editors/index.js";
import { expectOnlySpansChanged, FIXTURES, fixture, locator } from "./support.js";

const D = "sha256:4f3f5e4a6d6b1c1c8a3e0d9f2b7c6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a";

interface Row {
  file: string;
  at: ImageLocator;
  expected: { name: string; tag: string | null; digest: string | null; occurrences: number };
}

function row(file: string, at: ImageLocator, name: string, tag: string | null, digest: string | null = null, occurrences = 1): Row {
  return { file, at, expected: { name, tag, digest, occurrences } };
}

const K = "kustomize/";
const H = "helm/";
const M = "manifest/";
const A = "application/";
const S = "argocd-source/";

const ROWS: Row[] = [
  row(`${K}overlay-prod-newname/kustomization.yaml`, locator("kustomize", "asia.gcr.io/proj/app"), "asia.gcr.io/proj/app", "v2.14.1"),
  row(
    `${K}base-plain/kustomization.yaml`,
    locator("kustomize", "nginxinc/nginx-unprivileged"),
    "nginxinc/nginx-unprivileged",
    "1.27.0-alpine",
  ),
  row(`${K}digest-only/kustomization.yaml`, locator("kustomize", "ghcr.io/acme/billing-api"), "ghcr.io/acme/billing-api", null, D),
  row(
    `${K}tag-and-digest/kustomization.yaml`,
    locator("kustomize", "registry.acme.internal/mirror/redis"),
    "registry.acme.internal/mirror/redis",
    "7.2.5",
    D,
  ),
  row(
    `${K}flow-style/kustomization.yaml`,
    locator("kustomize", "quay.io/prometheus/node-exporter"),
    "quay.io/prometheus/node-exporter",
    "v1.8.1",
  ),
  row(`${K}flow-style/kustomization.yaml`, locator("kustomize", "busybox"), "busybox", "1.36"),
  row(`${K}quoted-numeric-tag/kustomization.yaml`, locator("kustomize", "postgres"), "postgres", "16"),
  row(`${K}quoted-numeric-tag/kustomization.yaml`, locator("kustomize", "docker.io/library/nginx"), "nginx", "1.27"),
  row(`${K}name-only-no-tag/kustomization.yml`, locator("kustomize", "traefik"), "traefik", null),
  row(`${K}capital-name/Kustomization`, locator("kustomize", "quay.io/argoproj/argocd"), "quay.io/argoproj/argocd", "v2.11.3"),
  row(`${K}capital-name/Kustomization`, locator("kustomize", "ghcr.io/dexidp/dex"), "ghcr.io/dexidp/dex", "v2.38.0"),
  row(
    `${K}many-images-comments/kustomization.yaml`,
    locator("kustomize", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web"),
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web",
    "2024.06.03-1a2b3c4",
  ),
  row(
    `${K}many-images-comments/kustomization.yaml`,
    locator("kustomize", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api"),
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api",
    "2024.06.01-9f8e7d6",
  ),
  row(
    `${K}many-images-comments/kustomization.yaml`,
    locator("kustomize", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/worker", { kustomizeImageName: "worker" }),
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/worker",
    "2024.05.28-0a0b0c0",
  ),
  row(`${K}components/kustomization.yaml`, locator("kustomize", "grafana/grafana"), "grafana/grafana", "11.0.0"),
  row(
    `${K}helm-charts-and-images/kustomization.yaml`,
    locator("kustomize", "quay.io/jetstack/cert-manager-webhook"),
    "quay.io/jetstack/cert-manager-webhook",
    "v1.15.1",
  ),
  row(`${K}bom-crlf/kustomization.yaml`, locator("kustomize", "mcr.microsoft.com/dotnet/aspnet"), "mcr.microsoft.com/dotnet/aspnet", "8.0"),
  row(`${K}no-trailing-newline/kustomization.yaml`, locator("kustomize", "ghcr.io/acme/orders"), "ghcr.io/acme/orders", "3.4.5"),
  row(`${K}no-images/kustomization.yaml`, locator("kustomize", "nginx", { createIfMissing: true }), "nginx", null, null, 0),
  row(
    `${K}crlf-no-images/kustomization.yaml`,
    locator("kustomize", "nginx", { createIfMissing: true, kustomizeImageName: "web" }),
    "nginx",
    null,
    null,
    0,
  ),

  row(`${H}bitnami-nginx.values.yaml`, locator("helm", "bitnami/nginx"), "docker.io/bitnami/nginx", "1.27.0-debian-12-r3"),
  row(
    `${H}bitnami-nginx.values.yaml`,
    locator("helm", "bitnami/git", {
      helm: { imageName: "cloneStaticSiteFromGit.image.repository", imageTag: "cloneStaticSiteFromGit.image.tag" },
    }),
    "docker.io/bitnami/git",
    "2.45.2-debian-12-r0",
  ),
  row(`${H}bitnami-redis.values.yaml`, locator("helm", "docker.io/bitnami/redis"), "docker.io/bitnami/redis", "7.2.5-debian-12-r2", D),
  row(`${H}bitnami-postgresql.values.yaml`, locator("helm", "bitnami/postgresql"), "docker.io/bitnami/postgresql", "16.3.0-debian-12-r14"),
  row(`${H}bitnami-postgresql.values.yaml`, locator("helm", "bitnami/os-shell"), "docker.io/bitnami/os-shell", "12-debian-12-r24"),
  row(
    `${H}ingress-nginx.values.yaml`,
    locator("helm", "registry.k8s.io/ingress-nginx/controller"),
    "registry.k8s.io/ingress-nginx/controller",
    "v1.10.1",
    D,
  ),
  row(
    `${H}ingress-nginx.values.yaml`,
    locator("helm", "registry.k8s.io/defaultbackend-amd64"),
    "registry.k8s.io/defaultbackend-amd64",
    "1.5",
  ),
  row(
    `${H}kube-prometheus-stack.values.yaml`,
    locator("helm", "quay.io/prometheus/prometheus"),
    "quay.io/prometheus/prometheus",
    "v2.53.0",
  ),
  row(
    `${H}kube-prometheus-stack.values.yaml`,
    locator("helm", "quay.io/prometheus-operator/prometheus-operator"),
    "quay.io/prometheus-operator/prometheus-operator",
    null,
  ),
  row(
    `${H}cert-manager.values.yaml`,
    locator("helm", "quay.io/jetstack/cert-manager-controller"),
    "quay.io/jetstack/cert-manager-controller",
    "v1.15.1",
  ),
  row(
    `${H}cert-manager.values.yaml`,
    locator("helm", "quay.io/jetstack/cert-manager-cainjector", {
      helm: { imageName: "cainjector.image.repository", imageTag: "cainjector.image.tag" },
    }),
    "quay.io/jetstack/cert-manager-cainjector",
    "v1.15.1",
  ),
  row(`${H}argo-cd.values.yaml`, locator("helm", "quay.io/argoproj/argocd"), "quay.io/argoproj/argocd", "v2.11.3"),
  row(
    `${H}argo-cd.values.yaml`,
    locator("helm", "public.ecr.aws/docker/library/redis"),
    "public.ecr.aws/docker/library/redis",
    "7.2.4-alpine",
  ),
  row(`${H}grafana.values.yaml`, locator("helm", "grafana/grafana"), "docker.io/grafana/grafana", "11.1.0"),
  row(`${H}grafana.values.yaml`, locator("helm", "quay.io/kiwigrid/k8s-sidecar"), "quay.io/kiwigrid/k8s-sidecar", "1.27.4"),
  row(
    `${H}image-spec-string.values.yaml`,
    locator("helm", "ghcr.io/acme/orders", { helm: { imageSpec: "app.image" } }),
    "ghcr.io/acme/orders",
    "4.2.0",
  ),
  row(`${H}image-spec-string.values.yaml`, locator("helm", "envoyproxy/envoy"), "docker.io/envoyproxy/envoy", "v1.30.2"),
  row(
    `${H}images-list.values.yaml`,
    locator("helm", "ghcr.io/acme/worker", { helm: { imageName: "images[1].repository", imageTag: "images[1].tag" } }),
    "ghcr.io/acme/worker",
    "1.10",
  ),
  row(`${H}images-list.values.yaml`, locator("helm", "ghcr.io/acme/api"), "ghcr.io/acme/api", "1.9.0"),
  row(
    `${H}anchors.values.yaml`,
    locator("helm", "ghcr.io/acme/platform-api", { helm: { imageName: "api.image.repository", imageTag: "api.image.tag" } }),
    "ghcr.io/acme/platform-api",
    "3.8.1",
  ),
  row(`${H}numeric-quoted-tags.values.yaml`, locator("helm", "postgres"), "postgres", "16"),
  row(`${H}numeric-quoted-tags.values.yaml`, locator("helm", "memcached"), "memcached", "1.6"),
  row(`${H}numeric-quoted-tags.values.yaml`, locator("helm", "busybox"), "busybox", "1.36.1"),
  row(
    `${H}app-image-nested.values.yaml`,
    locator("helm", "registry.gitlab.com/acme/storefront", { helm: { imageName: "app.image.repository", imageTag: "app.image.tag" } }),
    "registry.gitlab.com/acme/storefront",
    "release-2024-06-10",
  ),
  row(`${H}empty-tag.values.yaml`, locator("helm", "ghcr.io/stefanprodan/podinfo"), "ghcr.io/stefanprodan/podinfo", null),
  row(`${H}crlf.values.yaml`, locator("helm", "mariadb"), "docker.io/library/mariadb", "11.4"),
  row(`${H}bom-no-newline.values.yaml`, locator("helm", "quay.io/keycloak/keycloak"), "quay.io/keycloak/keycloak", "25.0.1"),
  row(`${H}tag-with-digest.values.yaml`, locator("helm", "ghcr.io/acme/payments"), "ghcr.io/acme/payments", "2.3.4", D),
  row(
    `${H}loki-single-binary.values.yaml`,
    locator("helm", "nginxinc/nginx-unprivileged"),
    "docker.io/nginxinc/nginx-unprivileged",
    "1.27-alpine",
  ),

  row(`${M}deployment.yaml`, locator("manifest", "docker.io/nginxinc/nginx-unprivileged"), "nginxinc/nginx-unprivileged", "1.27.0-alpine"),
  row(`${M}deployment-init-and-sidecar.yaml`, locator("manifest", "ghcr.io/acme/api"), "ghcr.io/acme/api", "1.9.0", null, 2),
  row(`${M}deployment-init-and-sidecar.yaml`, locator("manifest", "envoyproxy/envoy"), "docker.io/envoyproxy/envoy", "v1.30.2"),
  row(
    `${M}cronjob.yaml`,
    locator("manifest", "123456789012.dkr.ecr.us-east-1.amazonaws.com/reports/nightly"),
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/reports/nightly",
    "2024.06.10",
  ),
  row(`${M}multi-doc.yaml`, locator("manifest", "redis"), "redis", "7.2.5-alpine", null, 2),
  row(`${M}multi-doc.yaml`, locator("manifest", "oliver006/redis_exporter"), "oliver006/redis_exporter", "v1.61.0"),
  row(`${M}daemonset.yaml`, locator("manifest", "quay.io/prometheus/node-exporter"), "quay.io/prometheus/node-exporter", "v1.8.1"),
  row(`${M}job-digest.yaml`, locator("manifest", "ghcr.io/acme/migrations"), "ghcr.io/acme/migrations", "5.0.1", D),
  row(`${M}pod.yaml`, locator("manifest", "busybox"), "busybox", "1.36"),
  row(`${M}rollout.yaml`, locator("manifest", "asia.gcr.io/proj/checkout"), "asia.gcr.io/proj/checkout", "v3.2.0"),
  row(`${M}crlf-deployment.yaml`, locator("manifest", "traefik/whoami"), "traefik/whoami", "v1.10.2"),
  row(`${M}bom-no-newline.yaml`, locator("manifest", "ghcr.io/stefanprodan/podinfo"), "ghcr.io/stefanprodan/podinfo", "6.7.0"),
  row(`${M}list-kind.yaml`, locator("manifest", "mailhog/mailhog"), "mailhog/mailhog", "v1.0.1"),
  row(
    `${M}statefulset-registry-port.yaml`,
    locator("manifest", "registry.acme.internal:5000/mirror/minio"),
    "registry.acme.internal:5000/mirror/minio",
    "RELEASE.2024-06-06T09-36-42Z",
  ),
  row(`${M}ephemeral-and-anchor.yaml`, locator("manifest", "nicolaka/netshoot"), "docker.io/nicolaka/netshoot", "v0.13", null, 2),

  row(
    `${A}kustomize-images.yaml`,
    locator("application", "asia.gcr.io/proj/app", { appName: "shop-prod" }),
    "asia.gcr.io/proj/app",
    "v2.14.1",
  ),
  row(`${A}kustomize-images.yaml`, locator("application", "redis"), "redis", "7.2.5"),
  row(
    `${A}helm-parameters.yaml`,
    locator("application", "ghcr.io/stefanprodan/podinfo", { appName: "podinfo" }),
    "ghcr.io/stefanprodan/podinfo",
    "6.7.0",
  ),
  row(
    `${A}helm-values-object.yaml`,
    locator("application", "grafana/grafana", { appName: "grafana" }),
    "docker.io/grafana/grafana",
    "11.1.0",
  ),
  row(`${A}multi-source.yaml`, locator("application", "bitnami/nginx", { appName: "nginx" }), "bitnami/nginx", "1.27.0-debian-12-r3"),
  row(
    `${A}app-of-apps.yaml`,
    locator("application", "ghcr.io/acme/billing-api", { appName: "billing" }),
    "ghcr.io/acme/billing-api",
    "1.0.3",
  ),
  row(`${A}kustomize-digest.yaml`, locator("application", "traefik", { appName: "edge" }), "docker.io/library/traefik", "v3.0.3", D),
  row(
    `${A}crlf-helm.yaml`,
    locator("application", "bitnami/keycloak", { helm: { imageName: "image.repository", imageTag: "image.tag" } }),
    "bitnami/keycloak",
    "25.0",
  ),

  row(`${S}.argocd-source-shop-prod.yaml`, locator("argocd-source", "asia.gcr.io/proj/app"), "asia.gcr.io/proj/app", "v2.14.1"),
  row(`${S}.argocd-source-podinfo.yaml`, locator("argocd-source", "ghcr.io/stefanprodan/podinfo"), "ghcr.io/stefanprodan/podinfo", "6.7.0"),
  row(`${S}.argocd-source-multi.yaml`, locator("argocd-source", "nginx"), "nginx", "1.27.0"),
  row(
    `${S}.argocd-source-spec.yaml`,
    locator("argocd-source", "ghcr.io/acme/orders", { helm: { imageSpec: "app.image" } }),
    "ghcr.io/acme/orders",
    "4.2.0",
    D,
  ),
  row(
    `${S}.argocd-source-hand-edited.yaml`,
    locator("argocd-source", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api"),
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api",
    "2024.06.01-9f8e7d6",
  ),
];

function listFixtures(dir = FIXTURES, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === ".gitattributes") return [];
    return statSync(`${dir}${name}`).isDirectory() ? listFixtures(`${dir}${name}/`, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

/** Tags that stress quoting: numbers, booleans, nulls and octal/hex/exponent look-alikes. */
const tagArb = fc.oneof(
  fc.constantFrom(
    "1.27",
    "10",
    "1.10",
    "true",
    "no",
    "null",
    "1e3",
    "0x1F",
    "0o17",
    "1_000",
    "0b1010",
    "On",
    "Y",
    "NULL",
    "1.",
    "v1.28.0",
    "latest",
    "2024.06.11-7c8d9e0",
  ),
  fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/),
);
const digestArb = fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`);

describe("fixtures", () => {
  it("has at least 50 real-world-shaped files, each read by the table", () => {
    const files = listFixtures();
    expect(files.length).toBeGreaterThanOrEqual(50);
    const covered = new Set(ROWS.map((each) => each.file));
    expect(files.filter((file) => !covered.has(file))).toEqual([]);
  });

  it.each(ROWS.map((each) => [`${each.file} ${each.at.kind} ${each.at.image.repository}`, each] as const))(
    "reads %s",
    (_, { file, at, expected }) => {
      const found = readImage(fixture(file), file, at);
      if (expected.occurrences === 0) {
        expect(found).toBeNull();
        return;
      }
      expect(found && { name: found.name, tag: found.tag, digest: found.digest, occurrences: found.occurrences }).toEqual(expected);
    },
  );

  it.each(ROWS.map((each) => [`${each.file} ${each.at.image.repository}`, each] as const))(
    "keeps the laws on %s",
    (_, { file, at, expected }) => {
      const original = fixture(file);
      fc.assert(
        fc.property(tagArb, digestArb, fc.boolean(), (tag, digest, withDigest) => {
          // Keep the file's shape (digest or not) for the splice law; creation is covered by unit tests.
          const to =
            expected.occurrences === 0
              ? { tag, digest: null }
              : { tag, digest: expected.digest !== null || (withDigest && at.kind !== "kustomize" && at.kind !== "helm") ? digest : null };
          const creating = expected.occurrences === 0;
          const target = creating ? { ...at, createIfMissing: true } : at;
          const once = writeImage(original, file, target, to);
          const found = readImage(once, file, target);
          expect(found && { tag: found.tag, digest: found.digest }).toEqual(to);
          expect(writeImage(once, file, target, to)).toBe(once);
          if (!creating && expected.tag !== null) expectOnlySpansChanged(original, once, file, at);
          // What the file already says changes nothing.
          expect(writeImage(once, file, target, { tag: found?.tag ?? null, digest: found?.digest ?? null })).toBe(once);
        }),
        { numRuns: 40 },
      );
    },
  );

  it.each(ROWS.filter((each) => each.expected.tag !== null).map((each) => [each.file, each] as const))(
    "writing the value already in %s returns the same string",
    (file, { at, expected }) => {
      const original = fixture(file);
      expect(writeImage(original, file, at, { tag: expected.tag, digest: expected.digest })).toBe(original);
    },
  );
});
