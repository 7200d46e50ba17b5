/**
 * TEE tier figures on the in-process network (default hardfork, which has the P-256 precompile): gas to register an
 * enclave key with an Intel DCAP quote v4 (SGX and TDX), with a signed-attester statement (Nitro) and with the test
 * vendor; gas of `verifyAttestation` alone, with the precompile and without it (hardfork prague); and the gas of one
 * TEE result inside a settlement batch, signed by an enclave registered with a DCAP quote. Writes bench/tee.md.
 * Run: `npm run bench:tee`.
 */
import { writeFileSync } from "node:fs";

import { sha256 } from "@noble/hashes/sha2.js";
import { Wallet, concat, id, toBeHex, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

import { requestInference, sampleInput, setUpScenario } from "../sdk/testing/local/scenario.js";
import type { Hex, SettlementItem } from "../sdk/lib/settlement/item.js";
import { EnclaveProver } from "../sdk/lib/settlement/provers.js";
import { measureTierGas, submitBatch } from "../sdk/lib/settlement/submit.js";
import type { EnclaveBindingContext } from "../sdk/lib/tee/enclaveBinding.js";
import { SimulatedEnclave } from "../sdk/testing/tee/enclave.js";
import { createTestPckChain, dcapTcbId } from "../sdk/testing/tee/pckChain.js";
import { p256Coordinates, p256KeyFromLabel, signP256 } from "../sdk/testing/tee/p256.js";
import { TEE_TYPE, createQuotingPlatform } from "../sdk/testing/tee/quoteV4.js";
import { testAttester } from "../sdk/testing/tee/signedAttester.js";
import { Mode, Tier } from "../sdk/lib/tiers.js";
import { DcapQuoteV4Verifier__factory } from "../typechain-types/index.js";

const OUTPUT = new URL("./tee.md", import.meta.url);
const TCB_UP_TO_DATE = 1;

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const scenario = await setUpScenario(connection, { clientCount: 3 });
const { system, modelId, provider } = scenario;
const registry = system.teeRegistry;
const registryAddress = await registry.getAddress();

/** The binding context of the latest block for the scenario's provider, and that block's number. */
async function latestContext(): Promise<{ context: EnclaveBindingContext; bindingBlock: number }> {
  const block = await ethers.provider.getBlock("latest");
  if (block?.hash == null) throw new Error("could not read the latest block");
  return {
    context: {
      operator: await provider.getAddress(),
      chainId: system.chainId,
      registry: registryAddress,
      bindingBlockHash: block.hash as Hex,
    },
    bindingBlock: block.number,
  };
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

// --- registration -------------------------------------------------------------------------------------------------
const platform = createQuotingPlatform(
  createTestPckChain({ now: new Date((await networkHelpers.time.latest()) * 1000) }),
);
const dcap = system.dcapVerifier;
const dcapAddress = await dcap.getAddress();
await (
  await dcap.setTcbStatus(
    dcapTcbId(platform.chain, TEE_TYPE.sgx, platform.qeIsvSvn, `0x${"00".repeat(16)}`),
    TCB_UP_TO_DATE,
  )
).wait();
await (
  await dcap.setTcbStatus(
    dcapTcbId(platform.chain, TEE_TYPE.tdx, platform.qeIsvSvn, "0x03000500000000000000000000000000"),
    TCB_UP_TO_DATE,
  )
).wait();

const rtmr = (i: number) => `0x${i.toString(16).padStart(2, "0").repeat(48)}` as Hex;
const sgxEnclave = SimulatedEnclave.sgx(id("bench sgx image") as Hex, id("bench vendor") as Hex, {
  key: new Wallet(id("bench sgx key")),
});
const tdxEnclave = SimulatedEnclave.tdx(`0x${"a1".repeat(48)}`, [rtmr(1), rtmr(2), rtmr(3), rtmr(4)], {
  key: new Wallet(id("bench tdx key")),
});
const pcr = (byte: string) => `0x${byte.repeat(48)}` as Hex;
const nitroEnclave = SimulatedEnclave.nitro([pcr("01"), pcr("02"), pcr("03")], {
  key: new Wallet(id("bench nitro key")),
});
const vendorEnclave = new SimulatedEnclave(id("bench vendor image") as Hex, {
  key: new Wallet(id("bench vendor key")),
});
for (const enclave of [sgxEnclave, tdxEnclave, nitroEnclave, vendorEnclave]) {
  await (await registry.connect(system.admin).allowMeasurement(modelId, enclave.measurement)).wait();
}

interface Row {
  path: string;
  attestationBytes: number;
  verifyGas: bigint;
  registerGas: bigint;
}
const rows: Row[] = [];

async function measure(
  path: string,
  verifier: string,
  enclave: SimulatedEnclave,
  attestation: Hex,
  bindingBlock: number,
) {
  const verifyGas = await ethers.provider.estimateGas({
    to: verifier,
    data: dcap.interface.encodeFunctionData("verifyAttestation", [attestation]),
  });
  const registerGas = await gasOf(
    registry.connect(provider).registerEnclave(modelId, enclave.address, verifier, attestation, bindingBlock),
  );
  rows.push({ path, attestationBytes: (attestation.length - 2) / 2, verifyGas, registerGas });
  console.log(`${path}: register ${registerGas} gas`);
}

{
  const { context, bindingBlock } = await latestContext();
  await measure(
    "Intel SGX, DCAP quote v4",
    dcapAddress,
    sgxEnclave,
    sgxEnclave.dcapQuote(platform, context),
    bindingBlock,
  );
}
{
  const { context, bindingBlock } = await latestContext();
  await measure(
    "Intel TDX, DCAP quote v4",
    dcapAddress,
    tdxEnclave,
    tdxEnclave.dcapQuote(platform, context),
    bindingBlock,
  );
}
{
  const { context, bindingBlock } = await latestContext();
  const attester = await system.signedAttesterVerifier.getAddress();
  const expiresAt = BigInt(await networkHelpers.time.latest()) + 3600n;
  const statement = await nitroEnclave.attestViaAttester(testAttester(), attester, context, expiresAt);
  await measure("AWS Nitro, signed attester", attester, nitroEnclave, statement, bindingBlock);
}
{
  const { context, bindingBlock } = await latestContext();
  const vendor = await system.testVendorVerifier.getAddress();
  await measure(
    "test vendor (local only)",
    vendor,
    vendorEnclave,
    await vendorEnclave.attest(vendor, context),
    bindingBlock,
  );
}

// --- results in a settlement batch ---------------------------------------------------------------------------------
// TEE items are signed by the enclave registered with the SGX quote; SIGNED items by the staked signer.
scenario.provers[Tier.TEE] = new EnclaveProver(sgxEnclave, scenario.domain);
scenario.enclave = sgxEnclave;

async function batchOf(tiers: readonly Tier[], count: number): Promise<SettlementItem[]> {
  const items: SettlementItem[] = [];
  for (let i = 0; i < count; i++) {
    const { item } = await requestInference(scenario, {
      client: scenario.clients[i % scenario.clients.length],
      tier: tiers[i % tiers.length],
      input: sampleInput(scenario.model, i),
    });
    items.push(item);
  }
  return items;
}

const mixed = await batchOf([Tier.TEE, Tier.SIGNED], 20);
const mixedGas = await measureTierGas(system.settlement, mixed, Mode.Partial);
const teeOnly = await batchOf([Tier.TEE], 30);
const teeOnlyGas = await measureTierGas(system.settlement, teeOnly, Mode.Partial);
const { outcomes } = await submitBatch(system.settlement, mixed, Mode.Partial);
if (!outcomes.every((o) => o.settled)) throw new Error("benchmark batch had rejected items");

// --- without the P-256 precompile ---------------------------------------------------------------------------------
// Prague has no P-256 precompile (EIP-7951 came with Osaka), so OpenZeppelin's P256 verifies in Solidity.
const prague = await network.create({ override: { hardfork: "prague" } });
const [pragueOwner] = await prague.ethers.getSigners();
{
  // a valid P-256 signature: the precompile would answer 1, an empty account answers nothing
  const key = p256KeyFromLabel("bench precompile probe");
  const message = new TextEncoder().encode("probe");
  const { r, s } = signP256(key, message, "low");
  const input = concat([sha256(message), toBeHex(r, 32), toBeHex(s, 32), key.publicKey]);
  const answer = await prague.ethers.provider.call({ to: "0x0000000000000000000000000000000000000100", data: input });
  if (answer !== "0x") throw new Error(`the prague network has a P-256 precompile (answered ${answer})`);
}
const praguePlatform = createQuotingPlatform(
  createTestPckChain({ now: new Date((await prague.networkHelpers.time.latest()) * 1000) }),
);
const pragueRoot = p256Coordinates(praguePlatform.chain.root.publicKey);
const pragueVerifier = await new DcapQuoteV4Verifier__factory(pragueOwner).deploy(
  pragueOwner.address,
  pragueRoot.x,
  pragueRoot.y,
  praguePlatform.qeMrSigner,
);
const pragueContext: EnclaveBindingContext = {
  operator: pragueOwner.address,
  chainId: system.chainId,
  registry: registryAddress,
  bindingBlockHash: id("any block") as Hex,
};
const withoutPrecompile: { path: string; gas: bigint }[] = [];
for (const [path, enclave] of [
  ["Intel SGX, DCAP quote v4", sgxEnclave],
  ["Intel TDX, DCAP quote v4", tdxEnclave],
] as const) {
  const gas = await pragueVerifier.verifyAttestation.estimateGas(enclave.dcapQuote(praguePlatform, pragueContext));
  withoutPrecompile.push({ path, gas });
}

const table = `# TEE tier gas

Produced by \`npm run bench:tee\` (bench/tee.ts) on ${new Date().toISOString().slice(0, 10)}: Hardhat 3 in-process network (EDR,
default hardfork, which has the P-256 precompile at 0x100), solc 0.8.30 with the optimizer at 200 runs.

## Registering an enclave key (once per key, and at each re-attestation)

| attestation path | attestation bytes | \`verifyAttestation\` alone (eth_estimateGas, with calldata) | \`registerEnclave\` (receipt) |
|---|---|---|---|
${rows.map((r) => `| ${r.path} | ${r.attestationBytes} | ${r.verifyGas} | ${r.registerGas} |`).join("\n")}

A DCAP registration checks five P-256 signatures (quote, QE report, PCK leaf, PCK CA, root self-signature) through
the precompile; most of the rest is reading the quote: base64-decoding the ~3 KB PEM PCK chain and walking the three
DER certificates. Target: at most 1.5M gas (Automata's DCAP verifier: ~4M per quote with the precompile).

On a chain without the P-256 precompile (same contracts, hardfork \`prague\`), OpenZeppelin's \`P256\` falls back to
Solidity and the five signature checks dominate:

| attestation path | \`verifyAttestation\` alone, no precompile (eth_estimateGas, with calldata) |
|---|---|
${withoutPrecompile.map((r) => `| ${r.path} | ${r.gas} |`).join("\n")}

## One TEE result in a settlement batch

The enclave registered with the SGX quote above signs the TEE items; the settlement checks the registry
(\`enclaveStatus\`: registered, not revoked, this model, not expired, heartbeat policy, measurement and verifier still
allowed) and one secp256k1 signature. The attestation is not re-verified per result.

| batch | items | gas per TEE item (marginal) | gas per item (whole transaction / items) |
|---|---|---|---|
| TEE + SIGNED, alternating | ${mixed.length} | ${mixedGas.perTier[Tier.TEE]} | ${mixedGas.perItem} |
| TEE only | ${teeOnly.length} | ${teeOnlyGas.perTier[Tier.TEE]} | ${teeOnlyGas.perItem} |

The marginal figure is (gas(batch) − gas(batch without the TEE items)) / TEE item count, both estimated on the same
state with calldata included (the approach of \`bench/settlement-gas.ts\`); in the TEE-only batch it is the whole
transaction, including the 21,000 base cost, divided by the items.
`;
writeFileSync(OUTPUT, table);
console.log(table);
