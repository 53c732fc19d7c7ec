import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { GroupCommit } from './sqliteGroupCommit.ts';
import type { ViewCollection } from './viewStore.ts';

/** Collection and field names end up inside SQL text, so only plain identifiers are allowed. */
const IDENTIFIER = /^[a-z][a-z0-9_]*$/i;

interface Row {
  doc: string;
}

/** One collection: the table `table` of `(id, position, doc)`, its writes made in `writer`'s groups. */
export function openSqliteViewCollection(
  db: Database.Database,
  table: string,
  writer: GroupCommit,
): ViewCollection<object> {
  const select = db.prepare<[string], Row>(`SELECT doc FROM "${table}" WHERE id = ?`);
  const upsert = db.prepare<[string, number, string]>(
    `INSERT INTO "${table}" (id, position, doc) VALUES (?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET position = excluded.position, doc = excluded.doc
     WHERE excluded.position > "${table}".position`,
  );
  const remove = db.prepare<[string, number]>(`DELETE FROM "${table}" WHERE id = ? AND position <= ?`);
  // The path stays literal (not bound) so the query matches the expression index.
  const finders = new Map<string, Statement<[string | number, string, string], Row>>();
  const finder = (field: string): Statement<[string | number, string, string], Row> => {
    const known = finders.get(field);
    if (known !== undefined) return known;
    const path = extract(field);
    const statement = db.prepare<[string | number, string, string], Row>(
      `SELECT doc FROM "${table}" WHERE ${path} = ? AND json_type(doc, '$.${field}') IN (?, ?) ORDER BY id`,
    );
    finders.set(field, statement);
    return statement;
  };

  return {
    get: async (id) => {
      const row = select.get(id);
      return row === undefined ? undefined : (JSON.parse(row.doc) as object);
    },
    findBy: async (field, value) => {
      const rows = finder(identifier(field, 'field')).all(...comparable(value));
      return rows.map((row) => JSON.parse(row.doc) as object);
    },
    upsert: (id, document, position) =>
      writer.write(() => upsert.run(id, position, JSON.stringify(document)).changes > 0),
    delete: (id, position) => writer.write(() => remove.run(id, position).changes > 0),
  };
}

export function identifier(name: string, kind: 'collection' | 'field'): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid ${kind} name: ${JSON.stringify(name)}`);
  return name;
}

/**
 * The bound value and the json_type results it may match. json_extract reads
 * JSON true/false as 1/0, and SQLite compares 1 and 1.0 as equal, so the type
 * check keeps `true` from matching the number 1 (as MongoDB would).
 */
function comparable(value: unknown): [string | number, string, string] {
  if (typeof value === 'string') return [value, 'text', 'text'];
  if (typeof value === 'number') return [value, 'integer', 'real'];
  if (typeof value === 'boolean') return value ? [1, 'true', 'true'] : [0, 'false', 'false'];
  throw new Error(`findBy compares strings, numbers and booleans, not ${value === null ? 'null' : typeof value}`);
}

/** The exact expression indexes are built on; findBy must repeat it verbatim to use them. */
export function extract(field: string): string {
  return `json_extract(doc, '$.${field}')`;
}
