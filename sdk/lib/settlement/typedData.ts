import { Signature, TypedDataEncoder, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";

import type { Hex, Order } from "./item.js";

/** The EIP-712 types of `InferenceSettlement`, mirroring contracts/libraries/InferenceTypedData.sol. */
export const ORDER_TYPES: Record<string, TypedDataField[]> = {
  Order: [
    { name: "requestId", type: "bytes32" },
    { name: "modelId", type: "bytes32" },
    { name: "client", type: "address" },
    { name: "provider", type: "address" },
    { name: "tier", type: "uint8" },
    { name: "inputHash", type: "bytes32" },
    { name: "price", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
};

/** What an enclave or a staked signer signs: this order's output. */
export const RESULT_TYPES: Record<string, TypedDataField[]> = {
  InferenceResult: [
    { name: "orderHash", type: "bytes32" },
    { name: "outputHash", type: "bytes32" },
  ],
};

/** Something that exposes ERC-5267 `eip712Domain()`, as the settlement contract does. */
export interface Eip712DomainSource {
  eip712Domain(): Promise<[string, string, string, bigint, string, string, bigint[]]>;
}

/**
 * Reads the EIP-712 domain from the contract itself (ERC-5267), so signatures are always bound to the chain and
 * contract they will be checked by.
 */
export async function readDomain(contract: Eip712DomainSource): Promise<TypedDataDomain> {
  const [, name, version, chainId, verifyingContract] = await contract.eip712Domain();
  return { name, version, chainId, verifyingContract };
}

/** The EIP-712 struct hash of an order (what a result signature refers to). */
export function hashOrderStruct(order: Order): Hex {
  return TypedDataEncoder.hashStruct("Order", ORDER_TYPES, order) as Hex;
}

/** The digest a client signs for `order` under `domain`. */
export function orderDigest(domain: TypedDataDomain, order: Order): Hex {
  return TypedDataEncoder.hash(domain, ORDER_TYPES, order) as Hex;
}

/** The digest an enclave or signer signs for `order`'s output `outputHash` under `domain`. */
export function resultDigest(domain: TypedDataDomain, order: Order, outputHash: Hex): Hex {
  return TypedDataEncoder.hash(domain, RESULT_TYPES, { orderHash: hashOrderStruct(order), outputHash }) as Hex;
}

/** The client's signature over `order`. */
export async function signOrder(client: Signer, domain: TypedDataDomain, order: Order): Promise<Hex> {
  return normalized(await client.signTypedData(domain, ORDER_TYPES, order));
}

/** A TEE enclave's or SIGNED signer's signature over `order`'s output. */
export async function signResult(signer: Signer, domain: TypedDataDomain, order: Order, outputHash: Hex): Promise<Hex> {
  const value = { orderHash: hashOrderStruct(order), outputHash };
  return normalized(await signer.signTypedData(domain, RESULT_TYPES, value));
}

/** The 65-byte r‖s‖v form with low s, the only form the contracts accept. */
function normalized(signature: string): Hex {
  return Signature.from(signature).serialized as Hex;
}
