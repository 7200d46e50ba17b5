import type { Network } from "@x402/core/types";
import type { ContractRunner, Provider, TypedDataDomain } from "ethers";

import {
  InferenceSettlement__factory,
  ModelRegistry__factory,
  SignerRegistry__factory,
  TeeRegistry__factory,
  IPaymentToken__factory,
  type InferenceSettlement,
  type ModelRegistry,
  type SignerRegistry,
  type TeeRegistry,
} from "../../../typechain-types/index.js";
import { readDomain } from "../settlement/typedData.js";
import { caip2 } from "./payload.js";

/** The on-chain side the x402 gateway, facilitator and client read: one settlement contract and its registries. */
export interface TierproofChain {
  chainId: bigint;
  provider: Provider;
  /** CAIP-2 id, e.g. `eip155:31337`. */
  network: Network;
  settlement: InferenceSettlement;
  modelRegistry: ModelRegistry;
  signerRegistry: SignerRegistry;
  teeRegistry: TeeRegistry;
  /** The settlement token (the x402 `asset`). */
  token: string;
  /** The settlement contract's EIP-712 domain, read from the contract (ERC-5267). */
  domain: TypedDataDomain;
  /** The token's EIP-712 domain (ERC-5267), which EIP-3009 authorisations are signed under. */
  tokenDomain: TypedDataDomain;
}

/**
 * Connects to a deployed tierproof system from the settlement contract's address alone (it names its token and
 * registries; the token is read through `IPaymentToken` and must expose ERC-5267 `eip712Domain()`, as TestToken does).
 * `runner` is a provider for reading or a signer for sending settlement transactions.
 */
export async function connectTierproof(runner: ContractRunner, settlementAddress: string): Promise<TierproofChain> {
  const provider: Provider | null = runner.provider ?? null;
  if (provider === null) throw new Error("the runner must be connected to a provider");
  const settlement = InferenceSettlement__factory.connect(settlementAddress, runner);
  const [modelRegistry, signerRegistry, teeRegistry, token, { chainId }, domain] = await Promise.all([
    settlement.modelRegistry(),
    settlement.signerRegistry(),
    settlement.teeRegistry(),
    settlement.token(),
    provider.getNetwork(),
    readDomain(settlement),
  ]);
  return {
    chainId,
    provider,
    network: caip2(chainId),
    settlement,
    modelRegistry: ModelRegistry__factory.connect(modelRegistry, runner),
    signerRegistry: SignerRegistry__factory.connect(signerRegistry, runner),
    teeRegistry: TeeRegistry__factory.connect(teeRegistry, runner),
    token,
    domain,
    tokenDomain: await readDomain(IPaymentToken__factory.connect(token, runner)),
  };
}
