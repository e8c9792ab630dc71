import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState, type SubmitEvent } from 'react';
import { api } from '../api';
import { SecretView } from '../components/SecretView';
import { Badge, Dialog, ErrorNote, Field, Item, Loading, Mono, StatusBadge, SuccessNote } from '../components/ui';
import { formatTime } from '../format';
import { useCan } from '../session';
import { CONNECTORS } from './MerchantsPage';
import type { Credential, CredentialKind, Merchant } from '../types';

const route = getRouteApi('/merchants/$merchantId');

const KINDS: { kind: CredentialKind; label: string }[] = [
  { kind: 'client_secret', label: 'Pine Labs client secret' },
  { kind: 'api_key', label: 'Juspay API key' },
  { kind: 'webhook_secret', label: 'Webhook secret' },
  { kind: 'redirect_keys', label: 'Redirect signing keys' },
];

export function MerchantPage() {
  const { merchantId } = route.useParams();
  const path = `/merchants/${encodeURIComponent(merchantId)}`;
  const merchant = useQuery({ queryKey: ['merchant', merchantId], queryFn: () => api.get<Merchant>(path) });
  if (merchant.isPending) return <Loading what="Loading the merchant" />;
  if (!merchant.data) {
    return (
      <section aria-labelledby="merchant-title">
        <h1 id="merchant-title">Merchant</h1>
        <ErrorNote error={merchant.error} />
      </section>
    );
  }
  return <MerchantView merchant={merchant.data} />;
}

function MerchantView({ merchant }: { merchant: Merchant }) {
  const canEdit = useCan('admin');
  const canTest = useCan('support');
  const path = `/merchants/${encodeURIComponent(merchant.id)}`;
  const test = useMutation({
    mutationFn: () =>
      api.post<{ delivered: boolean; status_code: number | null; latency_ms: number | null; error: string | null }>(
        `${path}/webhooks/test`,
      ),
  });
  return (
    <article aria-labelledby="merchant-title" className="stack-lg">
      <p className="crumbs">
        <Link to="/merchants">Merchants &amp; keys</Link> <span aria-hidden="true">›</span> {merchant.name}
      </p>
      <h1 id="merchant-title">
        {merchant.name} {merchant.disabled_at ? <Badge tone="bad">disabled</Badge> : <Badge tone="good">active</Badge>}
      </h1>
      <section className="card" aria-labelledby="merchant-summary">
        <h2 id="merchant-summary">Settings</h2>
        <dl className="facts columns">
          <Item term="Merchant id">
            <Mono>{merchant.id}</Mono>
          </Item>
          <Item term="Connector">{merchant.connector}</Item>
          <Item term="Webhook URL">{merchant.webhook_url ? <Mono>{merchant.webhook_url}</Mono> : '—'}</Item>
          <Item term="Webhook basic auth">{merchant.webhook_basic_auth_set ? 'Set' : 'None'}</Item>
          <Item term="Capture window">
            {merchant.capture_window_seconds === null ? 'The default' : `${merchant.capture_window_seconds} s`}
          </Item>
          <Item term="Created">{formatTime(merchant.created_at)}</Item>
          {merchant.disabled_at ? <Item term="Disabled">{formatTime(merchant.disabled_at)}</Item> : null}
        </dl>
        <p>
          <Link to="/orders" search={{ merchant_id: merchant.id }}>
            Orders
          </Link>{' '}
          ·{' '}
          <Link to="/webhooks" search={{ merchant_id: merchant.id }}>
            Webhook events
          </Link>{' '}
          ·{' '}
          <Link to="/audit" search={{ merchant_id: merchant.id }}>
            Audit entries
          </Link>
        </p>
        {canTest ? (
          <div className="stack">
            <button type="button" className="secondary" disabled={test.isPending || !merchant.webhook_url} onClick={() => test.mutate()}>
              Send a test webhook
            </button>
            <ErrorNote error={test.error} />
            {test.data ? (
              test.data.delivered ? (
                <SuccessNote>
                  Delivered: the merchant answered {test.data.status_code} in {test.data.latency_ms} ms.
                </SuccessNote>
              ) : (
                <p className="error-note" role="alert">
                  Not delivered{test.data.status_code ? ` (answer ${test.data.status_code})` : ''}: {test.data.error ?? 'no answer'}.
                </p>
              )
            ) : null}
          </div>
        ) : null}
      </section>
      {canEdit ? <EditMerchantForm merchant={merchant} /> : null}
      <Credentials merchant={merchant} />
    </article>
  );
}

function EditMerchantForm({ merchant }: { merchant: Merchant }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(merchant.name);
  const [webhookUrl, setWebhookUrl] = useState(merchant.webhook_url ?? '');
  const [basicAuth, setBasicAuth] = useState('');
  const [clearBasicAuth, setClearBasicAuth] = useState(false);
  const [captureWindow, setCaptureWindow] = useState(
    merchant.capture_window_seconds === null ? '' : String(merchant.capture_window_seconds),
  );
  const [connector, setConnector] = useState(merchant.connector);
  const [disabled, setDisabled] = useState(merchant.disabled_at !== null);
  const save = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = {};
      if (name.trim() !== merchant.name) body.name = name.trim();
      const url = webhookUrl.trim() || null;
      if (url !== merchant.webhook_url) body.webhook_url = url;
      if (clearBasicAuth) body.webhook_basic_auth = null;
      else if (basicAuth) body.webhook_basic_auth = basicAuth;
      const window = captureWindow.trim() ? Number(captureWindow) : null;
      if (window !== merchant.capture_window_seconds) body.capture_window_seconds = window;
      if (connector.trim() !== merchant.connector) body.connector = connector.trim();
      if (disabled !== (merchant.disabled_at !== null)) body.disabled = disabled;
      // The API refuses an empty change; there is nothing to send.
      if (Object.keys(body).length === 0) return Promise.resolve(merchant);
      return api.patch<Merchant>(`/merchants/${encodeURIComponent(merchant.id)}`, body);
    },
    onSuccess: async (answer) => {
      queryClient.setQueryData(['merchant', merchant.id], answer);
      setBasicAuth('');
      await queryClient.invalidateQueries({ queryKey: ['merchants'] });
    },
  });
  function submit(event: SubmitEvent) {
    event.preventDefault();
    save.mutate();
  }
  return (
    <section className="card" aria-labelledby="edit-title">
      <h2 id="edit-title">Edit</h2>
      <form onSubmit={submit} className="stack">
        <div className="filter-grid">
          <Field label="Name">{(props) => <input {...props} required value={name} onChange={(e) => setName(e.target.value)} />}</Field>
          <Field label="Webhook URL" hint="Empty: no webhooks.">
            {(props) => <input {...props} type="url" value={webhookUrl} onChange={(e) => setWebhookUrl(e.target.value)} />}
          </Field>
          <Field
            label="Webhook basic auth"
            hint={merchant.webhook_basic_auth_set ? 'Set. Type user:pass to replace it.' : 'user:pass, or empty for none.'}
          >
            {(props) => (
              <input {...props} type="password" autoComplete="off" value={basicAuth} onChange={(e) => setBasicAuth(e.target.value)} />
            )}
          </Field>
          <Field label="Capture window in seconds" hint="Empty: the default.">
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                pattern="[0-9]*"
                value={captureWindow}
                onChange={(e) => setCaptureWindow(e.target.value)}
              />
            )}
          </Field>
          <Field label="Connector">
            {(props) => (
              <select {...props} value={connector} onChange={(e) => setConnector(e.target.value)}>
                {[...new Set([merchant.connector, ...CONNECTORS])].map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {merchant.webhook_basic_auth_set ? (
          <div className="field checkbox">
            <input id="clear-basic-auth" type="checkbox" checked={clearBasicAuth} onChange={(e) => setClearBasicAuth(e.target.checked)} />
            <label htmlFor="clear-basic-auth">Remove the webhook basic auth</label>
          </div>
        ) : null}
        <div className="field checkbox">
          <input id="merchant-disabled" type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.target.checked)} />
          <label htmlFor="merchant-disabled">Disabled (its API calls are refused)</label>
        </div>
        <ErrorNote error={save.error} />
        {save.isSuccess ? <SuccessNote>Saved.</SuccessNote> : null}
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            Save changes
          </button>
        </div>
      </form>
    </section>
  );
}

function Credentials({ merchant }: { merchant: Merchant }) {
  const canChange = useCan('admin');
  const queryClient = useQueryClient();
  const path = `/merchants/${encodeURIComponent(merchant.id)}/credentials`;
  const credentials = useQuery({ queryKey: ['credentials', merchant.id], queryFn: () => api.get<{ data: Credential[] }>(path) });
  const [rotating, setRotating] = useState<CredentialKind | null>(null);
  const [issued, setIssued] = useState<unknown>(null);
  const revoke = useMutation({
    mutationFn: (credentialId: string) => api.post<{ credential: Credential }>(`${path}/${encodeURIComponent(credentialId)}/revoke`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['credentials', merchant.id] }),
  });
  return (
    <section className="card" aria-labelledby="credentials-title">
      <h2 id="credentials-title">Credentials</h2>
      <ErrorNote error={credentials.error ?? revoke.error} />
      {credentials.isPending ? <Loading what="Loading credentials" /> : null}
      {KINDS.map(({ kind, label }) => {
        // Newest first: the newest of a kind is the one in use and cannot be revoked (rotate it instead).
        const ofKind = (credentials.data?.data ?? [])
          .filter((c) => c.kind === kind)
          .sort((a, b) => b.created_at.localeCompare(a.created_at));
        return (
          <div key={kind} className="credential-kind">
            <div className="page-head">
              <h3>{label}</h3>
              {canChange ? (
                <button type="button" className="secondary small" onClick={() => setRotating(kind)}>
                  Rotate<span className="visually-hidden"> {label}</span>
                </button>
              ) : null}
            </div>
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{label} credentials</caption>
                <thead>
                  <tr>
                    <th scope="col">Ends with</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created (UTC)</th>
                    <th scope="col">Expires (UTC)</th>
                    <th scope="col">Revoked (UTC)</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  {ofKind.length === 0 ? (
                    <tr>
                      <td colSpan={6} className="empty">
                        None.
                      </td>
                    </tr>
                  ) : (
                    ofKind.map((credential, index) => (
                      <tr key={credential.id}>
                        <td>
                          <Mono>…{credential.hint ?? ''}</Mono>
                        </td>
                        <td>
                          <StatusBadge status={credential.status} />
                        </td>
                        <td>{formatTime(credential.created_at)}</td>
                        <td>{formatTime(credential.expires_at)}</td>
                        <td>{formatTime(credential.revoked_at)}</td>
                        <td>
                          {canChange && credential.status !== 'revoked' && index > 0 ? (
                            <button
                              type="button"
                              className="danger small"
                              disabled={revoke.isPending}
                              onClick={() => {
                                if (
                                  window.confirm(
                                    `Revoke the ${label} ending ${credential.hint ?? ''} now? Calls made with it are refused at once.`,
                                  )
                                ) {
                                  revoke.mutate(credential.id);
                                }
                              }}
                            >
                              Revoke<span className="visually-hidden"> {credential.hint}</span>
                            </button>
                          ) : (
                            '—'
                          )}
                        </td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
          </div>
        );
      })}
      <Dialog title="Rotate a credential" open={rotating !== null} onClose={() => setRotating(null)}>
        {rotating ? (
          <RotateForm
            merchantId={merchant.id}
            kind={rotating}
            onDone={(secret) => {
              setRotating(null);
              setIssued(secret);
              void queryClient.invalidateQueries({ queryKey: ['credentials', merchant.id] });
            }}
            onCancel={() => setRotating(null)}
          />
        ) : null}
      </Dialog>
      <Dialog title="The new credential" open={issued !== null} onClose={() => setIssued(null)}>
        {issued !== null ? <SecretView secret={issued} onClose={() => setIssued(null)} /> : null}
      </Dialog>
    </section>
  );
}

function RotateForm({
  merchantId,
  kind,
  onDone,
  onCancel,
}: {
  merchantId: string;
  kind: CredentialKind;
  onDone: (secret: unknown) => void;
  onCancel: () => void;
}) {
  const [overlap, setOverlap] = useState('86400');
  const rotate = useMutation({
    mutationFn: () =>
      api.post<{ credential: Credential; secret: unknown }>(`/merchants/${encodeURIComponent(merchantId)}/credentials/${kind}/rotate`, {
        overlap_seconds: Number(overlap),
      }),
    onSuccess: (answer) => onDone(answer.secret),
  });
  function submit(event: SubmitEvent) {
    event.preventDefault();
    rotate.mutate();
  }
  return (
    <form onSubmit={submit} className="stack">
      <p>
        A new <strong>{kind.replace('_', ' ')}</strong> is issued now. The current one keeps working for the overlap, then expires.
      </p>
      <Field label="Overlap in seconds" hint="0 to 604800 (7 days). 86400 is one day.">
        {(props) => (
          <input
            {...props}
            type="number"
            min={0}
            max={604800}
            step={1}
            required
            value={overlap}
            onChange={(e) => setOverlap(e.target.value)}
          />
        )}
      </Field>
      <ErrorNote error={rotate.error} />
      <div className="actions">
        <button type="submit" disabled={rotate.isPending}>
          Rotate now
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
