import { loadConfig } from '../config.js';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';

export async function runMigrate(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database is up to date.');
  } finally {
    await db.close();
  }
}
