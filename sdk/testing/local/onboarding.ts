import { ZeroAddress, ZeroHash } from "ethers";
import type { BaseWallet, ContractTransactionReceipt, ContractTransactionResponse, Signer, Wallet } from "ethers";

import type {
  DcapQuoteV4Verifier,
  IZkVerifier,
  InferenceSettlement,
  ModelRegistry,
  TeeRegistry,
  SignerRegistry,
  TestToken,
} from "../../../typechain-types/index.js";
import { toBytes32, type Hex } from "../../lib/settlement/item.js";
import { signKeyConsent } from "../../lib/settlement/signerKeys.js";
import { readDomain } from "../../lib/settlement/typedData.js";
import type { SimulatedEnclave } from "../tee/enclave.js";
import { createTestPckChain, dcapTcbId } from "../tee/pckChain.js";
import { TEE_TYPE, createQuotingPlatform } from "../tee/quoteV4.js";
import { TcbStatus } from "../../lib/tee/tcbStatus.js";
import { ALL_TIERS, Tier, tierMask } from "../../lib/tiers.js";
import { weightsCommitment } from "../../lib/zk/modelWeights.js";
import { loadCircuitInstance, trainedWeightsCommitment } from "../../tooling/zk/circuitFiles.js";

/** Waits for a sent transaction and returns its receipt (an error if the node dropped it). */
export async function mined(sent: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const tx = await sent;
  const receipt = await tx.wait();
  if (receipt === null) throw new Error(`transaction ${tx.hash} was dropped`);
  return receipt;
}

/** What a model takes and gives: input and output vector lengths and the fixed-point fraction bits. */
export interface ModelShape {
  inputSize: number;
  outputSize: number;
  fracBits: number;
}

/**
 * Registers `modelId` (owned by `owner`) as circuit `circuitName` of shape `shape`, verified by its generated Groth16
 * `verifier` (whose verifying-key hash is read from it), with the instance's weights commitment, accepting `tiers` at
 * `prices` (test-token units per tier). Resolves to the `registerModel` receipt.
 */
export async function registerCircuitModel(
  modelRegistry: ModelRegistry,
  owner: Signer,
  modelId: Hex,
  circuitName: string,
  shape: ModelShape,
  verifier: IZkVerifier,
  prices: Record<Tier, bigint>,
  tiers: readonly Tier[] = ALL_TIERS,
): Promise<ContractTransactionReceipt> {
  return mined(
    modelRegistry.connect(owner).registerModel(modelId, {
      verifier: await verifier.getAddress(),
      verifyingKeyHash: await verifier.verifyingKeyHash(),
      weightsCommitment: toBytes32(trainedWeightsCommitment(circuitName)),
      privateWeights: loadCircuitInstance(circuitName).weightsOf !== undefined,
      inputSize: shape.inputSize,
      outputSize: shape.outputSize,
      fracBits: shape.fracBits,
      acceptedTiers: tierMask(tiers),
      prices: [prices[Tier.ZK], prices[Tier.TEE], prices[Tier.SIGNED]],
    }),
  );
}

/**
 * Registers `modelId` (owned by `owner`) as a SIGNED-only model of 4 inputs and 1 output at 8 fractional bits, with no
 * verifier (a model no ZK proof can speak for), at `price` per SIGNED result. Resolves to the `registerModel` receipt.
 */
export async function registerSignedOnlyModel(
  modelRegistry: ModelRegistry,
  owner: Signer,
  modelId: Hex,
  price: bigint,
): Promise<ContractTransactionReceipt> {
  return mined(
    modelRegistry.connect(owner).registerModel(modelId, {
      verifier: ZeroAddress,
      verifyingKeyHash: ZeroHash,
      weightsCommitment: ZeroHash,
      privateWeights: false,
      inputSize: 4,
      outputSize: 1,
      fracBits: 8,
      acceptedTiers: tierMask([Tier.SIGNED]),
      prices: [0n, 0n, price],
    }),
  );
}

/**
 * Mints test tokens to `client` (the token owner signs) and deposits them into its settlement escrow; resolves to the
 * `depositFor` receipt.
 */
export async function fundClient(
  token: TestToken,
  settlement: InferenceSettlement,
  client: Signer,
  amount: bigint,
): Promise<ContractTransactionReceipt> {
  const clientAddress = await client.getAddress();
  await mined(token.mint(clientAddress, amount));
  await mined(token.connect(client).approve(await settlement.getAddress(), amount));
  return mined(settlement.connect(client).depositFor(clientAddress, amount));
}

/**
 * Stakes `stake` test tokens for `provider` (minted by the token owner) and registers `signerKey` as its signer;
 * resolves to the `stake` and `registerSigner` receipts.
 */
export async function onboardSigner(
  token: TestToken,
  signerRegistry: SignerRegistry,
  provider: Signer,
  signerKey: BaseWallet,
  stake: bigint,
): Promise<{ stake: ContractTransactionReceipt; register: ContractTransactionReceipt }> {
  const providerAddress = await provider.getAddress();
  await mined(token.mint(providerAddress, stake));
  await mined(token.connect(provider).approve(await signerRegistry.getAddress(), stake));
  const staked = await mined(signerRegistry.connect(provider).stake(stake));
  const keyProof = await signKeyConsent(signerKey, await readDomain(signerRegistry), providerAddress);
  const registered = await mined(signerRegistry.connect(provider).registerSigner(signerKey.address, keyProof));
  return { stake: staked, register: registered };
}

/**
 * Registers a simulated enclave for `modelId`, operated by `operator`: the enclave attests through the test-vendor
 * adapter at `attestationVerifier`, binding its key to this chain, the registry and the latest block hash. Resolves
 * to the `registerEnclave` receipt.
 */
export async function onboardEnclave(
  teeRegistry: TeeRegistry,
  operator: Signer,
  enclave: SimulatedEnclave,
  attestationVerifier: string,
  modelId: Hex,
): Promise<ContractTransactionReceipt> {
  const provider = operator.provider;
  if (provider === null) throw new Error("the enclave operator must be connected to a provider");
  const block = await provider.getBlock("latest");
  if (block?.hash == null) throw new Error("could not read the latest block to bind the attestation to");
  const { chainId } = await provider.getNetwork();
  const attestation = await enclave.attest(attestationVerifier, {
    operator: await operator.getAddress(),
    chainId,
    registry: await teeRegistry.getAddress(),
    bindingBlockHash: block.hash as Hex,
  });
  return mined(
    teeRegistry
      .connect(operator)
      .registerEnclave(modelId, enclave.address, attestationVerifier, attestation, block.number),
  );
}

/**
 * Registers a simulated enclave (e.g. `SimulatedEnclave.nitro`) for `modelId`, operated by `operator`, through the
 * `SignedAttesterVerifier` at `attesterVerifier`: `attester` (allow-listed there) vouches for the enclave's binding to
 * this chain, the registry and the latest block hash until `expiresAt`. Resolves to the `registerEnclave` receipt.
 */
export async function onboardAttestedEnclave(
  teeRegistry: TeeRegistry,
  attesterVerifier: string,
  attester: Wallet,
  operator: Signer,
  enclave: SimulatedEnclave,
  modelId: Hex,
  expiresAt: bigint,
): Promise<ContractTransactionReceipt> {
  const provider = operator.provider;
  if (provider === null) throw new Error("the enclave operator must be connected to a provider");
  const block = await provider.getBlock("latest");
  if (block?.hash == null) throw new Error("could not read the latest block to bind the attestation to");
  if (expiresAt <= BigInt(block.timestamp))
    throw new RangeError(`expiresAt ${expiresAt} is not after the latest block`);
  const { chainId } = await provider.getNetwork();
  const statement = await enclave.attestViaAttester(
    attester,
    attesterVerifier,
    {
      operator: await operator.getAddress(),
      chainId,
      registry: await teeRegistry.getAddress(),
      bindingBlockHash: block.hash as Hex,
    },
    expiresAt,
  );
  return mined(
    teeRegistry.connect(operator).registerEnclave(modelId, enclave.address, attesterVerifier, statement, block.number),
  );
}

/**
 * Registers a simulated SGX or TDX enclave for `modelId`, operated by `operator`, with an Intel DCAP quote v4 from a
 * simulated platform under the sdk/testing/tee test PCK chain (which the local `DcapQuoteV4Verifier` pins). `dcapVerifier` must
 * be connected to its owner: it records the platform's TCB as up to date first, as governance would after checking
 * Intel's TCB info. Resolves to the `registerEnclave` receipt.
 */
export async function onboardDcapEnclave(
  teeRegistry: TeeRegistry,
  dcapVerifier: DcapQuoteV4Verifier,
  operator: Signer,
  enclave: SimulatedEnclave,
  modelId: Hex,
): Promise<ContractTransactionReceipt> {
  const identity = enclave.options.identity;
  if (identity === undefined || identity.tee === "nitro") throw new Error("the enclave needs an SGX or TDX identity");
  const provider = operator.provider;
  if (provider === null) throw new Error("the enclave operator must be connected to a provider");
  const block = await provider.getBlock("latest");
  if (block?.hash == null) throw new Error("could not read the latest block to bind the quote to");
  const platform = createQuotingPlatform(createTestPckChain({ now: new Date(block.timestamp * 1000) }));
  const teeTcbSvn = identity.tee === "sgx" ? `0x${"00".repeat(16)}` : "0x03000500000000000000000000000000";
  const tcbId = dcapTcbId(platform.chain, TEE_TYPE[identity.tee], platform.qeIsvSvn, teeTcbSvn as Hex);
  await mined(dcapVerifier.setTcbStatus(tcbId, TcbStatus.UpToDate));

  const latest = await provider.getBlock("latest");
  if (latest?.hash == null) throw new Error("could not read the latest block to bind the quote to");
  const { chainId } = await provider.getNetwork();
  const quote = enclave.dcapQuote(platform, {
    operator: await operator.getAddress(),
    chainId,
    registry: await teeRegistry.getAddress(),
    bindingBlockHash: latest.hash as Hex,
  });
  return mined(
    teeRegistry
      .connect(operator)
      .registerEnclave(modelId, enclave.address, await dcapVerifier.getAddress(), quote, latest.number),
  );
}
