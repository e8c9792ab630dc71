/**
 * Connector names of the form `gwa_…` are gateway accounts (docs/gateways.md): this builds the
 * connector of one from its stored row (credentials opened in memory only) through the factory of
 * its kind, and keeps it per process. The row is read again at most once a second, so a disable or
 * a credentials change made by any process is seen within a second, and at once by the process that
 * made it (gateway-account-changes.ts). A disabled account still resolves: what it authorized must
 * still be captured, voided, refunded and synced there. Only routing must not choose it, which is
 * what `isDisabled` and `routableAccounts` are for.
 */
import type { GatewayConnector } from '../connectors/gateway.js';
import type { ConnectorResolver } from '../connectors/registry.js';
import type { UpstreamConnectorFactories } from '../connectors/upstream-factories.js';
import type { GatewayAccountCredentials, UpstreamDeps } from '../connectors/upstream.js';
import type { Db } from '../store/db.js';
import { findGatewayAccount, listGatewayAccounts, type GatewayAccountRecord } from '../store/gateway-accounts-repository.js';
import type { KeyRing } from './keys/keyring.js';
import { stillFresh } from './gateway-account-changes.js';
import { isGatewayKind } from './gateway-account-input.js';
import { openGatewayCredentials } from './gateway-accounts.js';

interface Built {
  /** The row read this connector was last checked against. */
  record: GatewayAccountRecord;
  /** What the connector was built from (kind, base URL, opened credentials): a change rebuilds it. */
  source: string;
  connector: GatewayConnector;
}

interface Read {
  record: GatewayAccountRecord | undefined;
  readAt: number;
}

/** An account routing may choose: it exists and is not disabled. */
export interface RoutableAccount {
  id: string;
  name: string;
  kind: string;
}

const MAX_CACHED = 10_000;

export class GatewayAccountConnectors implements ConnectorResolver {
  private readonly rows = new Map<string, Read>();
  /** Reads in flight, so concurrent calls through one account read its row once. */
  private readonly reading = new Map<string, Promise<Read>>();
  private readonly built = new Map<string, Built>();
  private readonly routable = new Map<string, { accounts: RoutableAccount[]; readAt: number }>();

  constructor(
    private readonly db: Db,
    private readonly keys: KeyRing,
    private readonly factories: UpstreamConnectorFactories,
    /** Read when a connector is built: the public URL is known only once the server listens. */
    private readonly deps: () => UpstreamDeps,
  ) {}

  /**
   * The connector of account `name`, or undefined when there is no such account. Throws when the
   * account exists but no connector can be built (no factory for its kind, credentials that do not
   * open): the gateway client makes either an unknown outcome.
   */
  async resolve(name: string): Promise<GatewayConnector | undefined> {
    const { record } = await this.row(name);
    if (!record) {
      this.built.delete(name);
      return undefined;
    }
    const previous = this.built.get(name);
    if (previous?.record === record) return previous.connector;
    const credentials = await openGatewayCredentials({ keys: this.keys }, record.credentialsCiphertext);
    const source = JSON.stringify([record.kind, record.baseUrl, credentials]);
    // The same account unchanged keeps its connector (and whatever it holds, such as an access token).
    const connector = previous?.source === source ? previous.connector : this.build(record, credentials);
    if (this.built.size > MAX_CACHED) this.built.clear();
    this.built.set(name, { record, source, connector });
    return connector;
  }

  /** Whether routing must leave the account out: it is disabled, or does not exist. */
  async isDisabled(accountId: string): Promise<boolean> {
    const { record } = await this.row(accountId);
    return record === undefined || record.disabledAt !== null;
  }

  /** A merchant's accounts routing may choose (enabled), in the order they were added; read at most once a second. */
  async routableAccounts(merchantId: string): Promise<RoutableAccount[]> {
    const cached = this.routable.get(merchantId);
    if (cached && stillFresh(merchantId, cached.readAt)) return cached.accounts;
    const readAt = performance.now();
    const accounts = (await listGatewayAccounts(this.db, merchantId))
      .filter((a) => a.disabledAt === null)
      .map((a) => ({ id: a.id, name: a.name, kind: a.kind }));
    if (this.routable.size > MAX_CACHED) this.routable.clear();
    this.routable.set(merchantId, { accounts, readAt });
    return accounts;
  }

  private build(record: GatewayAccountRecord, credentials: GatewayAccountCredentials): GatewayConnector {
    const kind = record.kind;
    if (!isGatewayKind(kind)) throw new Error(`gateway account ${record.id} has an unknown kind ${kind}`);
    const factory = this.factories[kind];
    if (!factory) throw new Error(`no connector is registered for ${kind} gateway accounts (${record.id})`);
    return factory(
      { id: record.id, merchantId: record.merchantId, name: record.name, kind, baseUrl: record.baseUrl, credentials },
      this.deps(),
    );
  }

  /** The account's row as last read, read again when over a second old or changed by this process. */
  private row(accountId: string): Promise<Read> {
    const cached = this.rows.get(accountId);
    if (cached && stillFresh(accountId, cached.readAt)) return Promise.resolve(cached);
    let pending = this.reading.get(accountId);
    if (!pending) {
      const readAt = performance.now();
      pending = findGatewayAccount(this.db, accountId)
        .then((record) => {
          const read = { record, readAt };
          if (this.rows.size > MAX_CACHED) this.rows.clear();
          this.rows.set(accountId, read);
          return read;
        })
        .finally(() => this.reading.delete(accountId));
      this.reading.set(accountId, pending);
    }
    return pending;
  }
}
