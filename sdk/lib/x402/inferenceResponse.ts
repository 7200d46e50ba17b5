import type { Hex } from "../settlement/item.js";
import type { Tier } from "../tiers.js";

/** What a gateway answers for a paid inference (`POST /v1/models/:modelId/infer`), as JSON. */
export interface InferenceResponse {
  requestId: Hex;
  modelId: Hex;
  tier: keyof typeof Tier;
  /** The fixed-point output vector, as decimal strings. */
  output: string[];
  outputHash: Hex;
  /** The tier's proof as the settlement contract takes it (ZK: ABI-encoded Groth16 proof; TEE/SIGNED: signature). */
  proof: Hex;
}
