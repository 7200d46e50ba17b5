/** Enclave heartbeats for the TeeRegistry's liveness policy. Mirrors `TeeRegistry.HEARTBEAT_TYPEHASH`. */
import type { TypedDataDomain, TypedDataField } from "ethers";

/** The EIP-712 type an enclave key signs to show it is alive. */
export const HEARTBEAT_TYPES: Record<string, TypedDataField[]> = {
  Heartbeat: [
    { name: "enclaveKey", type: "address" },
    { name: "blockNumber", type: "uint256" },
    { name: "blockHash", type: "bytes32" },
  ],
};

/** The EIP-712 domain of a deployed `TeeRegistry`. */
export function teeRegistryDomain(chainId: bigint, registry: string): TypedDataDomain {
  return { name: "TeeRegistry", version: "1", chainId, verifyingContract: registry };
}
