/** Provenance sent with an apply or rollback: git commit, CI run URL and who ran it. */
import { spawnSync } from "node:child_process";
import { userInfo } from "node:os";
import type { ApplyMeta } from "../shared/protocol/types.ts";

export function runMeta(env: NodeJS.ProcessEnv = process.env): ApplyMeta {
  const ciRun = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
    ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : null;
  return { gitSha: env.GITHUB_SHA || gitHead(), ciRun, actor: env.GITHUB_ACTOR || osUser() };
}

function gitHead(): string | null {
  const result = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 });
  const sha = result.status === 0 ? result.stdout.trim() : "";
  return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
}

function osUser(): string | null {
  try {
    return userInfo().username || null;
  } catch {
    return null;
  }
}
