import { formatUnits } from "ethers";

import { ALL_TIERS, Tier } from "../../lib/tiers.js";
import type { TierTotal } from "./store.js";

/** The tier mix of one epoch. */
export interface EpochMix {
  epoch: number;
  /** Items per tier, indexed by `Tier`. */
  count: [number, number, number];
  /** Value settled per tier, indexed by `Tier`. */
  value: [bigint, bigint, bigint];
  total: number;
  totalValue: bigint;
  /** Share of items settled under ZK or TEE (the tiers that need no trust in a signer), 0..1. */
  strongShare: number;
  /** The same share by value. */
  strongValueShare: number;
}

/** How the ZK+TEE share moves over the epochs. */
export interface ShareTrend {
  epochs: number;
  /** Least-squares slope of the ZK+TEE item share, in share points (0..1) per epoch. */
  slopePerEpoch: number;
  /** Mean ZK+TEE share of the first and the last quarter of the epochs. */
  firstQuarterShare: number;
  lastQuarterShare: number;
  growing: boolean;
}

/** Folds per-(epoch, tier) totals into one `EpochMix` per epoch, ascending. */
export function epochMix(totals: readonly TierTotal[]): EpochMix[] {
  const byEpoch = new Map<number, EpochMix>();
  for (const t of totals) {
    let mix = byEpoch.get(t.epoch);
    if (mix === undefined) {
      mix = {
        epoch: t.epoch,
        count: [0, 0, 0],
        value: [0n, 0n, 0n],
        total: 0,
        totalValue: 0n,
        strongShare: 0,
        strongValueShare: 0,
      };
      byEpoch.set(t.epoch, mix);
    }
    mix.count[t.tier] += t.count;
    mix.value[t.tier] += t.value;
  }
  const mixes = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  for (const mix of mixes) {
    mix.total = mix.count[0] + mix.count[1] + mix.count[2];
    mix.totalValue = mix.value[0] + mix.value[1] + mix.value[2];
    mix.strongShare = mix.total === 0 ? 0 : (mix.count[Tier.ZK] + mix.count[Tier.TEE]) / mix.total;
    mix.strongValueShare =
      mix.totalValue === 0n
        ? 0
        : Number(((mix.value[Tier.ZK] + mix.value[Tier.TEE]) * 1_000_000n) / mix.totalValue) / 1_000_000;
  }
  return mixes;
}

/** The trend of the ZK+TEE share: least-squares slope over epoch numbers, and first versus last quarter. */
export function shareTrend(mixes: readonly EpochMix[]): ShareTrend {
  const n = mixes.length;
  if (n === 0) return { epochs: 0, slopePerEpoch: 0, firstQuarterShare: 0, lastQuarterShare: 0, growing: false };
  const meanX = mixes.reduce((s, m) => s + m.epoch, 0) / n;
  const meanY = mixes.reduce((s, m) => s + m.strongShare, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const m of mixes) {
    sxy += (m.epoch - meanX) * (m.strongShare - meanY);
    sxx += (m.epoch - meanX) ** 2;
  }
  const slopePerEpoch = sxx === 0 ? 0 : sxy / sxx;
  const quarter = Math.max(1, Math.floor(n / 4));
  const mean = (ms: readonly EpochMix[]) => ms.reduce((s, m) => s + m.strongShare, 0) / ms.length;
  const firstQuarterShare = mean(mixes.slice(0, quarter));
  const lastQuarterShare = mean(mixes.slice(n - quarter));
  return { epochs: n, slopePerEpoch, firstQuarterShare, lastQuarterShare, growing: n > 1 && slopePerEpoch > 0 };
}

/** Options of `formatStatsReport`. */
export interface ReportOptions {
  /** Token decimals for values; default 6 (the test USD token). */
  decimals?: number;
  /** Token symbol; default "tUSD". */
  symbol?: string;
  /** Only the last `lastEpochs` epochs in the per-model table; default all. */
  lastEpochs?: number;
}

const pct = (share: number) => `${(100 * share).toFixed(1)}%`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The text `npm run stats` prints: per epoch per tier, per epoch per model, and the ZK+TEE trend. */
export function formatStatsReport(
  mixes: readonly EpochMix[],
  modelTotals: readonly TierTotal[],
  options: ReportOptions = {},
): string {
  const decimals = options.decimals ?? 6;
  const symbol = options.symbol ?? "tUSD";
  const money = (v: bigint) => Number(formatUnits(v, decimals)).toFixed(2);
  const names = ALL_TIERS.map((t) => Tier[t]);
  const tierRows = mixes.map((m) => [
    String(m.epoch),
    ...ALL_TIERS.map((t) => String(m.count[t])),
    ...ALL_TIERS.map((t) => money(m.value[t])),
    String(m.total),
    pct(m.strongShare),
    pct(m.strongValueShare),
  ]);
  const out: string[] = [];
  out.push(`Per epoch and tier (items; value in ${symbol}):`);
  out.push(
    table(
      ["epoch", ...names.map((n) => `${n} n`), ...names.map((n) => `${n} value`), "items", "ZK+TEE", "ZK+TEE value"],
      tierRows,
    ),
  );

  const lastEpochs = options.lastEpochs ?? mixes.length;
  const shown = new Set(mixes.slice(Math.max(0, mixes.length - lastEpochs)).map((m) => m.epoch));
  const byEpochModel = new Map<string, { epoch: number; modelId: string; count: number[]; value: bigint[] }>();
  for (const t of modelTotals) {
    if (!shown.has(t.epoch)) continue;
    const key = `${t.epoch}/${t.modelId}`;
    let row = byEpochModel.get(key);
    if (row === undefined) {
      row = { epoch: t.epoch, modelId: t.modelId ?? "?", count: [0, 0, 0], value: [0n, 0n, 0n] };
      byEpochModel.set(key, row);
    }
    row.count[t.tier] += t.count;
    row.value[t.tier] += t.value;
  }
  out.push("");
  out.push(`Per epoch and model${lastEpochs < mixes.length ? ` (last ${lastEpochs} epochs)` : ""}:`);
  out.push(
    table(
      ["epoch", "model", ...names.map((n) => `${n} n`), "value"],
      [...byEpochModel.values()].map((r) => [
        String(r.epoch),
        `${r.modelId.slice(0, 10)}…${r.modelId.slice(-8)}`,
        ...ALL_TIERS.map((t) => String(r.count[t])),
        money(r.value[0] + r.value[1] + r.value[2]),
      ]),
    ),
  );

  const trend = shareTrend(mixes);
  out.push("");
  out.push(
    `ZK+TEE share over ${trend.epochs} epochs: ${pct(trend.firstQuarterShare)} (first quarter) -> ` +
      `${pct(trend.lastQuarterShare)} (last quarter), slope ${(100 * trend.slopePerEpoch).toFixed(3)} points per ` +
      `epoch: ${trend.growing ? "growing" : "not growing"}.`,
  );
  return out.join("\n");
}
