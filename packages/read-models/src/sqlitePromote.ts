import type Database from 'better-sqlite3';

/** Swaps a namespace's tables and checkpoints in, in one transaction: readers see the old views or the new, never a mix. */
export function promoteTables(db: Database.Database, stagingPrefix: string, livePrefix: string): void {
  db.transaction(() => {
    const tables = db
      .prepare<[string], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\'",
      )
      .all(`view\\_${stagingPrefix.replaceAll('_', '\\_')}%`);
    for (const { name: stagingTable } of tables) {
      const liveTable = `view_${livePrefix}${stagingTable.slice(`view_${stagingPrefix}`.length)}`;
      const indexes = db
        .prepare<[string], { name: string; sql: string | null }>(
          "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
        )
        .all(stagingTable);
      db.exec(`DROP TABLE IF EXISTS "${liveTable}"`);
      db.exec(`ALTER TABLE "${stagingTable}" RENAME TO "${liveTable}"`);
      for (const index of indexes) {
        if (!index.sql) continue;
        db.exec(`DROP INDEX "${index.name}"`);
        db.exec(index.sql.replaceAll(stagingTable, liveTable));
      }
    }
    db.exec(
      `INSERT OR REPLACE INTO "${livePrefix}checkpoints" SELECT name, position FROM "${stagingPrefix}checkpoints"`,
    );
    db.exec(`DROP TABLE "${stagingPrefix}checkpoints"`);
  })();
}
