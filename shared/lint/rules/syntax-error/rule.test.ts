import { test } from "node:test";
import assert from "node:assert/strict";
import { lintErrors, lintOk } from "../../testing.ts";

test("syntax-error: flags the rejected token at its exact position, after non-ASCII text", async () => {
  const findings = await lintErrors("syntax-error", {
    "001_init.sql": "-- café 📚\ncreate table if not exists a (id int);\nalter tabel a add column b int;\nselect 1;\n",
  });
  assert.equal(findings.length, 1);
  assert.deepEqual(
    { file: findings[0].file, range: findings[0].range, severity: findings[0].severity, message: findings[0].message },
    {
      file: "scripts/001_init.sql",
      range: { line: 3, column: 7, endLine: 3, endColumn: 32 },
      severity: "error",
      message: 'syntax error at or near "tabel"',
    },
  );
});

test("syntax-error: one finding per broken statement; valid SQL is silent", async () => {
  const findings = await lintErrors("syntax-error", { "001_x.sql": "selec 1;\nselect 2;\ncreat table x();\n" });
  assert.deepEqual(findings.map((f) => f.range.line), [1, 3]);
  await lintOk("syntax-error", { "001_x.sql": "create table if not exists x (id int);\n-- done\n" });
});

const brief = (f: { file: string; range: { line: number; column: number }; message: string }) => `${f.range.line}:${f.range.column} ${f.message}`;

test("syntax-error: an error in a PL/pgSQL body, at its token in the file (dollar-quoted, after non-ASCII text)", async () => {
  const findings = await lintErrors("syntax-error", {
    "001_fn.sql": "-- café 📚\ncreate or replace function public.touch() returns trigger\nlanguage plpgsql\nas $$\nbegin\n" +
      "  -- 📚 a comment; with a semicolon\n  new.updated_at := now();\n  retrun new;\nend;\n$$;\n",
  });
  assert.deepEqual(findings.map((f) => [f.file, f.range, f.severity, f.message]), [[
    "scripts/001_fn.sql",
    { line: 8, column: 3, endLine: 8, endColumn: 14 },
    "error",
    'syntax error in the body of function public.touch: syntax error at or near "retrun"',
  ]]);
  assert.match(findings[0].help!, /check_function_bodies/);
});

test("syntax-error: SQL inside PL/pgSQL, PL/pgSQL's own checks, a missing END, and DO blocks", async () => {
  const findings = await lintErrors("syntax-error", {
    "001_x.sql": [
      "create or replace function public.a() returns int language plpgsql as $$",
      "begin",
      "  select 1 frm public.t;",
      "  return 1;",
      "end $$;",
      "create or replace function public.b() returns void language plpgsql as $$ begin total := 1; end $$;",
      "create or replace function public.c() returns void language plpgsql as $$",
      "begin",
      "  if true then",
      "    null;",
      "  end if;",
      "$$;",
      "do $$ begin raise notic 'x'; end $$;",
      "do $$",
      "begin",
      "  update public.t set a = 1 where id = ;",
      "end",
      "$$;",
      "create or replace function public.d() returns int language plpgsql as $$ begin if 1 > then return 1; end if; end $$;",
      "",
    ].join("\n"),
  });
  assert.deepEqual(findings.map(brief), [
    '3:16 syntax error in the body of function public.a: syntax error at or near "public"',
    '6:81 syntax error in the body of function public.b: "total" is not a known variable',
    "12:1 syntax error in the body of function public.c: syntax error at end of input",
    '13:19 syntax error in the DO block: unrecognized exception condition "notic"',
    "16:39 syntax error in the DO block: syntax error at end of input",
    "19:86 syntax error in the body of function public.d: syntax error at end of input",
  ]);
  assert.match(findings[3].help!, /compiles a DO block/);
});

test("syntax-error: a single-quoted body maps its doubled quotes back to the file's columns", async () => {
  const findings = await lintErrors("syntax-error", {
    "001_q.sql": "create or replace function public.q() returns text language plpgsql as 'begin\n  return ''it''''s'' ''a'';\nend';\n",
  });
  assert.deepEqual(findings.map(brief), [`2:22 syntax error in the body of function public.q: syntax error at or near "'a'"`]);
});

test("syntax-error: a language sql body (string or dollar-quoted), several statements; BEGIN ATOMIC is parsed with the statement", async () => {
  const findings = await lintErrors("syntax-error", {
    "001_s.sql": "create or replace function public.s() returns int language sql as $$\n  select 1;\n  selec 2;\n$$;\n" +
      "create or replace procedure public.p() language sql as 'insert into public.t values (''x'') retuning id';\n" +
      "create or replace function public.b() returns int language sql begin atomic select 1 frm t; end;\n",
  });
  assert.deepEqual(findings.map(brief), [
    '3:3 syntax error in the body of function public.s: syntax error at or near "selec"',
    '5:93 syntax error in the body of procedure public.p: syntax error at or near "retuning"',
    '6:90 syntax error at or near "t"',
  ]);
});

test("syntax-error: valid bodies are silent (triggers, OUT and TABLE results, cursors, handlers, labels, dynamic SQL, procedures, other languages)", async () => {
  await lintOk("syntax-error", {
    "001_ok.sql": [
      "create or replace function public.handle_new_user() returns trigger language plpgsql security definer set search_path = '' as $$",
      "begin",
      "  insert into public.profiles (id, full_name) values (new.id, new.raw_user_meta_data->>'full_name');",
      "  if tg_op = 'DELETE' then return old; end if;",
      "  return new;",
      "end;",
      "$$;",
      "create or replace function public.o(out a int, out b text) language plpgsql as $$ begin a := 1; b := 'x'; end $$;",
      "create or replace function public.tb(p int) returns table (id int, name text) language plpgsql as $$",
      "begin return query select 1, 'a'::text; id := 2; return next; end $$;",
      "create or replace function public.st() returns setof public.t language plpgsql as $$",
      "declare r public.t%rowtype; begin for r in select * from public.t loop return next r; end loop; return; end $$;",
      "create or replace function public.cu() returns void language plpgsql as $$",
      "declare c refcursor; v int; m text;",
      "begin open c for select 1; fetch c into v; close c;",
      "exception when division_by_zero then get stacked diagnostics m = message_text; raise notice '%', m; when others then raise;",
      "end $$;",
      "create or replace function public.lb() returns int language plpgsql as $$ <<o>> declare x int := 1; begin <<i>> declare x int := 2;",
      "begin return o.x + i.x; end i; end o $$;",
      "create or replace function public.ex(tbl text) returns bigint language plpgsql as $$",
      "declare n bigint; begin execute format('select count(*) from %I', tbl) into n; return n; end $$;",
      "create or replace procedure public.pr() language plpgsql as $$ begin insert into public.t values (1); commit; end $$;",
      "create or replace function public.q() returns text language plpgsql as 'begin return ''it''''s''; end';",
      "create or replace function public.s() returns int language sql as $$ select 1; select 2 $$;",
      "create or replace function public.b() returns int language sql begin atomic select 1; end;",
      "create or replace function public.r() returns int language sql return 1;",
      "create or replace function public.v() returns int language plv8 as $$ retrun 1 $$;",
      "create or replace function public.c() returns int language c as 'lib', 'sym';",
      "do language plv8 $$ this is not plpgsql $$;",
      "do $$ begin if not exists (select 1 from pg_type where typname = 'mood') then create type public.mood as enum ('a'); end if; end $$;",
      "",
    ].join("\n"),
  });
});

test("syntax-error: placeholders in a body are no errors, nor is an error in the part of the body that holds one", async () => {
  await lintOk("syntax-error", {
    "001_p.sql": "create or replace function public.admin() returns text language plpgsql as $$\n" +
      "begin\n  perform ${schema}.setup();\n  ${extra_statement};\n  return '${admin_email}';\nend $$;\n" +
      "create or replace function public.n() returns int language sql as $$ select ${n} $$;\n",
  });
  const findings = await lintErrors("syntax-error", {
    "001_p.sql": "do $$\nbegin\n  perform ${schema}.setup();\n  retrun 1;\nend $$;\n",
  });
  assert.deepEqual(findings.map(brief), ['4:3 syntax error in the DO block: syntax error at or near "retrun"']);
});

test("syntax-error: with check_function_bodies off (as supabase db dump writes), a broken body is still reported, with why", async () => {
  const findings = await lintErrors("syntax-error", {
    "001_dump.sql": "SET check_function_bodies = false;\n" +
      "create or replace function public.f() returns int language plpgsql as $$ begin retrun 1; end $$;\n" +
      "do $$ begin retrun; end $$;\n",
  });
  assert.deepEqual(findings.map((f) => [f.range.line, /turns check_function_bodies off/.test(f.help!)]), [[2, true], [3, false]]);
});

test("syntax-error: one broken body among many functions is found (they are compiled together) and the others stay silent", async () => {
  const functions = Array.from({ length: 120 }, (_, i) =>
    `create or replace function public.f${i}() returns int language plpgsql as $$ begin ${i === 77 ? "retrun" : "return"} ${i}; end $$;`);
  const findings = await lintErrors("syntax-error", { "001_many.sql": functions.join("\n") + "\n" });
  assert.deepEqual(findings.map(brief), ['78:82 syntax error in the body of function public.f77: syntax error at or near "retrun"']);
});
