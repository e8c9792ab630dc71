import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api';
import { MerchantSelect } from '../components/MerchantSelect';
import { ErrorNote, Field, Loading } from '../components/ui';
import { formatBucket, formatCount, formatMoney, formatPercent, formatTime } from '../format';
import type { Stats } from '../types';

const route = getRouteApi('/');

const RANGES = [
  { value: '24h', label: 'Last 24 hours (hourly)' },
  { value: '7d', label: 'Last 7 days (daily)' },
  { value: '30d', label: 'Last 30 days (daily)' },
] as const;

const RANGE_MS = { '24h': 24 * 3600_000, '7d': 7 * 86400_000, '30d': 30 * 86400_000 } as const;

/** Colours with at least 3:1 contrast against white, told apart by name in the legend too. */
const SERIES = [
  { key: 'authorizations', name: 'Authorizations', color: '#1d4ed8' },
  { key: 'captures', name: 'Captures', color: '#047857' },
  { key: 'voids', name: 'Voids', color: '#b45309' },
  { key: 'refunds', name: 'Refunds', color: '#7c3aed' },
] as const;

/** Orders the held money sits on: authorized and not yet captured or released. */
const HOLDING_STATES = ['AUTHORIZED', 'CAPTURE_PENDING', 'VOID_PENDING', 'CAPTURE_FAILED', 'VOID_FAILED'];
const AT_GATEWAY_STATES = ['PENDING', 'CAPTURE_PENDING', 'VOID_PENDING'];

export function HomePage() {
  const search = route.useSearch();
  const navigate = useNavigate();
  const range = search.range ?? '24h';
  const merchantId = search.merchant_id ?? '';
  const stats = useQuery({
    queryKey: ['stats', range, merchantId],
    queryFn: () => api.get<Stats>('/stats', { range, merchant_id: merchantId }),
  });
  const since = new Date(Date.now() - RANGE_MS[range]).toISOString();
  const merchant = merchantId ? { merchant_id: merchantId } : {};

  return (
    <section aria-labelledby="home-title">
      <div className="page-head">
        <h1 id="home-title">Overview</h1>
        <form className="inline-form" aria-label="Overview filters" onSubmit={(e) => e.preventDefault()}>
          <Field label="Period">
            {(props) => (
              <select
                {...props}
                value={range}
                onChange={(e) => void navigate({ to: '/', search: { ...search, range: e.target.value as '24h' | '7d' | '30d' } })}
              >
                {RANGES.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <MerchantSelect
            value={merchantId}
            onChange={(value) => void navigate({ to: '/', search: { ...search, merchant_id: value || undefined } })}
          />
        </form>
      </div>
      <ErrorNote error={stats.error} />
      {stats.isPending ? <Loading what="Loading the figures" /> : null}
      {stats.data ? (
        <>
          <div className="figures">
            <Figure label="Authorizations" value={formatCount(sum(stats.data, 'authorizations'))}>
              <Link to="/orders" search={{ ...merchant, created_from: since }}>
                Orders of the period
              </Link>
            </Figure>
            <Figure label="Authorization success" value={formatPercent(stats.data.authorization_success_rate)}>
              <Link to="/orders" search={{ ...merchant, created_from: since, status: ['FAILED', 'ATTEMPTED'] }}>
                Failed orders
              </Link>
            </Figure>
            <Figure label="Capture success" value={formatPercent(stats.data.capture_success_rate)}>
              <Link to="/orders" search={{ ...merchant, status: ['CAPTURE_FAILED'] }}>
                Failed captures
              </Link>
            </Figure>
            <Figure
              label="Money held"
              value={
                stats.data.held.length === 0 ? 'Nothing held' : stats.data.held.map((h) => formatMoney(h.amount, h.currency)).join(' · ')
              }
            >
              <Link to="/orders" search={{ ...merchant, status: HOLDING_STATES }}>
                Authorized orders
              </Link>
            </Figure>
            <Figure label="Pending at the gateway" value={formatCount(stats.data.pending_at_gateway)}>
              <Link to="/orders" search={{ ...merchant, status: AT_GATEWAY_STATES }}>
                Pending orders
              </Link>
            </Figure>
            <Figure label="In manual review" value={formatCount(stats.data.in_review)} tone={stats.data.in_review > 0 ? 'warn' : undefined}>
              <Link to="/reviews">Review queue</Link>
            </Figure>
          </div>

          <section className="card" aria-labelledby="activity-title">
            <h2 id="activity-title">Activity per {stats.data.bucket}</h2>
            <ActivityChart stats={stats.data} />
          </section>

          <div className="two-columns">
            <section className="card" aria-labelledby="webhooks-title">
              <h2 id="webhooks-title">Webhook health</h2>
              <dl className="facts">
                <FactLink term="Delivered" value={stats.data.webhooks.delivered} to="delivered" merchant={merchantId} />
                <FactLink term="Failed (gave up)" value={stats.data.webhooks.failed} to="failed" merchant={merchantId} />
                <FactLink term="Pending" value={stats.data.webhooks.pending} to="pending" merchant={merchantId} />
                <div className="item">
                  <dt>Oldest pending</dt>
                  <dd>{formatTime(stats.data.webhooks.oldest_pending_at)}</dd>
                </div>
              </dl>
            </section>
            <section className="card" aria-labelledby="jobs-title">
              <h2 id="jobs-title">Background jobs</h2>
              <dl className="facts">
                <JobFactLink term="Due" value={formatCount(stats.data.jobs.due)} state="due" merchant={merchantId} />
                <JobFactLink term="Running" value={formatCount(stats.data.jobs.running)} state="running" merchant={merchantId} />
                <JobFactLink term="Failed" value={formatCount(stats.data.jobs.failed)} state="failed" merchant={merchantId} />
                {stats.data.jobs.oldest_due_at ? (
                  <JobFactLink term="Oldest due" value={formatTime(stats.data.jobs.oldest_due_at)} state="due" merchant={merchantId} />
                ) : (
                  <div className="item">
                    <dt>Oldest due</dt>
                    <dd>{formatTime(stats.data.jobs.oldest_due_at)}</dd>
                  </div>
                )}
              </dl>
            </section>
          </div>
        </>
      ) : null}
    </section>
  );
}

function sum(stats: Stats, key: 'authorizations' | 'captures' | 'voids' | 'refunds'): number {
  return stats.series.reduce((total, bucket) => total + bucket[key], 0);
}

function Figure({ label, value, tone, children }: { label: string; value: string; tone?: 'warn' | undefined; children: React.ReactNode }) {
  return (
    <div className={`figure${tone ? ` figure-${tone}` : ''}`}>
      <p className="figure-label">{label}</p>
      <p className="figure-value">{value}</p>
      <p className="figure-link">{children}</p>
    </div>
  );
}

function FactLink({
  term,
  value,
  to,
  merchant,
}: {
  term: string;
  value: number;
  to: 'delivered' | 'failed' | 'pending';
  merchant: string;
}) {
  return (
    <div className="item">
      <dt>{term}</dt>
      <dd>
        <Link to="/webhooks" search={{ status: to, ...(merchant ? { merchant_id: merchant } : {}) }}>
          {formatCount(value)}
          <span className="visually-hidden"> {term.toLowerCase()} webhook events</span>
        </Link>
      </dd>
    </div>
  );
}

/** A job figure linking to the jobs behind it (the due list runs oldest first, so the oldest due job heads it). */
function JobFactLink({
  term,
  value,
  state,
  merchant,
}: {
  term: string;
  value: string;
  state: 'due' | 'running' | 'failed';
  merchant: string;
}) {
  return (
    <div className="item">
      <dt>{term}</dt>
      <dd>
        <Link to="/jobs" search={{ state, ...(merchant ? { merchant_id: merchant } : {}) }}>
          {value}
          <span className="visually-hidden"> {term === 'Oldest due' ? 'the due jobs, oldest first' : `${term.toLowerCase()} jobs`}</span>
        </Link>
      </dd>
    </div>
  );
}

/** The chart, and the same figures as a table for screen readers and for exact values. */
function ActivityChart({ stats }: { stats: Stats }) {
  const data = stats.series.map((bucket) => ({ ...bucket, label: formatBucket(bucket.bucket_start, stats.bucket) }));
  return (
    <>
      <figure className="chart" aria-label={`Authorizations, captures, voids and refunds per ${stats.bucket}, UTC`}>
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="#d0d5dd" vertical={false} />
            <XAxis dataKey="label" tick={{ fill: '#344054', fontSize: 12 }} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} tick={{ fill: '#344054', fontSize: 12 }} width={40} />
            <Tooltip />
            <Legend />
            {SERIES.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
        <figcaption className="muted">Times in UTC. Every bar counts the operations started in its {stats.bucket}.</figcaption>
      </figure>
      <details>
        <summary>The figures as a table</summary>
        <div className="table-wrap">
          <table>
            <caption>Operations per {stats.bucket} (UTC)</caption>
            <thead>
              <tr>
                <th scope="col">{stats.bucket === 'hour' ? 'Hour' : 'Day'}</th>
                <th scope="col">Authorizations (succeeded)</th>
                <th scope="col">Captures (succeeded)</th>
                <th scope="col">Voids</th>
                <th scope="col">Refunds</th>
              </tr>
            </thead>
            <tbody>
              {stats.series.map((b) => (
                <tr key={b.bucket_start}>
                  <th scope="row">{formatTime(b.bucket_start)}</th>
                  <td>
                    {b.authorizations} ({b.authorizations_succeeded})
                  </td>
                  <td>
                    {b.captures} ({b.captures_succeeded})
                  </td>
                  <td>{b.voids}</td>
                  <td>{b.refunds}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
