import { readFileSync } from "node:fs";

import { Contract, Wallet, keccak256, type Signer } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import Tierproof from "../../../ignition/modules/Tierproof.js";
import {
  InferenceSettlement__factory,
  IZkVerifier__factory,
  ModelRegistry__factory,
  SignerRegistry__factory,
  type IZkVerifier,
  type InferenceSettlement,
  type ModelRegistry,
  type SignerRegistry,
} from "../../../typechain-types/index.js";
import { inferLinear, linearModel } from "../../lib/models/linear.js";
import type { Hex, SettlementItem } from "../../lib/settlement/item.js";
import { modelIdFor } from "../../lib/settlement/modelIds.js";
import { buildOrder } from "../../lib/settlement/order.js";
import { fulfilOrder } from "../../lib/settlement/fulfil.js";
import { SignerProver, ZkProver, type ResultProver } from "../../lib/settlement/provers.js";
import { RequestIdAllocator } from "../../lib/settlement/requestIds.js";
import { signKeyConsent } from "../../lib/settlement/signerKeys.js";
import { submitBatch, type ItemOutcome } from "../../lib/settlement/submit.js";
import { readDomain, signOrder } from "../../lib/settlement/typedData.js";
import { Mode, Tier, tierMask } from "../../lib/tiers.js";
import { hashVector } from "../../lib/zk/poseidon.js";
import { loadCircuitInstance, repositoryCircuit } from "../../tooling/zk/circuitFiles.js";

/** The parameters of the `Tierproof` Ignition module (ignition/parameters/<network>.json). */
export interface TierproofParameters {
  token: string;
  [name: string]: string | number | bigint;
}

/**
 * Reads the `Tierproof` parameters from an Ignition parameters file, turning "123n" strings into bigints as
 * `hardhat ignition deploy --parameters` does.
 */
export function readTierproofParameters(file: string): TierproofParameters {
  const all = JSON.parse(readFileSync(file, "utf8"), (_, value) =>
    typeof value === "string" && /^-?[0-9]+n$/.test(value) ? BigInt(value.slice(0, -1)) : value,
  ) as { Tierproof?: TierproofParameters };
  if (all.Tierproof === undefined) throw new Error(`${file} has no "Tierproof" parameters`);
  return all.Tierproof;
}

/** A `Tierproof` deployment, as typed contracts connected to the deploying account. */
export interface TierproofDeployment {
  account: Signer;
  token: Contract;
  modelRegistry: ModelRegistry;
  signerRegistry: SignerRegistry;
  settlement: InferenceSettlement;
  linear4Verifier: IZkVerifier;
}

const ERC20_ABI = [
  "function approve(address spender, uint256 amount) returns (bool)",
  "function balanceOf(address owner) view returns (uint256)",
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
];

/**
 * Deploys (or, for a deployment id that already has it, reuses: Ignition is idempotent) the `Tierproof` module with
 * `parameters` from the connection's first account.
 */
export async function deployTierproof(
  connection: NetworkConnection,
  parameters: TierproofParameters,
  options: { deploymentId?: string; displayUi?: boolean } = {},
): Promise<TierproofDeployment> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(parameters.token)) throw new Error(`token ${parameters.token} is not an address`);
  const deployed = await connection.ignition.deploy(Tierproof, {
    parameters: { Tierproof: parameters },
    deploymentId: options.deploymentId,
    displayUi: options.displayUi ?? false,
  });
  const [account] = await connection.ethers.getSigners();
  const at = (contract: { getAddress(): Promise<string> }) => contract.getAddress();
  return {
    account,
    token: new Contract(parameters.token, ERC20_ABI, account),
    modelRegistry: ModelRegistry__factory.connect(await at(deployed.modelRegistry), account),
    signerRegistry: SignerRegistry__factory.connect(await at(deployed.signerRegistry), account),
    settlement: InferenceSettlement__factory.connect(await at(deployed.settlement), account),
    linear4Verifier: IZkVerifier__factory.connect(await at(deployed.linear4Verifier), account),
  };
}

/**
 * The SIGNED-tier key of `account`, derived from its signature over a fixed message (deterministic, RFC 6979), so a
 * testnet user needs no second secret and gets the same signer key on every run. For a deployment that holds value,
 * keep the signer key apart from the provider's key instead.
 */
export async function deriveSignerKey(account: Signer): Promise<Wallet> {
  const signature = await account.signMessage("tierproof testnet signer key v1");
  return new Wallet(keccak256(signature));
}

/** The circuit the testnet walk-through serves, and its prices in token units (USDC: 6 decimals). */
export const TESTNET_CIRCUIT = "Linear_4";
export const TESTNET_PRICES = { [Tier.ZK]: 3_000n, [Tier.TEE]: 2_000n, [Tier.SIGNED]: 1_000n } as const;

/** What `settleSampleBatch` did. */
export interface SampleBatch {
  modelId: Hex;
  transactionHash: string;
  gasUsed: bigint;
  outcomes: ItemOutcome[];
}

/**
 * The walk-through's batch, with the one funded key a testnet user has playing every role (model owner, provider,
 * client): registers the `Linear_4` model for the ZK and SIGNED tiers, stakes `minStake` and registers `signerKey`
 * as the provider's signer (each only once), deposits the batch's price, then proves `count` inferences alternating
 * ZK (Groth16) and SIGNED and settles them in one Atomic transaction. Needs `minStake` plus the prices in the token.
 */
export async function settleSampleBatch(
  deployment: TierproofDeployment,
  options: { signerKey: Wallet; count: number },
): Promise<SampleBatch> {
  if (!Number.isInteger(options.count) || options.count < 1) throw new Error(`count = ${options.count}: use 1 or more`);
  const { account, token, modelRegistry, signerRegistry, settlement, linear4Verifier } = deployment;
  const me = await account.getAddress();
  const wait = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();

  const model = linearModel(loadCircuitInstance(TESTNET_CIRCUIT));
  const modelId = modelIdFor(me, TESTNET_CIRCUIT);
  // `terms` does not revert for an unknown id: the model exists (and accepts ZK) after a previous run.
  const [registered] = await modelRegistry.terms(modelId, Tier.ZK);
  if (!registered) {
    await wait(
      modelRegistry.registerModel(modelId, {
        verifier: await linear4Verifier.getAddress(),
        verifyingKeyHash: await linear4Verifier.verifyingKeyHash(),
        weightsCommitment: `0x${hashVector([...model.weights, model.bias])
          .toString(16)
          .padStart(64, "0")}`,
        privateWeights: false,
        inputSize: model.weights.length,
        outputSize: 1,
        fracBits: model.fracBits,
        acceptedTiers: tierMask([Tier.ZK, Tier.SIGNED]),
        prices: [TESTNET_PRICES[Tier.ZK], TESTNET_PRICES[Tier.TEE], TESTNET_PRICES[Tier.SIGNED]],
      }),
    );
  }

  const [, status] = await signerRegistry.signerStatus(options.signerKey.address);
  if (status === 0n) {
    const minStake = await signerRegistry.minStake();
    await wait(token.approve(await signerRegistry.getAddress(), minStake));
    await wait(signerRegistry.stake(minStake));
    const consent = await signKeyConsent(options.signerKey, await readDomain(signerRegistry), me);
    await wait(signerRegistry.registerSigner(options.signerKey.address, consent));
  }

  const tiers = Array.from({ length: options.count }, (_, i) => (i % 2 === 0 ? Tier.ZK : Tier.SIGNED));
  const total = tiers.reduce((sum, tier) => sum + TESTNET_PRICES[tier], 0n);
  await wait(token.approve(await settlement.getAddress(), total));
  await wait(settlement.depositFor(me, total));

  const domain = await readDomain(settlement);
  const provers: Partial<Record<Tier, ResultProver>> = {
    [Tier.ZK]: new ZkProver(repositoryCircuit(TESTNET_CIRCUIT)),
    [Tier.SIGNED]: new SignerProver(options.signerKey, domain),
  };
  const ids = new RequestIdAllocator();
  const latest = await account.provider!.getBlock("latest");
  if (latest === null) throw new Error("could not read the latest block");
  const items: SettlementItem[] = [];
  for (const [i, tier] of tiers.entries()) {
    const input = model.weights.map((_, j) => BigInt(((i + 1) * 97 + j * 31) % 2048) - 1024n);
    const order = buildOrder({
      requestId: ids.next(),
      modelId,
      client: me,
      provider: me,
      tier,
      input,
      price: TESTNET_PRICES[tier],
      deadline: BigInt(latest.timestamp) + 3600n,
    });
    const signature = await signOrder(account, domain, order);
    const { item } = await fulfilOrder(order, signature, input, (x) => [inferLinear(model, [...x])], provers[tier]!);
    items.push(item);
  }
  const { receipt, outcomes } = await submitBatch(settlement, items, Mode.Atomic);
  return { modelId, transactionHash: receipt.hash, gasUsed: receipt.gasUsed, outcomes };
}
