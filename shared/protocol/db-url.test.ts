import { test } from "node:test";
import assert from "node:assert/strict";
import { checkDbUrl, dbUrlSecrets, redactDbUrl, scrubSecrets } from "./db-url.ts";

const problem = (url: string) => {
  const checked = checkDbUrl(url);
  return checked.ok ? null : checked.problem;
};

test("checkDbUrl accepts what Supabase hands out and what postgres.js reads as meant", () => {
  for (const url of [
    "postgresql://postgres:plain123@db.abcdefghijklmnop.supabase.co:5432/postgres",
    "postgres://postgres.abcdefghijklmnop:p%23ss%40w%2Frd@aws-0-eu-central-1.pooler.supabase.com:5432/postgres?sslmode=require",
    "postgresql://postgres:pa:ss@127.0.0.1:5432/db",
    "postgres://postgres@127.0.0.1:5432/postgres",
    "postgresql:///postgres",
    "postgresql://[::1]:5432/db",
    "postgresql://u:p@a:5432,b:5433/db",
    "postgresql://u:p@h/db?application_name=a@b",
  ]) assert.equal(problem(url), null, url);
});

test("checkDbUrl: a malformed URL is described, never quoted", () => {
  const password = "S3cretPw";
  const cases: Array<[string, RegExp]> = [
    [`postgresql://postgres:${password}#x1@db.example.com:5432/postgres`, /'#' → %23.*percent-encode/],
    [`postgresql://postgres:${password}/x1@db.example.com:5432/postgres`, /'\/' → %2F/],
    [`postgresql://postgres:${password}?x1@db.example.com:5432/postgres`, /'\?' → %3F/],
    [`postgresql://postgres:${password}@x1@db.example.com:5432/postgres`, /'@' → %40/],
    [`postgresql://postgres:${password}@db.example.com:54x2/postgres`, /port that is not a number from 1 to 65535/],
    [`postgresql://postgres:${password}@db.example.com:99999/postgres`, /port that is not a number/],
    [`postgresql://postgres:${password}%zz@db.example.com/postgres`, /'%' .* %25/],
    [`mysql://root:${password}@db.example.com/x`, /does not start with postgresql:\/\//],
    [`postgresql://postgres:${password}@/postgres`, /is not a valid URL/],
  ];
  for (const [url, expected] of cases) {
    const text = problem(url);
    assert.ok(text !== null, url);
    assert.match(text, expected, url);
    assert.ok(!text.includes(password) && !text.includes("x1@"), `${url}: ${text}`);
  }
});

test("redactDbUrl hides the password and the query string", () => {
  assert.equal(redactDbUrl("postgresql://postgres:S3cret@db.x.supabase.co:5432/postgres?password=S3cret"), "postgresql://postgres:***@db.x.supabase.co:5432/postgres?…");
  assert.equal(redactDbUrl("postgresql://postgres:S3c#ret@h:5432/db"), "postgresql://postgres:***@h:5432/db");
  assert.equal(redactDbUrl("postgres://postgres@127.0.0.1:1/x"), "postgres://postgres@127.0.0.1:1/x");
  assert.equal(redactDbUrl("not a url S3cret"), "(a database URL)");
});

test("dbUrlSecrets + scrubSecrets blank the password in any form a mis-parse or an error could show", () => {
  const url = "postgresql://postgres:Hq2Lr8Xv#5Tn1@Wz9k@db.example.com:5432/postgres?password=Other9secret";
  const secrets = dbUrlSecrets(url);
  const log = `TypeError: Invalid URL: '${url}' port Hq2Lr8Xv host 5Tn1@Wz9k ${encodeURIComponent("Hq2Lr8Xv#5Tn1@Wz9k")} Other9secret`;
  const clean = scrubSecrets(log, secrets);
  for (const piece of ["Hq2Lr8Xv", "5Tn1", "Wz9k", "Other9secret"]) assert.ok(!clean.includes(piece), clean);
  assert.match(clean, /^TypeError: Invalid URL: '\*\*\*'/);
});
