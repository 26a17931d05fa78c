/**
 * What a statement does to objects in a schema, read from its parse tree: the statements that need
 * CREATE on a schema, ownership of an object, or a grant option there. Names are as PostgreSQL reads
 * them (unqualified: `public`); `what` is the statement as the message names it.
 */
import {
  type AstNode,
  dropKind,
  droppedName,
  isTemporary,
  nameList,
  nodeFields,
  nodeKind,
  qualifiedName,
  type QualifiedName,
  relationName,
} from "../../../sql/names.ts";

export type Write =
  /** Creates an object in `schema` (needs CREATE on the schema). */
  | { readonly need: "create"; readonly schema: string; readonly what: string; readonly object: string }
  /**
   * Changes or drops an existing object (needs to own it). `object` is `schema.name` (a trigger's or
   * policy's: `schema.table/name`); `table` is set for triggers and policies (the table they are on) and
   * for an index (the table it indexes); `enablesRls` for ALTER TABLE … ENABLE ROW LEVEL SECURITY alone.
   */
  | {
    readonly need: "own";
    readonly schema: string;
    readonly what: string;
    readonly object: string;
    readonly noun: string;
    readonly name: string;
    readonly table?: string;
    readonly enablesRls?: boolean;
  }
  /** GRANT / REVOKE on the schema itself (needs the grant option on it). */
  | { readonly need: "grant-schema"; readonly schema: string; readonly what: string }
  /** REVOKE on the schema's tables from the API roles. */
  | { readonly need: "revoke-api"; readonly schema: string; readonly what: string }
  /** INSERT / UPDATE / DELETE / TRUNCATE of a table (`schema.name`). */
  | { readonly need: "write-rows"; readonly schema: string; readonly what: string; readonly object: string };

const API_ROLES = new Set(["anon", "authenticated", "service_role"]);

/** Every write a statement makes (usually one; a DROP of several objects gives one each). */
export function writesOf(node: unknown): Write[] {
  const kind = nodeKind(node);
  const f = kind ? nodeFields(node, kind) ?? {} : {};
  switch (kind) {
    case "CreateStmt":
      return isTemporary(f.relation) ? [] : [create("CREATE TABLE", relationName(f.relation))];
    case "CreateTableAsStmt": {
      const rel = (f.into as AstNode | undefined)?.rel;
      return isTemporary(rel) ? [] : [create(f.objtype === "OBJECT_MATVIEW" ? "CREATE MATERIALIZED VIEW" : "CREATE TABLE", relationName(rel))];
    }
    case "ViewStmt":
      return isTemporary(f.view) ? [] : [create("CREATE VIEW", relationName(f.view))];
    case "CreateSeqStmt":
      return isTemporary(f.sequence) ? [] : [create("CREATE SEQUENCE", relationName(f.sequence))];
    case "CreateFunctionStmt":
      return [create(f.is_procedure === true ? "CREATE PROCEDURE" : "CREATE FUNCTION", qualifiedName(f.funcname))];
    case "CreateEnumStmt":
    case "CreateRangeStmt":
      return [create("CREATE TYPE", qualifiedName(f.typeName))];
    case "CompositeTypeStmt":
      return [create("CREATE TYPE", relationName(f.typevar))];
    case "CreateDomainStmt":
      return [create("CREATE DOMAIN", qualifiedName(f.domainname))];
    case "DefineStmt":
      return f.kind === "OBJECT_TYPE" ? [create("CREATE TYPE", qualifiedName(f.defnames))] : [];
    case "IndexStmt": {
      const table = relationName(f.relation);
      return [own(`CREATE INDEX ON ${sql(table)}`, table, "table", { table: key(table) })];
    }
    case "CreateTrigStmt": {
      const table = relationName(f.relation);
      return [own(`CREATE TRIGGER ${f.trigname} ON ${sql(table)}`, table, "table", { table: key(table), object: `${key(table)}/${f.trigname}` })];
    }
    case "CreatePolicyStmt":
    case "AlterPolicyStmt": {
      const table = relationName(f.table);
      const verb = kind === "CreatePolicyStmt" ? "CREATE" : "ALTER";
      return [own(`${verb} POLICY "${f.policy_name}" ON ${sql(table)}`, table, "table", { table: key(table), object: `${key(table)}/${f.policy_name}` })];
    }
    case "AlterTableStmt":
      return alterTableWrite(f);
    case "DropStmt":
      return dropWrites(f);
    case "RenameStmt":
      return renameWrite(f);
    case "CommentStmt":
      return commentWrite(f);
    case "AlterFunctionStmt": {
      const name = functionName(f.func);
      return [own(`ALTER ${f.objtype === "OBJECT_PROCEDURE" ? "PROCEDURE" : "FUNCTION"} ${sql(name)}`, name, "function")];
    }
    case "AlterOwnerStmt":
    case "AlterObjectSchemaStmt":
      return ownerOrSchemaWrites(kind, f);
    case "AlterEnumStmt":
      return [own(`ALTER TYPE ${sql(qualifiedName(f.typeName))}`, qualifiedName(f.typeName), "type")];
    case "AlterDomainStmt":
      return [own(`ALTER DOMAIN ${sql(qualifiedName(f.typeName))}`, qualifiedName(f.typeName), "type")];
    case "GrantStmt":
      return grantWrites(f);
    case "InsertStmt":
    case "UpdateStmt":
    case "DeleteStmt": {
      const table = relationName(f.relation);
      const verb = { InsertStmt: "INSERT INTO", UpdateStmt: "UPDATE", DeleteStmt: "DELETE FROM" }[kind];
      return [{ need: "write-rows", schema: table.schema, what: `${verb} ${sql(table)}`, object: key(table) }];
    }
    case "TruncateStmt":
      return (Array.isArray(f.relations) ? f.relations : []).map((r) => {
        const table = relationName(r);
        return { need: "write-rows", schema: table.schema, what: `TRUNCATE ${sql(table)}`, object: key(table) } as const;
      });
    default:
      return [];
  }
}

function create(what: string, name: QualifiedName): Write {
  return { need: "create", schema: name.schema, what: `${what} ${sql(name)}`, object: key(name) };
}

function own(what: string, name: QualifiedName, noun: string, extra: { table?: string; object?: string; enablesRls?: boolean } = {}): Write {
  return {
    need: "own",
    schema: name.schema,
    what,
    object: extra.object ?? key(name),
    noun,
    name: name.name,
    ...(extra.table ? { table: extra.table } : {}),
    ...(extra.enablesRls ? { enablesRls: true } : {}),
  };
}

const RELATION_NOUNS: Readonly<Record<string, string>> = {
  OBJECT_TABLE: "table", OBJECT_VIEW: "view", OBJECT_MATVIEW: "materialized view", OBJECT_INDEX: "index",
  OBJECT_SEQUENCE: "sequence", OBJECT_FOREIGN_TABLE: "foreign table",
};

function alterTableWrite(f: AstNode): Write[] {
  const noun = RELATION_NOUNS[String(f.objtype)];
  if (!noun) return [];
  const name = relationName(f.relation);
  const cmds = Array.isArray(f.cmds) ? f.cmds.map((c) => nodeFields(c, "AlterTableCmd")?.subtype) : [];
  const enablesRls = cmds.length > 0 && cmds.every((s) => s === "AT_EnableRowSecurity");
  return [own(`ALTER ${noun.toUpperCase()} ${sql(name)}`, name, noun, { enablesRls })];
}

function dropWrites(f: AstNode): Write[] {
  const kind = dropKind(f);
  if (!kind || !Array.isArray(f.objects)) return [];
  const writes: Write[] = [];
  for (const object of f.objects) {
    const { name, table } = droppedName(kind, object);
    if (kind === "schema") {
      writes.push(own(`DROP SCHEMA ${name.name}`, { schema: name.name, name: name.name }, "schema", { object: name.name }));
    } else if (table && (kind === "trigger" || kind === "policy")) {
      const label = kind === "policy" ? `"${name.name}"` : name.name;
      writes.push(own(`DROP ${kind.toUpperCase()} ${label} ON ${sql(table)}`, table, "table", { table: key(table), object: `${key(table)}/${name.name}` }));
    } else if (kind !== "extension") {
      writes.push(own(`DROP ${kind.toUpperCase()} ${sql(name)}`, name, kind));
    }
  }
  return writes;
}

function renameWrite(f: AstNode): Write[] {
  if (f.relation && (f.renameType === "OBJECT_POLICY" || f.renameType === "OBJECT_TRIGGER")) {
    const table = relationName(f.relation);
    const kind = f.renameType === "OBJECT_POLICY" ? "POLICY" : "TRIGGER";
    return [own(`ALTER ${kind} ${f.subname} ON ${sql(table)} RENAME`, table, "table", { table: key(table), object: `${key(table)}/${f.subname}` })];
  }
  if (f.relation) {
    const table = relationName(f.relation);
    const noun = RELATION_NOUNS[String(f.renameType)] ?? "table";
    return [own(`ALTER ${(RELATION_NOUNS[String(f.relationType)] ?? noun).toUpperCase()} ${sql(table)} RENAME`, table, noun)];
  }
  if (f.renameType === "OBJECT_SCHEMA" && typeof f.subname === "string") {
    return [own(`ALTER SCHEMA ${f.subname} RENAME`, { schema: f.subname, name: f.subname }, "schema", { object: f.subname })];
  }
  if (f.renameType === "OBJECT_FUNCTION" || f.renameType === "OBJECT_PROCEDURE") {
    const name = functionName(f.object);
    return [own(`ALTER FUNCTION ${sql(name)} RENAME`, name, "function")];
  }
  return [];
}

function commentWrite(f: AstNode): Write[] {
  const objtype = String(f.objtype);
  if (objtype === "OBJECT_SCHEMA") {
    const schema = String(nodeFields(f.object, "String")?.sval ?? "");
    return [own(`COMMENT ON SCHEMA ${schema}`, { schema, name: schema }, "schema", { object: schema })];
  }
  if (objtype === "OBJECT_FUNCTION" || objtype === "OBJECT_PROCEDURE") {
    const name = functionName(f.object);
    return [own(`COMMENT ON FUNCTION ${sql(name)}`, name, "function")];
  }
  const parts = nameList(f.object);
  if (objtype === "OBJECT_COLUMN" && parts.length >= 2) {
    const table = parts.length >= 3 ? { schema: parts[parts.length - 3], name: parts[parts.length - 2] } : { schema: "public", name: parts[0] };
    return [own(`COMMENT ON COLUMN ${sql(table)}.${parts[parts.length - 1]}`, table, "table")];
  }
  const noun = RELATION_NOUNS[objtype];
  if (!noun || parts.length === 0) return [];
  const name = parts.length >= 2 ? { schema: parts[parts.length - 2], name: parts[parts.length - 1] } : { schema: "public", name: parts[0] };
  return [own(`COMMENT ON ${noun.toUpperCase()} ${sql(name)}`, name, noun)];
}

function ownerOrSchemaWrites(kind: string, f: AstNode): Write[] {
  const type = String(f.objectType);
  const name = f.relation
    ? relationName(f.relation)
    : type === "OBJECT_FUNCTION" || type === "OBJECT_PROCEDURE"
    ? functionName(f.object)
    : qualifiedName(nodeFields(f.object, "TypeName")?.names ?? f.object);
  const noun = type === "OBJECT_FUNCTION" || type === "OBJECT_PROCEDURE" ? "function" : RELATION_NOUNS[type] ?? "type";
  const verb = kind === "AlterOwnerStmt" ? "OWNER TO" : "SET SCHEMA";
  const writes: Write[] = [own(`ALTER ${noun.toUpperCase()} ${sql(name)} ${verb}`, name, noun)];
  if (kind === "AlterObjectSchemaStmt" && typeof f.newschema === "string") {
    writes.push({ need: "create", schema: f.newschema, what: `ALTER ${noun.toUpperCase()} ${sql(name)} SET SCHEMA ${f.newschema}`, object: `${f.newschema}.${name.name}` });
  }
  return writes;
}

function grantWrites(f: AstNode): Write[] {
  const verb = f.is_grant === true ? "GRANT" : "REVOKE";
  const objects = Array.isArray(f.objects) ? f.objects : [];
  if (f.objtype === "OBJECT_SCHEMA") {
    return objects.map((o) => {
      const schema = String(nodeFields(o, "String")?.sval ?? "");
      return { need: "grant-schema", schema, what: `${verb} … ON SCHEMA ${schema}` } as const;
    });
  }
  const grantees = (Array.isArray(f.grantees) ? f.grantees : []).map((g) => String(nodeFields(g, "RoleSpec")?.rolename ?? ""));
  if (f.is_grant === true || f.objtype !== "OBJECT_TABLE" || !grantees.some((g) => API_ROLES.has(g))) return [];
  if (f.targtype === "ACL_TARGET_ALL_IN_SCHEMA") {
    return objects.map((o) => {
      const schema = String(nodeFields(o, "String")?.sval ?? "");
      return { need: "revoke-api", schema, what: `REVOKE … ON ALL TABLES IN SCHEMA ${schema}` } as const;
    });
  }
  return objects.map((o) => {
    const table = relationName(o);
    return { need: "revoke-api", schema: table.schema, what: `REVOKE … ON ${sql(table)}` } as const;
  });
}

function functionName(objectWithArgs: unknown): QualifiedName {
  return qualifiedName(nodeFields(objectWithArgs, "ObjectWithArgs")?.objname);
}

/** `schema.name` as the model keys it. */
function key(name: QualifiedName): string {
  return `${name.schema}.${name.name}`;
}

/** A name for messages: `auth.users` (identifiers with odd characters quoted). */
function sql(name: QualifiedName): string {
  const part = (s: string) => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replaceAll('"', '""')}"`);
  return `${part(name.schema)}.${part(name.name)}`;
}
