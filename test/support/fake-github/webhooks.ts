/** Webhook deliveries as GitHub signs them (X-Hub-Signature-256: HMAC-SHA256 of the body with the app's secret). */
import { createHmac, randomUUID } from "node:crypto";
import type { FakeGitHub } from "./server.js";

export function signedWebhook(
  fake: Pick<FakeGitHub, "webhookSecret">,
  event: string,
  payload: object,
): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", fake.webhookSecret).update(body).digest("hex")}`;
  return {
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/fake",
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
      "x-github-hook-id": "1",
      "x-github-hook-installation-target-type": "integration",
      "x-hub-signature-256": signature,
    },
    body,
  };
}
