// Function bodies and DO blocks against the real server: for every statement below, PostgreSQL 15 (with
// check_function_bodies on, its default) and the linter agree on whether the statement is rejected, and the
// syntax-error finding is where PostgreSQL's error position points. The corpus holds bodies PostgreSQL accepts
// (they must stay silent) and bodies it rejects: typos, SQL errors inside PL/pgSQL, PL/pgSQL's own checks
// (unknown variables, RAISE parameters, RETURN in void functions, labels), missing END / LOOP / THEN,
// single-quoted bodies with doubled quotes, language sql bodies and DO blocks.
// Not in it: what libpg-query cannot know without a catalog (a RETURN without a value in a function returning
// int is accepted offline; PostgreSQL rejects it), which the linter misses and never reports wrongly.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import postgres from "postgres";
import { type PostgresServer, startPostgres } from "../../../../test/support/postgres.ts";
import { offsetOfCodePoint, TextIndex } from "../../../sql/index.ts";
import { lintFixture } from "../../testing.ts";

const TABLES = "create table if not exists public.t (id int primary key, a int, name text);\n" +
  "create table if not exists public.profiles (id uuid primary key, full_name text, avatar_url text);";

const CORPUS: readonly string[] = [
  "create or replace function public.handle_new_user() returns trigger language plpgsql security definer set search_path = '' as $$\nbegin\n  insert into public.profiles (id, full_name, avatar_url)\n  values (new.id, new.raw_user_meta_data->>'full_name', new.raw_user_meta_data->>'avatar_url');\n  return new;\nend;\n$$;",
  "create or replace function public.ev() returns event_trigger language plpgsql as $$ begin raise notice '% %', tg_event, tg_tag; end $$;",
  "create or replace function public.o1(out a int, out b text) language plpgsql as $$ begin a := 1; b := 'x'; end $$;",
  "create or replace function public.tb(p int) returns table (id int, name text) language plpgsql as $$ begin return query select 1, 'a'::text; id := 2; name := 'b'; return next; end $$;",
  "create or replace function public.st() returns setof public.t language plpgsql as $$ declare r public.t%rowtype; begin for r in select * from public.t loop return next r; end loop; return; end $$;",
  "create or replace function public.al(a int) returns int language plpgsql as $$ declare x alias for $1; begin return x; end $$;",
  "create or replace function public.cu() returns void language plpgsql as $$ declare c refcursor; v int; begin open c for select 1; fetch c into v; close c; end $$;",
  "create or replace function public.fe(arr int[]) returns int language plpgsql as $$ declare x int; s int := 0; begin foreach x in array arr loop s := s + x; end loop; return s; end $$;",
  "create or replace function public.gd() returns void language plpgsql as $$ declare m text; d text; begin perform 1/0; exception when division_by_zero then get stacked diagnostics m = message_text, d = pg_exception_detail; raise notice '%', m; end $$;",
  "create or replace function public.cs(x int) returns text language plpgsql as $$ begin case x when 1 then return 'a'; when 2 then return 'b'; else return 'c'; end case; end $$;",
  "create or replace function public.re() returns void language plpgsql as $$ begin raise exception using message = 'x', errcode = '22000', hint = 'h'; exception when others then raise; end $$;",
  "create or replace function public.rs() returns void language plpgsql as $$ begin raise sqlstate '22012'; end $$;",
  "create or replace function public.ex(tbl text) returns bigint language plpgsql as $$ declare n bigint; begin execute format('select count(*) from %I', tbl) into n; return n; end $$;",
  "create or replace function public.ins() returns int language plpgsql as $$ declare v_id int; begin insert into public.t (id, a) values (1, 1) returning id into v_id; return v_id; end $$;",
  "create or replace function public.rqe() returns setof int language plpgsql as $$ begin return query execute 'select 1'; end $$;",
  "create or replace function public.vc(id int) returns int language plpgsql as $$ #variable_conflict use_column\nbegin return (select t.id from public.t where t.id = vc.id); end $$;",
  "create or replace function public.dc() returns int language plpgsql as $$ declare x int := 1; y constant text := 'a'; z int not null default 0; begin return x + z; end $$;",
  "create or replace function public.lb() returns int language plpgsql as $$ <<o>> declare x int := 1; begin <<i>> declare x int := 2; begin return o.x + i.x; end i; end o $$;",
  "create or replace function public.gdi() returns int language plpgsql as $$ declare n int; begin update public.t set a = 1; get diagnostics n = row_count; if found then return n; elsif n > 1 then return 0; else return -1; end if; end $$;",
  "create or replace function public.rec() returns void language plpgsql as $$ declare r record; begin select * into r from public.t limit 1; end $$;",
  "create or replace procedure public.pr() language plpgsql as $$ begin insert into public.t values (1); commit; end $$;",
  "create or replace function public.poly(a anyelement) returns anyelement language plpgsql as $$ begin return a; end $$;",
  "create or replace function public.vari(variadic a int[]) returns int language plpgsql as $$ begin return array_length(a, 1); end $$;",
  "create or replace function public.lp() returns int language plpgsql as $$ declare i int; begin for i in 1..10 loop continue when i = 2; exit when i = 5; end loop; for i in reverse 10..1 by 2 loop null; end loop; while true loop exit; end loop; return 1; end $$;",
  "create or replace function public.tg() returns trigger language plpgsql as $$ begin if tg_op = 'DELETE' then return old; end if; new.a := 1; return new; end $$;",
  "create or replace function public.js() returns jsonb language plpgsql stable as $$ begin return jsonb_build_object('a', (select count(*) from public.t)); end $$;",
  "create or replace function public.asr() returns void language plpgsql as $$ begin assert true; perform pg_notify('c', 'x'); end $$;",
  "create or replace function public.au() returns boolean language plpgsql as $$ begin return exists (select 1 from auth.users where id = auth.uid()); end $$;",
  "do $$ declare r record; begin for r in select tablename from pg_tables where schemaname = 'nothing' loop execute format('alter table %I enable row level security', r.tablename); end loop; end $$;",
  "do language plpgsql $$ begin null; end $$;",
  "create or replace function public.q1() returns text language plpgsql as 'begin return ''it''''s''; end';",
  "create or replace function public.sq() returns int language sql as $$ select 1 $$;",
  "create or replace function public.sq2() returns int language sql as 'select id from public.t; select 2';",
  "create or replace function public.sqa() returns int language sql begin atomic select 1; end;",
  "create or replace function public.sp() returns int language plpgsql as $$ begin return 1; end $$ set search_path = public;",
  "create or replace function public.\"MyFn\"(\"X\" int) returns int language plpgsql as $$ begin return \"X\"; end $$;",
  "create or replace function public.ul() returns int as $$ begin return 1; end $$ language 'plpgsql';",
  "create or replace function public.up() returns int language PLPGSQL as $$ begin return 1; end $$;",
  "create or replace function public.cmt() returns int language plpgsql as $$\n-- a comment; with a semicolon\nbegin /* block ; comment */ return 1; end $$;",
  "create or replace function public.nest() returns int language plpgsql as $fn$ begin execute $q$select 1$q$; return 1; end $fn$;",
  "create or replace function public.uni() returns text language plpgsql as $$ begin return 'café 📚'; end $$;",
  "do $$ begin if not exists (select 1 from pg_type where typname = 'mood_x') then create type public.mood_x as enum ('a'); end if; end $$;",
  "create or replace function public.ret() returns void language plpgsql as $$ begin return; end $$;",
  "create or replace function public.strict_into() returns int language plpgsql as $$ declare v int; begin select id into strict v from public.t where id = 1; return v; exception when no_data_found then return 0; end $$;",
  "create or replace function public.b01() returns int language plpgsql as $$\nbegin\n  perform 1;\n  retrun 1;\nend\n$$;",
  "create or replace function public.b02() returns int language plpgsql as $$\nbegin\n  select 1 frm t;\n  return 1;\nend;\n$$;",
  "create or replace function public.b03() returns int language plpgsql as $$\nbegin\n  if true then\n    return 1;\n  end;\nend;\n$$;",
  "create or replace function public.b04() returns int language plpgsql as $$\nbegin\n  return 1\nend;\n$$;",
  "create or replace function public.b05() returns void language plpgsql as $$\nbegin\n  insert into public.t (id) valuse (1);\nend;\n$$;",
  "create or replace function public.b06() returns void language plpgsql as $$\ndeclare\n  v int\nbegin\n  v := 1;\nend;\n$$;",
  "create or replace function public.b07() returns void language plpgsql as $$\nbegin\n  raise notice 'a % %', 1;\nend;\n$$;",
  "create or replace function public.b08() returns void language plpgsql as $$\nbegin\n  foo := 1;\nend;\n$$;",
  "create or replace function public.b09() returns void language plpgsql as $$\nbegin\n  loop\n    exit;\n  end;\nend;\n$$;",
  "create or replace function public.b10() returns int language plpgsql as $$\nbegin\n  return (select count(* from public.t);\nend;\n$$;",
  "create or replace function public.b11() returns void language plpgsql as $$\nbegin\n  update public.t set a = 1 where id = ;\nend;\n$$;",
  "create or replace function public.b12() returns void language plpgsql as $$\nbegin\n  perform 1;\nexception\n  when not_a_condition then null;\nend;\n$$;",
  "create or replace function public.b13() returns void language plpgsql as $$\nbegin\n  delete public.t;\nend;\n$$;",
  "create or replace function public.b14() returns void language plpgsql as $$\nbegin\n  elsif true then null;\nend;\n$$;",
  "create or replace function public.b15() returns int language plpgsql as $$\ndeclare\n  r record;\nbegin\n  for r in select * from public.t\n    return 1;\n  end loop;\nend;\n$$;",
  "create or replace function public.b16() returns int language plpgsql as $$\nbegin\n  return 'it''s' ||;\nend;\n$$;",
  "create or replace function public.b17() returns void language plpgsql as $$\nbegin\n  -- café 📚\n  select 1 frm t;\nend;\n$$;",
  "create or replace function public.b18() returns void language plpgsql as $$\nbegin\n  if true then\n    null;\n  end if\nend;\n$$;",
  "create or replace function public.b19() returns void language plpgsql as $$\nbegin\n  select 1 into x;\nend;\n$$;",
  "create or replace function public.b20() returns void language plpgsql as $$\nbegin\n  execute 'select 1' into;\nend;\n$$;",
  "create or replace function public.b21() returns int language sql as $$\n  select id\n  from public.t\n  wher id = 1;\n$$;",
  "create or replace function public.b22() returns int language sql as 'select 1;\n  selec 2';",
  "create or replace function public.b23() returns text language sql as 'select ''it''''s'' from';",
  "do $$\nbegin\n  create tabel public.x (id int);\nend\n$$;",
  "do $$\ndeclare\n  n int;\nbegin\n  n := (select count(*) from public.t where);\nend\n$$;",
  "do 'begin\n  raise notice ''%'', 1, 2;\nend';",
  "create or replace procedure public.b24() language plpgsql as $$\nbegin\n  commit\n  insert into public.t values (2);\nend\n$$;",
  "create or replace function public.b25() returns int language plpgsql as $$\nbegin\n  return 1;\nend;\nend;\n$$;",
  "create or replace function public.b26() returns void language plpgsql as $$\nbegin\n  case 1\n    when 1 then null;\n  end;\nend;\n$$;",
  "create or replace function public.b27() returns void language plpgsql as $$\nbegin\n  while true loop\n    exit;\n  end while;\nend;\n$$;",
  "create or replace function public.b28() returns void language plpgsql as $$\n<<outer_block>>\nbegin\n  exit inner_block;\nend;\n$$;",
  "create or replace function public.b29() returns int language plpgsql as $$\nbegin\n  return query select 1;\nend;\n$$;",
  "create or replace function public.b30() returns void language plpgsql as $$\nbegin\n  return 1;\nend;\n$$;",
  "create or replace function public.b31() returns void language plpgsql as $$\nbegin\n  get diagnostics x = row_count;\nend;\n$$;",
  "create or replace function public.b32() returns void language plpgsql as $$\nbegin\n  raise notic 'x';\nend;\n$$;",
  "create or replace function public.f() returns int language plpgsql as $$\nbegin\n  perform 1;\n  retrun 1;\nend $$;",
  "create or replace function public.g() returns int language plpgsql as $$\nbegin\n  select 1 frm t;\n  return 1;\nend;\n$$;",
  "create or replace function public.h() returns int language plpgsql as 'begin\n  return ''it''''s'' + ;\nend';",
  "do $$ begin raise notic 'x'; end $$;",
  "do $$ declare n int; begin insert into foo valus (1); end $$;",
  "create function public.s() returns int language sql as $$ select 1 frm t $$;",
  "create or replace function public.i() returns int language plpgsql as $$ begin if 1 > then return 1; end if; end $$;",
  "create or replace function public.j() returns int language plpgsql as $$ begin if true then return 1; end; end $$;",
  "create or replace function public.k() returns int language plpgsql as $$\nbegin\n  x := 1;\n  return 1;\nend $$;",
  "create or replace function public.l() returns int language plpgsql as $$\nbegin\n  raise notice '%', 1, 2;\n  return 1;\nend $$;",
  "create or replace function public.m() returns int language plpgsql as $$\nbegin\n  if true then\n    return 1;\n  end if;\n$$;",
  "create or replace function public.p() returns int language plpgsql as $$ begin x := 1 +; return 1; end $$;",
  "create or replace function public.q() returns setof int language plpgsql as $$ begin return query select 1; end $$;",
  "create or replace function public.r() returns int language plpgsql as $$ begin return query select 1; end $$;",
  "create or replace function public.u() returns int language sql as 'select 1; selec 2';",
  "create or replace function public.v() returns int language plpgsql as $$ declare a int; begin select 1 into b; return 1; end $$;",
  "create or replace function public.w() returns void language plpgsql as $$ begin update t set a = 1 where; end $$;",
  "create or replace function public.x() returns void language plpgsql as $$ begin for i in 1..10 loop null; end loop; end $$;",
  "create or replace function public.y() returns void language plpgsql as $$ begin while 1 < loop null; end loop; end $$;",
  "create or replace function public.z() returns void language plpgsql as $$ begin perform (1; end $$;",
  "create or replace function public.a1() returns int language plpgsql as $$ declare x int; begin x := 1 +; return 1; end $$;",
  "create or replace function public.a2() returns int language plpgsql as $$ declare x int; begin x := 1 +   ; return 1; end $$;",
  "create or replace function public.a3() returns void language plpgsql as $$ begin select 1 from; end $$;",
  "create or replace function public.a4() returns void language plpgsql as $$ begin if 1 >then null; end if; end $$;",
  "create or replace function public.a5() returns void language plpgsql as $$ begin if 1 >\n  then null; end if; end $$;",
  "create or replace function public.a6() returns void language plpgsql as $$ begin null; $$;",
  "create or replace function public.a7() returns void language plpgsql as $$ begin null;\n\n  $$;",
  "create or replace function public.a8() returns void language plpgsql as $$ begin x := ; end $$;",
  "create or replace function public.a9() returns int language sql as 'select 1 from';",
  "create or replace function public.b1() returns int language sql as $$ select (1 $$;",
  "do $$ begin perform 1 +; end $$;",
  "do 'begin perform ''a'' +; end';",
  "create or replace function public.b2() returns int language plpgsql as $$ begin return 1 + ; end $$;",
  "create or replace function public.b3() returns int language plpgsql as $$ begin return (select count(*) from t where); end $$;",
  "create or replace function public.c01() returns int language plpgsql as $$\nbegin\n  return next 1;\nend;\n$$;",
  "create or replace function public.c02() returns setof int language plpgsql as $$\nbegin\n  return 1;\nend;\n$$;",
  "create or replace function public.c03(out a int) returns void language plpgsql as $$\nbegin\n  a := 1;\n  return a;\nend;\n$$;",
  "create or replace function public.c05() returns void language plpgsql as $$\nbegin\n  perform (1 + 2;\nend;\n$$;",
  "create or replace function public.c06() returns void language plpgsql as $$\nbegin\n  raise notice '%';\nend;\n$$;",
  "create or replace function public.c07() returns void language plpgsql as $$\nbegin\n  loop\n    exit nolabel;\n  end loop;\nend;\n$$;",
  "create or replace function public.c08() returns void language plpgsql as $$\ndeclare\n  c constant int := 1;\nbegin\n  c := 2;\nend;\n$$;",
  "create or replace function public.c09() returns void language plpgsql as $$\ndeclare\n  x int;\n  x int;\nbegin\n  null;\nend;\n$$;",
  "create or replace function public.c10() returns void language plpgsql as $$\nbegin\n  continue;\nend;\n$$;",
  "create or replace function public.c11() returns void language plpgsql as $$\n<<a>>\nbegin\n  null;\nend b;\n$$;",
  "create or replace function public.c12() returns void language plpgsql as $$\nbegin\n  raise exception 'x' using foo = 'y';\nend;\n$$;",
  "create or replace function public.c13() returns void language plpgsql as $$\nbegin\n  raise exception 'x' using message = 'y';\nend;\n$$;",
  "create or replace function public.c14() returns void language plpgsql as $$\ndeclare\n  x int;\n  y int;\nbegin\n  select 1, 2 into x into y;\nend;\n$$;",
  "create or replace function public.c15() returns void language plpgsql as $$\ndeclare\n  i int;\nbegin\n  for i in 1..10\n    null;\n  end loop;\nend;\n$$;",
  "create or replace function public.c16() returns void language plpgsql as $$\ndeclare\n  x int;\nbegin\n  x = 1 2;\nend;\n$$;",
  "create or replace function public.c17() returns void language plpgsql as $$\nbegin\n  if then null; end if;\nend;\n$$;",
  "create or replace function public.c18() returns void language plpgsql as $$\nbegin\n  perform;\nend;\n$$;",
  "create or replace function public.c19() returns void language plpgsql as $$\ndeclare\n  x int := ;\nbegin\n  null;\nend;\n$$;",
  "create or replace function public.c20() returns void language plpgsql as $$\nbegin\n  exit;\nend;\n$$;",
  "create or replace function public.c21() returns int language plpgsql as $$\ndeclare\n  r record;\nbegin\n  for r in 1 loop\n  end loop;\nend;\n$$;",
  "create or replace function public.c22() returns void language plpgsql as $$\nbegin\n  select 1 into strict;\nend;\n$$;",
  "create or replace function public.c23() returns void language plpgsql as $$\nbegin\n  open;\nend;\n$$;",
  "create or replace function public.c24() returns void language plpgsql as $$\nbegin\n  assert;\nend;\n$$;",
  "create or replace function public.c25() returns void language plpgsql as $$\nbegin\n  get diagnostics;\nend;\n$$;",
  "create or replace function public.c26() returns void language plpgsql as $$\nbegin\n  case when true then null end case;\nend;\n$$;",
  "create or replace function public.c27() returns void language plpgsql as $$\nbegin\n  null\nend;\n$$;",
  "create or replace function public.c28() returns void language plpgsql as $$\ndeclare\n  x int;\nbegin\n  x := 'a' 'b';\nend;\n$$;",
  "do $$\nbegin\n  perform 1\n  perform 2;\nend\n$$;",
  "do $$\nbegin\n  update public.t set a = 1 wher id = 1;\nend\n$$;",
  "create or replace procedure public.c29() language plpgsql as $$\nbegin\n  return 1;\nend\n$$;"
];

let server: PostgresServer;
let sql: postgres.Sql;
before(async () => {
  server = await startPostgres();
  sql = postgres(await server.createDatabase(), { onnotice: () => {} });
  await sql.unsafe(TABLES);
});
after(async () => {
  await sql?.end();
  await server?.stop();
});

/** PostgreSQL's verdict on a statement (run and rolled back): null when it is accepted, else where it points. */
async function serverVerdict(statement: string): Promise<string | null> {
  try {
    await sql.begin(async (tx) => {
      await tx.unsafe(statement);
      throw new Accepted();
    });
  } catch (error) {
    if (error instanceof Accepted) return null;
    const { message, position } = error as { message: string; position?: string };
    // The error position counts characters (code points) from 1.
    const at = position ? new TextIndex(statement).positionAt(offsetOfCodePoint(statement, Number(position) - 1)) : null;
    return at ? `${at.line}:${at.column} ${message}` : `?:? ${message}`;
  }
  return null;
}

class Accepted extends Error {}

test("syntax-error: function bodies and DO blocks: the finding is where PostgreSQL 15 points, and only what it rejects", async () => {
  let rejected = 0;
  for (const statement of CORPUS) {
    const expected = await serverVerdict(statement);
    const findings = (await lintFixture({ "001_x.sql": statement })).filter((f) => f.rule === "syntax-error");
    const actual = findings.length === 0 ? null : findings.map((f) => `${f.range.line}:${f.range.column} ${f.message}`).join(" | ");
    if (expected === null) {
      assert.equal(actual, null, `PostgreSQL accepts, the linter reports:\n${statement}`);
      continue;
    }
    rejected++;
    assert.ok(actual !== null, `PostgreSQL rejects (${expected}), the linter is silent:\n${statement}`);
    const [where, ...message] = expected.split(" ");
    // Without a position from PostgreSQL (RAISE's parameter count), the linter points at the statement.
    if (where !== "?:?") assert.equal(actual.split(" ")[0], where, `position differs:\n${statement}\nPostgreSQL: ${expected}\nlinter: ${actual}`);
    assert.ok(actual.endsWith(message.join(" ")), `message differs:\n${statement}\nPostgreSQL: ${expected}\nlinter: ${actual}`);
  }
  // The corpus keeps both kinds: a change that made every body pass (or fail) could not pass this test.
  assert.ok(rejected > 60 && rejected < CORPUS.length - 30, `${rejected} of ${CORPUS.length} rejected`);
});
