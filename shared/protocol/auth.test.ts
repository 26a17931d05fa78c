import { test } from "node:test";
import assert from "node:assert/strict";
import { bearerToken, generateToken, tokensMatch } from "./auth.ts";

test("bearerToken reads only a well-formed Bearer header", () => {
  assert.equal(bearerToken("Bearer abc.DEF-_~+/="), "abc.DEF-_~+/=");
  assert.equal(bearerToken("bearer abc"), "abc");
  assert.equal(bearerToken(null), null);
  assert.equal(bearerToken("Basic abc"), null);
  assert.equal(bearerToken("Bearer"), null);
  assert.equal(bearerToken("Bearer a b"), null);
  assert.equal(bearerToken("Bearerabc"), null);
});

test("tokensMatch: equal only when identical, whatever the lengths", async () => {
  const token = generateToken();
  assert.equal(await tokensMatch(token, token), true);
  assert.equal(await tokensMatch(token.slice(0, -1), token), false);
  assert.equal(await tokensMatch(token + "x", token), false);
  assert.equal(await tokensMatch("", token), false);
  assert.equal(await tokensMatch(token.toUpperCase(), token.toLowerCase()), false);
});

test("generateToken: 43 base64url characters, different each time", () => {
  const a = generateToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, generateToken());
});
