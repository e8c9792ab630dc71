import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type SubmitEvent } from 'react';
import { api } from '../api';
import { columnHelper, DataTable } from '../components/DataTable';
import { SecretView } from '../components/SecretView';
import { Badge, Dialog, ErrorNote, Field, Loading, Mono } from '../components/ui';
import { formatTime } from '../format';
import { useMerchants } from '../queries';
import { useCan } from '../session';
import type { Merchant } from '../types';

/** The connectors a merchant may use (docs/admin-api.md, Merchants and credentials). */
export const CONNECTORS = ['sandbox', 'http-acquirer'];

const helper = columnHelper<Merchant>();
const columns = [
  helper.accessor('name', {
    header: 'Name',
    cell: (info) => (
      <Link to="/merchants/$merchantId" params={{ merchantId: info.row.original.id }}>
        {info.getValue()}
      </Link>
    ),
  }),
  helper.accessor('id', { header: 'Merchant id', cell: (info) => <Mono>{info.getValue()}</Mono> }),
  helper.accessor('connector', { header: 'Connector' }),
  helper.accessor('webhook_url', { header: 'Webhook URL', cell: (info) => (info.getValue() ? <Mono>{info.getValue()}</Mono> : '—') }),
  helper.accessor('disabled_at', {
    header: 'Status',
    cell: (info) => (info.getValue() ? <Badge tone="bad">disabled</Badge> : <Badge tone="good">active</Badge>),
  }),
  helper.accessor('created_at', { header: 'Created (UTC)', cell: (info) => formatTime(info.getValue()) }),
];

export function MerchantsPage() {
  const merchants = useMerchants();
  const canCreate = useCan('admin');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ merchant: Merchant; credentials: unknown } | null>(null);
  return (
    <section aria-labelledby="merchants-title">
      <div className="page-head">
        <h1 id="merchants-title">Merchants &amp; keys</h1>
        {canCreate ? (
          <button type="button" onClick={() => setCreating(true)}>
            New merchant
          </button>
        ) : null}
      </div>
      <ErrorNote error={merchants.error} />
      {merchants.isPending ? <Loading what="Loading merchants" /> : null}
      {merchants.data ? (
        <DataTable caption="Merchants" columns={columns} data={merchants.data.data} empty="No merchant yet." rowKey={(m) => m.id} />
      ) : null}
      <Dialog title="New merchant" open={creating} onClose={() => setCreating(false)}>
        <CreateMerchantForm
          onCreated={(answer) => {
            setCreating(false);
            setCreated(answer);
          }}
          onCancel={() => setCreating(false)}
        />
      </Dialog>
      <Dialog title="Merchant created: its credentials" open={created !== null} onClose={() => setCreated(null)}>
        {created ? (
          <>
            <p>
              <strong>{created.merchant.name}</strong> (<Mono>{created.merchant.id}</Mono>) was created.
            </p>
            <SecretView secret={created.credentials} onClose={() => setCreated(null)} />
          </>
        ) : null}
      </Dialog>
    </section>
  );
}

function CreateMerchantForm({
  onCreated,
  onCancel,
}: {
  onCreated: (answer: { merchant: Merchant; credentials: unknown }) => void;
  onCancel: () => void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [connector, setConnector] = useState('');
  const [captureWindow, setCaptureWindow] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api.post<{ merchant: Merchant; credentials: unknown }>('/merchants', {
        name: name.trim(),
        ...(webhookUrl.trim() ? { webhook_url: webhookUrl.trim() } : {}),
        ...(connector.trim() ? { connector: connector.trim() } : {}),
        ...(captureWindow.trim() ? { capture_window_seconds: Number(captureWindow) } : {}),
      }),
    onSuccess: async (answer) => {
      await queryClient.invalidateQueries({ queryKey: ['merchants'] });
      onCreated(answer);
    },
  });
  function submit(event: SubmitEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <form onSubmit={submit} className="stack">
      <Field label="Name">
        {(props) => <input {...props} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Webhook URL (optional)">
        {(props) => <input {...props} type="url" value={webhookUrl} onChange={(e) => setWebhookUrl(e.target.value)} />}
      </Field>
      <Field label="Connector">
        {(props) => (
          <select {...props} value={connector} onChange={(e) => setConnector(e.target.value)}>
            <option value="">The default</option>
            {CONNECTORS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Capture window in seconds (optional)" hint="Empty: the default.">
        {(props) => (
          <input {...props} inputMode="numeric" pattern="[0-9]*" value={captureWindow} onChange={(e) => setCaptureWindow(e.target.value)} />
        )}
      </Field>
      <ErrorNote error={create.error} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Create merchant
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
