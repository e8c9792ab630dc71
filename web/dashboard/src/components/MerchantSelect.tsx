import { useMerchants } from '../queries';
import { Field } from './ui';

/** A merchant filter: every merchant the caller sees, or all of them. */
export function MerchantSelect({
  value,
  onChange,
  label = 'Merchant',
}: {
  value: string;
  onChange: (value: string) => void;
  label?: string;
}) {
  const merchants = useMerchants();
  return (
    <Field label={label}>
      {(props) => (
        <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">All merchants</option>
          {(merchants.data?.data ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
