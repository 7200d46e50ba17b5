import {
  Signature,
  TypedDataEncoder,
  getAddress,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

import type { Hex, Order } from "./item.js";
import { orderDigest } from "./typedData.js";

/** The EIP-3009 `ReceiveWithAuthorization` type (USDC FiatToken v2 and `TestToken`). */
export const RECEIVE_WITH_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  ReceiveWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

/** An EIP-3009 `receiveWithAuthorization` message: `from` lets `to` (and only `to`) pull `value`. */
export interface ReceiveAuthorization {
  from: string;
  to: string;
  value: bigint;
  /** Valid strictly after this unix time. */
  validAfter: bigint;
  /** Valid strictly before this unix time. */
  validBefore: bigint;
  nonce: Hex;
}

/** A signed `ReceiveAuthorization`. */
export interface SignedReceiveAuthorization extends ReceiveAuthorization {
  signature: Hex;
}

/** The validity window of an `exact` payment, in unix seconds. */
export interface AuthorizationWindow {
  /** Defaults to 0 (valid at once). */
  validAfter?: bigint;
  validBefore: bigint;
}

const UINT256_MAX = (1n << 256n) - 1n;

/** Signs an EIP-3009 `ReceiveWithAuthorization` under the token's EIP-712 domain; the signer must be `from`. */
export async function signReceiveAuthorization(
  signer: Signer,
  tokenDomain: TypedDataDomain,
  authorization: ReceiveAuthorization,
): Promise<SignedReceiveAuthorization> {
  const from = getAddress(authorization.from);
  if (getAddress(await signer.getAddress()) !== from) {
    throw new Error(`the authorization is from ${from}, the signer is ${await signer.getAddress()}`);
  }
  for (const field of ["value", "validAfter", "validBefore"] as const) {
    const value = authorization[field];
    if (value < 0n || value > UINT256_MAX) throw new RangeError(`${field} must fit in uint256, got ${value}`);
  }
  if (authorization.validBefore <= authorization.validAfter) {
    throw new RangeError(
      `validBefore (${authorization.validBefore}) must be after validAfter (${authorization.validAfter})`,
    );
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(authorization.nonce))
    throw new Error(`nonce must be 32 bytes, got ${authorization.nonce}`);
  const message = { ...authorization, from, to: getAddress(authorization.to) };
  const signature = Signature.from(await signer.signTypedData(tokenDomain, RECEIVE_WITH_AUTHORIZATION_TYPES, message))
    .serialized as Hex;
  return { ...message, signature };
}

/** The digest of a `ReceiveWithAuthorization` under `tokenDomain` (what the token checks). */
export function receiveAuthorizationDigest(tokenDomain: TypedDataDomain, authorization: ReceiveAuthorization): Hex {
  return TypedDataEncoder.hash(tokenDomain, RECEIVE_WITH_AUTHORIZATION_TYPES, authorization) as Hex;
}

/**
 * The nonce of an order's `exact` payment: the order's EIP-712 digest under the settlement contract's domain
 * (`InferenceSettlement.orderDigest`). Bound to the chain, the settlement contract and every field of the order,
 * so the authorisation can only be redeemed by settling a verified result for this very order.
 */
export function exactPaymentNonce(settlementDomain: TypedDataDomain, order: Order): Hex {
  return orderDigest(settlementDomain, order);
}

/**
 * The client's side of an x402 `exact` payment for `order`: signs `receiveWithAuthorization(from = client,
 * to = settlement contract, value = price, nonce = exactPaymentNonce(order))`.
 */
export async function authorizeExactPayment(
  client: Signer,
  settlementDomain: TypedDataDomain,
  tokenDomain: TypedDataDomain,
  order: Order,
  window: AuthorizationWindow,
): Promise<SignedReceiveAuthorization> {
  if (settlementDomain.verifyingContract == null) throw new Error("the settlement domain names no contract");
  return signReceiveAuthorization(client, tokenDomain, {
    from: order.client,
    to: settlementDomain.verifyingContract,
    value: order.price,
    validAfter: window.validAfter ?? 0n,
    validBefore: window.validBefore,
    nonce: exactPaymentNonce(settlementDomain, order),
  });
}

/** An `Exact` item's `clientSignature`: `validAfter (32 bytes) || validBefore (32 bytes) || signature`. */
export function encodeExactAuthorization(
  authorization: Pick<SignedReceiveAuthorization, "validAfter" | "validBefore" | "signature">,
): Hex {
  const word = (value: bigint) => value.toString(16).padStart(64, "0");
  if (!/^0x[0-9a-fA-F]*$/.test(authorization.signature) || authorization.signature.length < 4) {
    throw new Error(`signature must be non-empty hex, got ${authorization.signature}`);
  }
  return `0x${word(authorization.validAfter)}${word(authorization.validBefore)}${authorization.signature.slice(2)}`;
}

/** Splits an `Exact` item's `clientSignature` into its window and signature. */
export function decodeExactAuthorization(encoded: Hex): { validAfter: bigint; validBefore: bigint; signature: Hex } {
  if (!/^0x[0-9a-fA-F]*$/.test(encoded) || encoded.length <= 2 + 128) {
    throw new Error("an exact authorization is validAfter || validBefore || signature (more than 64 bytes)");
  }
  return {
    validAfter: BigInt(`0x${encoded.slice(2, 66)}`),
    validBefore: BigInt(`0x${encoded.slice(66, 130)}`),
    signature: `0x${encoded.slice(130)}`,
  };
}
