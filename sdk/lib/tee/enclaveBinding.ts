import { AbiCoder, keccak256 } from "ethers";

import type { Hex } from "../settlement/item.js";

/** Where and by whom an enclave registers, and the block whose hash its attestation binds. */
export interface EnclaveBindingContext {
  /** The account that will call `registerEnclave` (or `reattest`) and be paid for the enclave's results. */
  operator: string;
  chainId: bigint;
  registry: string;
  bindingBlockHash: Hex;
}

/**
 * The report data the TeeRegistry expects: keccak256(abi.encode(enclaveKey, operator, chainId, registry, blockhash)).
 * Mirrors `TeeRegistry.enclaveBinding`.
 */
export function enclaveBinding(enclaveKey: string, context: EnclaveBindingContext): Hex {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "address", "uint256", "address", "bytes32"],
      [enclaveKey, context.operator, context.chainId, context.registry, context.bindingBlockHash],
    ),
  ) as Hex;
}
