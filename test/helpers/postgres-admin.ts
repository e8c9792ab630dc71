import pg from 'pg';

/** Runs one statement that cannot run inside a database it affects (create / drop database) on `serverUrl`'s database. */
export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** `serverUrl` with its database name replaced by `name`: a sibling database on the same server. */
export function siblingDatabaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
