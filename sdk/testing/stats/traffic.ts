import { Tier } from "../../lib/tiers.js";
import type { SettledItem } from "../../services/stats/events.js";

/** Parameters of a synthetic settlement history. */
export interface TrafficOptions {
  /** Seed of the pseudo-random generator: the same options give the same history. */
  seed: number;
  /** Total items to generate (spread over the epochs with a growing, weekly-seasonal volume). */
  items: number;
  /** Number of epochs (days); default 90. */
  epochs?: number;
  /** The first epoch number; default 20,000 (a day number in 2024). */
  firstEpoch?: number;
  /** Items per settlement batch (one batch per block); default 100. */
  itemsPerBatch?: number;
  /** Models, clients and providers taking part; defaults 4, 500, 12. */
  models?: number;
  clients?: number;
  providers?: number;
  /** Block number of the first batch; default 1. */
  firstBlock?: number;
}

/** One synthetic batch: the items of one `settle` call, all in block `blockNumber`. */
export interface TrafficBatch {
  blockNumber: number;
  items: SettledItem[];
}

/** splitmix32: a small, well-mixed 32-bit generator, enough for synthetic traffic (not for anything secret). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
  };
}

const hex = (random: () => number, bytes: number) => {
  let out = "0x";
  for (let i = 0; i < bytes; i++)
    out += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, "0");
  return out;
};

/** Price per tier of model `m` (test USD, 6 decimals): stronger tiers cost more; bigger models cost more. */
export function syntheticPrice(model: number, tier: Tier): bigint {
  const base = [3_000n, 2_000n, 1_000n][tier];
  return base * BigInt(1 + model);
}

/**
 * A seeded, realistic settlement history, batch by batch. Volume grows over the epochs with a weekly rhythm and
 * noise; model popularity follows a Zipf law; each model's tier mix drifts from mostly SIGNED towards ZK and TEE
 * (the trend the statistics should reveal), at a model-specific pace; request ids are below the SNARK field.
 */
export function* syntheticHistory(options: TrafficOptions): Generator<TrafficBatch> {
  const epochs = options.epochs ?? 90;
  const firstEpoch = options.firstEpoch ?? 20_000;
  const perBatch = options.itemsPerBatch ?? 100;
  const modelCount = options.models ?? 4;
  const clientCount = options.clients ?? 500;
  const providerCount = options.providers ?? 12;
  for (const [name, value] of Object.entries({
    items: options.items,
    epochs,
    perBatch,
    modelCount,
    clientCount,
    providerCount,
  })) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  const random = seededRandom(options.seed);
  const models = Array.from({ length: modelCount }, () => hex(random, 32));
  const clients = Array.from({ length: clientCount }, () => hex(random, 20));
  const providers = Array.from({ length: providerCount }, () => hex(random, 20));
  const popularity = models.map((_, m) => 1 / (m + 1));
  const popularityTotal = popularity.reduce((a, b) => a + b, 0);
  const pace = models.map(() => 0.5 + random()); // how fast each model's users move to ZK/TEE

  // Volume per epoch: growth x weekly rhythm x noise, scaled to the requested total.
  const weights = Array.from({ length: epochs }, (_, e) => {
    const growth = 1 + (1.5 * e) / Math.max(1, epochs - 1);
    const weekly = e % 7 === 5 || e % 7 === 6 ? 0.7 : 1;
    return growth * weekly * (0.85 + 0.3 * random());
  });
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  const perEpoch = weights.map((w) => Math.floor((options.items * w) / weightTotal));
  perEpoch[epochs - 1] += options.items - perEpoch.reduce((a, b) => a + b, 0);

  let blockNumber = options.firstBlock ?? 1;
  for (let e = 0; e < epochs; e++) {
    const progress = e / Math.max(1, epochs - 1);
    let left = perEpoch[e];
    while (left > 0) {
      const size = Math.min(perBatch, left);
      left -= size;
      const items: SettledItem[] = [];
      for (let logIndex = 0; logIndex < size; logIndex++) {
        let pick = random() * popularityTotal;
        let model = 0;
        while (model < modelCount - 1 && pick >= popularity[model]) pick -= popularity[model++];
        const drift = Math.min(1, progress * pace[model]);
        const zk = 0.04 + 0.22 * drift;
        const tee = 0.12 + 0.18 * drift;
        const r = random();
        const tier = r < zk ? Tier.ZK : r < zk + tee ? Tier.TEE : Tier.SIGNED;
        items.push({
          blockNumber,
          logIndex,
          requestId: `0x00${hex(random, 31).slice(2)}`,
          client: clients[Math.floor(random() * clientCount)],
          provider: providers[Math.floor(random() * providerCount)],
          modelId: models[model],
          tier,
          price: syntheticPrice(model, tier),
          epoch: firstEpoch + e,
        });
      }
      yield { blockNumber, items };
      blockNumber++;
    }
  }
}
