/** The system's own state: health and version. */
import type { HealthOutput } from '../../../types';
import type { AppDeps } from '../deps';
import { APP_VERSION } from '../version';

/** The system service. */
export class SystemService {
  constructor(private readonly deps: AppDeps) {}

  /** Answers when the database is reachable and migrated. */
  async health(): Promise<HealthOutput> {
    const [row] = await this.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    return { status: 'ok', database: this.deps.db.kind, migrations: row?.n ?? 0, version: APP_VERSION };
  }
}
