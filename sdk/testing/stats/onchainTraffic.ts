import { requestInference, sampleInput, type Scenario } from "../local/scenario.js";
import type { SettlementItem } from "../../lib/settlement/item.js";
import { submitBatch } from "../../lib/settlement/submit.js";
import { Mode, Tier } from "../../lib/tiers.js";
import { seededRandom } from "./traffic.js";

/** Parameters of seeded traffic settled on a real chain (small: every ZK item carries a real Groth16 proof). */
export interface OnchainTrafficOptions {
  seed: number;
  epochs: number;
  batchesPerEpoch: number;
  itemsPerBatch: number;
  /** ZK items per batch (each is proved, ~0.5 s); default 1. */
  zkPerBatch?: number;
  /** Add one expired item per batch, which `Partial` mode rejects (and nobody may count); default true. */
  withRejects?: boolean;
  onBatch?: (done: number, total: number) => void;
}

/** What was settled, for checks. */
export interface OnchainTrafficResult {
  batches: number;
  settled: number;
  rejected: number;
  firstBlock: number;
  lastBlock: number;
}

/**
 * Settles seeded mixed-tier batches on the scenario's chain in `Partial` mode, epoch after epoch: after each epoch
 * the chain's clock moves forward by the settlement's epoch length (`evm_increaseTime`, so a local node or the
 * in-process network). The TEE share rises from epoch to epoch, the rest are SIGNED, plus `zkPerBatch` ZK items.
 */
export async function settleSeededTraffic(
  scenario: Scenario,
  options: OnchainTrafficOptions,
): Promise<OnchainTrafficResult> {
  const random = seededRandom(options.seed);
  const provider = scenario.connection.ethers.provider;
  const epochLength = Number(await scenario.system.settlement.epochLength());
  const zkPerBatch = options.zkPerBatch ?? 1;
  if (zkPerBatch > options.itemsPerBatch) throw new RangeError("zkPerBatch exceeds itemsPerBatch");
  const total = options.epochs * options.batchesPerEpoch;
  const result: OnchainTrafficResult = { batches: 0, settled: 0, rejected: 0, firstBlock: -1, lastBlock: -1 };
  let seed = Math.floor(random() * 1_000_000);
  for (let e = 0; e < options.epochs; e++) {
    const teeShare = 0.1 + (0.5 * e) / Math.max(1, options.epochs - 1);
    for (let b = 0; b < options.batchesPerEpoch; b++) {
      const items: SettlementItem[] = [];
      for (let i = 0; i < options.itemsPerBatch; i++) {
        const tier = i < zkPerBatch ? Tier.ZK : random() < teeShare ? Tier.TEE : Tier.SIGNED;
        const client = scenario.clients[Math.floor(random() * scenario.clients.length)];
        const { item } = await requestInference(scenario, { client, tier, input: sampleInput(scenario.model, seed++) });
        items.push(item);
      }
      if (options.withRejects ?? true) {
        const { item } = await requestInference(scenario, {
          client: scenario.clients[0],
          tier: Tier.SIGNED,
          input: sampleInput(scenario.model, seed++),
          deadline: 1n,
        });
        items.push(item);
      }
      const { receipt, outcomes } = await submitBatch(scenario.system.settlement, items, Mode.Partial);
      const settled = outcomes.filter((o) => o.settled).length;
      result.settled += settled;
      result.rejected += outcomes.length - settled;
      if (result.firstBlock < 0) result.firstBlock = receipt.blockNumber;
      result.lastBlock = receipt.blockNumber;
      result.batches++;
      options.onBatch?.(result.batches, total);
    }
    await provider.send("evm_increaseTime", [epochLength]);
    await provider.send("evm_mine", []);
  }
  return result;
}
