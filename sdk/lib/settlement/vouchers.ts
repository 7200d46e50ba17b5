import {
  AbiCoder,
  Signature,
  TypedDataEncoder,
  ZeroHash,
  getAddress,
  keccak256,
  verifyTypedData,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

import type { InferenceSettlement } from "../../../typechain-types/index.js";
import { Payment, type Hex, type Order, type SettlementItem } from "./item.js";
import { hashOrderStruct } from "./typedData.js";

/** The EIP-712 `Voucher` type, mirroring contracts/libraries/InferenceTypedData.sol. */
export const VOUCHER_TYPES: Record<string, TypedDataField[]> = {
  Voucher: [
    { name: "client", type: "address" },
    { name: "provider", type: "address" },
    { name: "cumulativeAmount", type: "uint256" },
    { name: "ordersHead", type: "bytes32" },
  ],
};

/** The head of a pair's order chain before its first order. */
export const EMPTY_ORDERS_HEAD: Hex = ZeroHash as Hex;

/** What a voucher says: the client pays `provider` at most `cumulativeAmount` in all, for the orders up to `ordersHead`. */
export interface VoucherTerms {
  client: string;
  provider: string;
  cumulativeAmount: bigint;
  ordersHead: Hex;
}

/** A signed voucher, as `settleWithVouchers` takes it. */
export interface Voucher extends VoucherTerms {
  signature: Hex;
}

/** Where a (client, provider) pair stands on chain: paid under vouchers so far, and the head of its order chain. */
export interface VoucherState {
  paid: bigint;
  ordersHead: Hex;
}

/** Extends an order chain by one order: `keccak256(abi.encode(head, orderStructHash))`. */
export function chainOrder(head: Hex, order: Order): Hex {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [head, hashOrderStruct(order)])) as Hex;
}

/** Extends an order chain by several orders, in order. */
export function chainOrders(head: Hex, orders: readonly Order[]): Hex {
  return orders.reduce((current, order) => chainOrder(current, order), head);
}

/** The digest a client signs for a voucher under the settlement contract's domain. */
export function voucherDigest(domain: TypedDataDomain, terms: VoucherTerms): Hex {
  return TypedDataEncoder.hash(domain, VOUCHER_TYPES, pickTerms(terms)) as Hex;
}

/** The client's signature over a voucher (low-s, 65 bytes); the signer must be `terms.client`. */
export async function signVoucher(client: Signer, domain: TypedDataDomain, terms: VoucherTerms): Promise<Voucher> {
  const value = pickTerms(terms);
  if (getAddress(await client.getAddress()) !== value.client) {
    throw new Error(`the voucher is from ${value.client}, the signer is ${await client.getAddress()}`);
  }
  if (value.cumulativeAmount < 0n || value.cumulativeAmount >= 1n << 256n) {
    throw new RangeError(`cumulativeAmount must fit in uint256, got ${value.cumulativeAmount}`);
  }
  const signature = Signature.from(await client.signTypedData(domain, VOUCHER_TYPES, value)).serialized as Hex;
  return { ...value, signature };
}

/** Whether `voucher` is signed by its client (an EOA) under `domain`. */
export function isVoucherSignedByClient(domain: TypedDataDomain, voucher: Voucher): boolean {
  try {
    return (
      getAddress(verifyTypedData(domain, VOUCHER_TYPES, pickTerms(voucher), voucher.signature)) ===
      getAddress(voucher.client)
    );
  } catch {
    return false;
  }
}

/** Reads a pair's on-chain voucher state. */
export async function readVoucherState(
  settlement: InferenceSettlement,
  client: string,
  provider: string,
): Promise<VoucherState> {
  const state = await settlement.voucherState(client, provider);
  return { paid: state.paid, ordersHead: state.ordersHead as Hex };
}

/**
 * The client's side of batched (x402 `upto`) payment to one provider: with each order it extends the chain and
 * signs a new cumulative voucher; the latest voucher authorises every order since the chain's on-chain head.
 * Persist `state` between sessions: a client that restarts from the chain while vouchers are unsettled would fork
 * its chain (the facilitator could then settle only one branch).
 */
export class VoucherSession {
  #head: Hex;
  #cumulative: bigint;

  /**
   * @param client The paying client.
   * @param domain The settlement contract's EIP-712 domain.
   * @param provider The provider paid under this session.
   * @param start Where the chain and the authorised total stand: the on-chain `voucherState` for a fresh session
   * (`cumulativeAmount` = `paid`), or the session's saved state.
   */
  constructor(
    readonly client: Signer,
    readonly domain: TypedDataDomain,
    readonly provider: string,
    start: { ordersHead: Hex; cumulativeAmount: bigint },
  ) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(start.ordersHead))
      throw new Error(`ordersHead must be 32 bytes, got ${start.ordersHead}`);
    if (start.cumulativeAmount < 0n) throw new RangeError("cumulativeAmount must not be negative");
    this.provider = getAddress(provider);
    this.#head = start.ordersHead;
    this.#cumulative = start.cumulativeAmount;
  }

  /** Starts a session from the pair's on-chain state. */
  static async fromChain(
    settlement: InferenceSettlement,
    client: Signer,
    domain: TypedDataDomain,
    provider: string,
  ): Promise<VoucherSession> {
    const state = await readVoucherState(settlement, await client.getAddress(), provider);
    return new VoucherSession(client, domain, provider, { ordersHead: state.ordersHead, cumulativeAmount: state.paid });
  }

  /** The chain head and authorised total after the last `authorize`. */
  get state(): { ordersHead: Hex; cumulativeAmount: bigint } {
    return { ordersHead: this.#head, cumulativeAmount: this.#cumulative };
  }

  /** Authorises `order` (which must be this client's, for this provider): extends the chain and signs the voucher. */
  async authorize(order: Order): Promise<Voucher> {
    const client = getAddress(await this.client.getAddress());
    if (getAddress(order.client) !== client) throw new Error(`order ${order.requestId} is not from ${client}`);
    if (getAddress(order.provider) !== this.provider) {
      throw new Error(`order ${order.requestId} is for ${order.provider}, this session pays ${this.provider}`);
    }
    const ordersHead = chainOrder(this.#head, order);
    const cumulativeAmount = this.#cumulative + order.price;
    const voucher = await signVoucher(this.client, this.domain, {
      client,
      provider: this.provider,
      cumulativeAmount,
      ordersHead,
    });
    this.#head = ordersHead;
    this.#cumulative = cumulativeAmount;
    return voucher;
  }
}

/**
 * The facilitator's side: collects `Voucher` items per (client, provider) in chain order with the latest voucher,
 * checking each new voucher off chain (client's signature, chain extended by exactly the new item), and hands out
 * batches for `settleWithVouchers`. Start each pair from its on-chain state (`start`).
 */
export class VoucherBatcher {
  readonly #pairs = new Map<string, { head: Hex; cumulative: bigint; items: SettlementItem[]; voucher?: Voucher }>();

  /** @param domain The settlement contract's EIP-712 domain. */
  constructor(readonly domain: TypedDataDomain) {}

  /**
   * Adds a fulfilled `Voucher` item and the voucher the client signed with its order. `start` gives the pair's
   * on-chain head the first time the pair is seen (read it with `readVoucherState`).
   */
  add(item: SettlementItem, voucher: Voucher, start?: VoucherState): void {
    if (item.payment !== Payment.Voucher) throw new Error(`item ${item.requestId} is not paid by voucher`);
    const key = pairKey(item.client, item.provider);
    let pair = this.#pairs.get(key);
    if (pair === undefined) {
      if (start === undefined) throw new Error(`first item of ${key}: pass the pair's on-chain voucher state`);
      pair = { head: start.ordersHead, cumulative: start.paid, items: [] };
      this.#pairs.set(key, pair);
    }
    if (pairKey(voucher.client, voucher.provider) !== key) {
      throw new Error(`the voucher is for ${pairKey(voucher.client, voucher.provider)}, the item for ${key}`);
    }
    const head = chainOrder(pair.head, item);
    if (voucher.ordersHead !== head)
      throw new Error(`the voucher does not chain order ${item.requestId} onto the pair's head`);
    if (!isVoucherSignedByClient(this.domain, voucher)) throw new Error(`the voucher is not signed by ${item.client}`);
    if (voucher.cumulativeAmount < pair.cumulative + item.price) {
      throw new Error(`the voucher's cumulative amount does not cover order ${item.requestId}`);
    }
    pair.head = head;
    pair.cumulative = voucher.cumulativeAmount;
    pair.items.push(item);
    pair.voucher = voucher;
  }

  /** How many items wait to be settled. */
  get pending(): number {
    let count = 0;
    for (const pair of this.#pairs.values()) count += pair.items.length;
    return count;
  }

  /** The items and latest vouchers collected so far, for one `settleWithVouchers` call; starts collecting anew. */
  drain(): { items: SettlementItem[]; vouchers: Voucher[] } {
    const items: SettlementItem[] = [];
    const vouchers: Voucher[] = [];
    for (const pair of this.#pairs.values()) {
      if (pair.voucher === undefined || pair.items.length === 0) continue;
      items.push(...pair.items);
      vouchers.push(pair.voucher);
      pair.items = [];
      pair.voucher = undefined;
    }
    return { items, vouchers };
  }
}

function pickTerms(terms: VoucherTerms): VoucherTerms {
  return {
    client: getAddress(terms.client),
    provider: getAddress(terms.provider),
    cumulativeAmount: terms.cumulativeAmount,
    ordersHead: terms.ordersHead,
  };
}

function pairKey(client: string, provider: string): string {
  return `${getAddress(client)}->${getAddress(provider)}`;
}
