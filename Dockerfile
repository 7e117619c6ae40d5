# syntax=docker/dockerfile:1
# argocd-image-pr: the CLI (`plan`, `tags`) today; the Probot app runs from the same image.
# Built on Node 20 (package.json engines: ^20.18.1 || >=22, as probot 14), Debian bookworm like the development machines.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds from src/, which is not copied yet.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json \
 && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# git: `plan --repo` reads the checkout's origin; ca-certificates: HTTPS to registries and GitHub.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json app.yml ./
COPY bin ./bin
USER node
ENTRYPOINT ["node", "/app/bin/argocd-image-pr.js"]
CMD ["--help"]
