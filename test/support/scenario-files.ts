/**
 * The files of the GitHub scenarios' GitOps repository: an Application kept in the repo and its
 * kustomization. Plain text builders, free of Vitest, so that the scripts (bench:app) use them too.
 */

export function application(name: string, repo: string, path: string, image: string, constraint: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
  annotations:
    argocd-image-updater.argoproj.io/image-list: web=${image}:${constraint}
    argocd-image-updater.argoproj.io/write-back-method: git
spec:
  project: default
  source:
    repoURL: https://github.com/${repo}.git
    targetRevision: HEAD
    path: ${path}
  destination:
    server: https://kubernetes.default.svc
    namespace: web
`;
}

export function kustomization(image: string, tag: string, extra = ""): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
${extra}images:
  - name: ${image}
    newTag: "${tag}" # kept current by argocd-image-pr
`;
}
