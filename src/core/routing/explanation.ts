/**
 * Why routing chose what it chose (docs/routing.md "Commands"): the JSON `--json` prints,
 * and the same as lines of text.
 */
import type { CardNetwork } from '../../domain/card.js';

export interface GatewayVerdict {
  account: string;
  /** null when the rules name an account the merchant no longer has. */
  name: string | null;
  /**
   * candidate: to be tried; forced: tried although its circuit is open (every one is);
   * skipped: not tried (reason says why); spare: usable, but enough candidates came before it.
   */
  status: 'candidate' | 'forced' | 'skipped' | 'spare';
  reason: string;
}

export interface VolumeSplitStep {
  /** null when no usable account has a weight above 0: the list's order is kept. */
  drawn: string | null;
  shares: { account: string; name: string; weight: number; share: number }[];
}

export interface SuccessRateStep {
  network: CardNetwork;
  window: number;
  minSample: number;
  rates: { account: string; name: string; approved: number; total: number; counted: boolean }[];
  /** Whether the rates changed the order (at least two accounts with enough outcomes, not exploring). */
  applied: boolean;
  /** This authorization fell in the exploration share: the rule's order is kept. */
  exploring: boolean;
}

export interface RoutingExplanation {
  /** rules: the merchant's routing rules decided; merchant_connector: it has none, so its own connector. */
  source: 'rules' | 'merchant_connector';
  rulesChecked: { rule: string; index: number; matched: boolean; reasons: string[] }[];
  list: { kind: 'rule'; rule: string } | { kind: 'default' } | { kind: 'merchant_connector'; connector: string };
  split: VolumeSplitStep | null;
  successRate: SuccessRateStep | null;
  /** The accounts in the order they were considered, then those dropped. */
  gateways: GatewayVerdict[];
  allCircuitsOpen: boolean;
  candidates: string[];
}

const label = (account: string, name: string | null) => (name === null ? account : `${name} (${account})`);
const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

export function explanationLines(explanation: RoutingExplanation): string[] {
  const lines: string[] = [];
  const nameOf = new Map(explanation.gateways.map((g) => [g.account, g.name]));
  const candidates = explanation.candidates.map((id) => label(id, nameOf.get(id) ?? null));
  lines.push(`Candidates: ${candidates.length > 0 ? candidates.join(', ') : 'none (no usable gateway account)'}`);
  if (explanation.list.kind === 'merchant_connector') {
    lines.push(`No routing rules: the merchant's own connector, ${explanation.list.connector}.`);
    return lines;
  }
  for (const checked of explanation.rulesChecked) {
    const verb = checked.matched ? 'matched' : 'did not match';
    lines.push(`Rule ${checked.index + 1} "${checked.rule}" ${verb}: ${checked.reasons.join('; ')}`);
  }
  if (explanation.list.kind === 'default') lines.push('No rule matched: the default list.');
  const split = explanation.split;
  if (split) {
    const shares = split.shares.map((s) => `${s.name} ${s.weight} (${percent(s.share)})`).join(', ');
    const drawn = split.shares.find((s) => s.account === split.drawn);
    lines.push(
      drawn
        ? `Volume split: ${drawn.name} drawn first by weight among ${shares}; the others follow in the list's order.`
        : `Volume split: no usable account has a weight above 0; the list's order is kept.`,
    );
  }
  const rate = explanation.successRate;
  if (rate) {
    const rates = rate.rates
      .map((r) => `${r.name} ${r.approved}/${r.total}${r.counted ? '' : ` (fewer than ${rate.minSample})`}`)
      .join(', ');
    const outcome = rate.exploring
      ? "exploring: the rule's order is kept this time"
      : rate.applied
        ? 'accounts with enough outcomes ordered by success rate'
        : 'fewer than two accounts with enough outcomes: order unchanged';
    const after = explanation.split?.drawn ? ', after the account drawn first' : '';
    lines.push(`Success rate on ${rate.network} (last ${rate.window}${after}): ${rates || 'no accounts'}; ${outcome}.`);
  }
  if (explanation.allCircuitsOpen) lines.push("Every usable account's circuit is open: trying them anyway, least recently failed first.");
  lines.push('Gateways, in the order considered:');
  explanation.gateways.forEach((g, i) => {
    lines.push(`  ${i + 1}. ${label(g.account, g.name)}: ${g.status}, ${g.reason}`);
  });
  return lines;
}
