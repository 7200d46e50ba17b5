/** Verification tier of one result; the numbers are part of the on-chain EIP-712 structs. */
export enum Tier {
  ZK = 0,
  TEE = 1,
  SIGNED = 2,
}

/** How a settlement batch treats a bad item: revert the batch, or skip the item and settle the rest. */
export enum Mode {
  Atomic = 0,
  Partial = 1,
}

/** Every tier, in on-chain order. */
export const ALL_TIERS: readonly Tier[] = [Tier.ZK, Tier.TEE, Tier.SIGNED];

/** A bit mask with the given tiers set (the ModelRegistry's `acceptedTiers`). */
export function tierMask(tiers: readonly Tier[]): number {
  return tiers.reduce((mask, tier) => mask | (1 << tier), 0);
}

/** Parses "ZK" | "TEE" | "SIGNED" (any case); throws on anything else. */
export function parseTier(name: string): Tier {
  const tier = Tier[name.toUpperCase() as keyof typeof Tier];
  if (tier === undefined) throw new Error(`unknown tier "${name}": expected ZK, TEE or SIGNED`);
  return tier;
}
