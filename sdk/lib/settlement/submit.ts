import type { ContractTransactionReceipt, Interface } from "ethers";

import type { InferenceSettlement } from "../../../typechain-types/index.js";
import { ALL_TIERS, Mode, Tier } from "../tiers.js";
import type { SettlementItem } from "./item.js";
import type { Voucher } from "./vouchers.js";

/** What happened to one item of a submitted batch. */
export interface ItemOutcome {
  index: number;
  requestId: string;
  tier: Tier;
  settled: boolean;
  /** For a rejected item: the decoded custom error, e.g. `SettlementOrderExpired(0x.., 1700000000)`. */
  reason?: string;
}

/** A mined settlement batch. */
export interface BatchResult {
  receipt: ContractTransactionReceipt;
  outcomes: ItemOutcome[];
}

/** Decodes ABI-encoded revert data of a custom error into `Name(arg, ...)`; raw hex if unknown. */
export function describeError(contractInterface: Interface, data: string): string {
  const parsed = contractInterface.parseError(data);
  if (parsed === null) return data;
  return `${parsed.name}(${parsed.args.map(String).join(", ")})`;
}

/**
 * Submits `items` in one transaction (`settle`, or `settleWithVouchers` when `vouchers` pay `Voucher` items) and
 * reports, from its events, which settled and why others did not.
 */
export async function submitBatch(
  settlement: InferenceSettlement,
  items: readonly SettlementItem[],
  mode: Mode,
  vouchers: readonly Voucher[] = [],
): Promise<BatchResult> {
  if (items.length === 0) throw new Error("a batch needs at least one item");
  const tx =
    vouchers.length === 0
      ? await settlement.settle([...items], mode)
      : await settlement.settleWithVouchers([...items], [...vouchers], mode);
  const receipt = await tx.wait();
  if (receipt === null) throw new Error(`settlement transaction ${tx.hash} was dropped`);

  const outcomes: ItemOutcome[] = items.map((item, index) => ({
    index,
    requestId: item.requestId,
    tier: item.tier,
    settled: true,
  }));
  for (const log of receipt.logs) {
    const parsed = settlement.interface.parseLog(log);
    if (parsed?.name !== "ItemRejected") continue;
    const outcome = outcomes[Number(parsed.args.index)];
    outcome.settled = false;
    outcome.reason = describeError(settlement.interface, parsed.args.reason);
  }
  return { receipt, outcomes };
}

/** Gas of a batch and each tier's share of it. */
export interface TierGas {
  total: bigint;
  perItem: bigint;
  /** Marginal gas per item of each tier present: (gas(batch) - gas(batch without that tier)) / its item count. */
  perTier: Partial<Record<Tier, bigint>>;
}

/** Estimates the gas of settling `items` (with `vouchers`, if any) without sending it. */
export async function estimateBatchGas(
  settlement: InferenceSettlement,
  items: readonly SettlementItem[],
  mode: Mode,
  vouchers: readonly Voucher[] = [],
): Promise<bigint> {
  return vouchers.length === 0
    ? settlement.settle.estimateGas([...items], mode)
    : settlement.settleWithVouchers.estimateGas([...items], [...vouchers], mode);
}

/**
 * Attributes the gas of one mixed batch to its tiers by estimating the batch with and without each tier's items
 * (calldata included, state untouched). A batch of a single tier attributes its whole gas to that tier. Only for
 * batches without vouchers (removing items would break a voucher's order chain).
 */
export async function measureTierGas(
  settlement: InferenceSettlement,
  items: readonly SettlementItem[],
  mode: Mode,
): Promise<TierGas> {
  const total = await settlement.settle.estimateGas([...items], mode);
  const perTier: Partial<Record<Tier, bigint>> = {};
  for (const tier of ALL_TIERS) {
    const ofTier = items.filter((item) => item.tier === tier).length;
    if (ofTier === 0) continue;
    const rest = items.filter((item) => item.tier !== tier);
    const withoutTier = rest.length === 0 ? 0n : await settlement.settle.estimateGas(rest, mode);
    perTier[tier] = (total - withoutTier) / BigInt(ofTier);
  }
  return { total, perItem: total / BigInt(items.length), perTier };
}
