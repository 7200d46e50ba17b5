import { randomBytes } from "node:crypto";

import { SNARK_SCALAR_FIELD, toBytes32, type Hex } from "./item.js";

/**
 * Hands out request ids that are below the SNARK scalar field (so a ZK proof can bind them) and consecutive from a
 * random base aligned to 256: consecutive ids of one client share one storage word of the settlement contract's
 * nonce bitmap, which makes marking them used cheap.
 */
export class RequestIdAllocator {
  #next: bigint;

  /** @param base first id; random and 256-aligned when omitted. */
  constructor(base?: bigint) {
    const start = base ?? randomAlignedBase();
    if (start < 0n || start >= SNARK_SCALAR_FIELD - 1n) throw new RangeError("request id base must be below the field");
    this.#next = start;
  }

  /** The next unused id. */
  next(): Hex {
    if (this.#next >= SNARK_SCALAR_FIELD) throw new RangeError("request ids exhausted");
    return toBytes32(this.#next++);
  }
}

function randomAlignedBase(): bigint {
  // 240 random bits, shifted left by 8: always far below the ~2^253.6 field order.
  const random = BigInt(`0x${randomBytes(30).toString("hex")}`);
  return random << 8n;
}
