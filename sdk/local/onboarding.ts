import type { BaseWallet, Signer } from "ethers";

import type {
  DcapQuoteV4Verifier,
  InferenceSettlement,
  TeeRegistry,
  SignerRegistry,
  TestToken,
} from "../../typechain-types/index.js";
import type { Hex } from "../settlement/item.js";
import { signKeyConsent } from "../settlement/signerKeys.js";
import { readDomain } from "../settlement/typedData.js";
import type { SimulatedEnclave } from "../tee/enclave.js";
import { createTestPckChain, dcapTcbId } from "../tee/pckChain.js";
import { TEE_TYPE, createQuotingPlatform } from "../tee/quoteV4.js";

/** Mints test tokens to `client` (the token owner signs) and deposits them into its settlement escrow. */
export async function fundClient(
  token: TestToken,
  settlement: InferenceSettlement,
  client: Signer,
  amount: bigint,
): Promise<void> {
  const clientAddress = await client.getAddress();
  await (await token.mint(clientAddress, amount)).wait();
  await (await token.connect(client).approve(await settlement.getAddress(), amount)).wait();
  await (await settlement.connect(client).depositFor(clientAddress, amount)).wait();
}

/** Stakes `stake` test tokens for `provider` (minted by the token owner) and registers `signerKey` as its signer. */
export async function onboardSigner(
  token: TestToken,
  signerRegistry: SignerRegistry,
  provider: Signer,
  signerKey: BaseWallet,
  stake: bigint,
): Promise<void> {
  const providerAddress = await provider.getAddress();
  await (await token.mint(providerAddress, stake)).wait();
  await (await token.connect(provider).approve(await signerRegistry.getAddress(), stake)).wait();
  await (await signerRegistry.connect(provider).stake(stake)).wait();
  const keyProof = await signKeyConsent(signerKey, await readDomain(signerRegistry), providerAddress);
  await (await signerRegistry.connect(provider).registerSigner(signerKey.address, keyProof)).wait();
}

/**
 * Registers a simulated enclave for `modelId`, operated by `operator`: the enclave attests through the test-vendor
 * adapter at `attestationVerifier`, binding its key to this chain, the registry and the latest block hash.
 */
export async function onboardEnclave(
  teeRegistry: TeeRegistry,
  operator: Signer,
  enclave: SimulatedEnclave,
  attestationVerifier: string,
  modelId: Hex,
): Promise<void> {
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
  const tx = await teeRegistry
    .connect(operator)
    .registerEnclave(modelId, enclave.address, attestationVerifier, attestation, block.number);
  await tx.wait();
}

/**
 * Registers a simulated SGX or TDX enclave for `modelId`, operated by `operator`, with an Intel DCAP quote v4 from a
 * simulated platform under the sdk/tee test PCK chain (which the local `DcapQuoteV4Verifier` pins). `dcapVerifier` must
 * be connected to its owner: it records the platform's TCB as up to date first, as governance would after checking
 * Intel's TCB info.
 */
export async function onboardDcapEnclave(
  teeRegistry: TeeRegistry,
  dcapVerifier: DcapQuoteV4Verifier,
  operator: Signer,
  enclave: SimulatedEnclave,
  modelId: Hex,
): Promise<void> {
  const identity = enclave.options.identity;
  if (identity === undefined || identity.tee === "nitro") throw new Error("the enclave needs an SGX or TDX identity");
  const provider = operator.provider;
  if (provider === null) throw new Error("the enclave operator must be connected to a provider");
  const block = await provider.getBlock("latest");
  if (block?.hash == null) throw new Error("could not read the latest block to bind the quote to");
  const platform = createQuotingPlatform(createTestPckChain({ now: new Date(block.timestamp * 1000) }));
  const teeTcbSvn = identity.tee === "sgx" ? `0x${"00".repeat(16)}` : "0x03000500000000000000000000000000";
  const tcbId = dcapTcbId(platform.chain, TEE_TYPE[identity.tee], platform.qeIsvSvn, teeTcbSvn as Hex);
  await (await dcapVerifier.setTcbStatus(tcbId, 1 /* UpToDate */)).wait();

  const latest = await provider.getBlock("latest");
  if (latest?.hash == null) throw new Error("could not read the latest block to bind the quote to");
  const { chainId } = await provider.getNetwork();
  const quote = enclave.dcapQuote(platform, {
    operator: await operator.getAddress(),
    chainId,
    registry: await teeRegistry.getAddress(),
    bindingBlockHash: latest.hash as Hex,
  });
  const tx = await teeRegistry
    .connect(operator)
    .registerEnclave(modelId, enclave.address, await dcapVerifier.getAddress(), quote, latest.number);
  await tx.wait();
}
