/**
 * ZK tier figures, on the in-process network and this machine: per circuit instance the constraint count, proving
 * time (snarkjs groth16.fullProve), proof size and single-verify gas; and verify gas per proof for batches of 1, 2, 4,
 * 8, 16 and 32 proofs (Groth16BatchVerifier, N + 3 pairings) against the plain snarkjs verifier in the same run.
 * Writes bench/zk.md. Run: `npm run bench:zk`.
 *
 * Gas is that of a whole transaction calling the verifier (eth_estimateGas: 21,000 base, calldata, execution), so
 * the single and batched figures compare like for like.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

import { network } from "hardhat";

import { deployLocalSystem } from "../sdk/local/deploy.js";
import { circuitArtifacts } from "../sdk/zk/circuits.js";
import { proveInference, releaseProverThreads, type Groth16Proof, type InferenceProof } from "../sdk/zk/prove.js";

const CIRCUIT = "Linear_4";
const BATCH_SIZES = [1, 2, 4, 8, 16, 32];
const OUTPUT = new URL("./zk.md", import.meta.url);

const connection = await network.create();
const { linear4Verifier: verifier } = await deployLocalSystem(connection);
const [sender] = await connection.ethers.getSigners();

const proofs: InferenceProof[] = [];
const started = performance.now();
for (let i = 0; i < Math.max(...BATCH_SIZES); i++) {
  proofs.push(await proveInference(CIRCUIT, [BigInt(i), BigInt(-3 * i), 17n, BigInt(i * i)], 1000n + BigInt(i)));
  if ((i + 1) % 8 === 0) console.log(`proved ${i + 1}/${Math.max(...BATCH_SIZES)}`);
}
const provingMs = (performance.now() - started) / proofs.length;
await releaseProverThreads();

const words = (p: InferenceProof) => [...p.proof.a, ...p.proof.b[0], ...p.proof.b[1], ...p.proof.c];
const signals = (p: InferenceProof) => [
  p.publicSignals.inputHash,
  p.publicSignals.outputHash,
  p.publicSignals.requestId,
];
type Words = [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];

async function transactionGas(data: string): Promise<bigint> {
  return connection.ethers.provider.estimateGas({ from: sender.address, to: await verifier.getAddress(), data });
}

let singleTotal = 0n;
for (const p of proofs) {
  const args: [Groth16Proof["a"], Groth16Proof["b"], Groth16Proof["c"], [bigint, bigint, bigint]] = [
    p.proof.a,
    p.proof.b,
    p.proof.c,
    signals(p) as [bigint, bigint, bigint],
  ];
  if (!(await verifier.verifyProof(...args))) throw new Error("a benchmark proof does not verify");
  singleTotal += await transactionGas(verifier.interface.encodeFunctionData("verifyProof", args));
}
const single = singleTotal / BigInt(proofs.length);

const rows: string[] = [];
for (const size of BATCH_SIZES) {
  const subset = proofs.slice(0, size);
  const args: [Words[], bigint[]] = [subset.map(words) as Words[], subset.flatMap(signals)];
  if (!(await verifier.verifyProofs(...args))) throw new Error(`the batch of ${size} does not verify`);
  const gas = await transactionGas(verifier.interface.encodeFunctionData("verifyProofs", args));
  const perProof = gas / BigInt(size);
  rows.push(
    `| ${size} | ${gas} | **${perProof}** | ${single} | ${((100 * Number(perProof)) / Number(single)).toFixed(0)}% |`,
  );
  console.log(`batch of ${size}: ${perProof} gas per proof (single: ${single})`);
}

const info = JSON.parse(readFileSync(circuitArtifacts(CIRCUIT).buildInfo, "utf8"));
const table = `# ZK tier: circuits and on-chain verification

Produced by \`npm run bench:zk\` (bench/zk.ts) on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores
(${cpus()[0]?.model.trim()}), snarkjs ${info.snarkjs}, Hardhat 3 in-process network (EDR, default hardfork), solc 0.8.30
with the optimizer at 200 runs. Gas is the whole transaction calling the verifier (eth_estimateGas: 21,000 base +
calldata + execution).

## Circuits

| instance | weights | constraints | public signals | proving time (fullProve, mean of ${proofs.length}) | proof size (calldata) | verify gas (one proof, snarkjs verifier) |
|---|---|---|---|---|---|---|
| ${CIRCUIT} | public (constants) | ${info.constraints} | ${info.publicSignals} | ${provingMs.toFixed(0)} ms | 256 bytes (8 words) | ${single} |

## Batch verification (Groth16BatchVerifier, N + 3 pairings)

| proofs | gas of the batch | gas per proof | single verify (snarkjs verifier) | per proof vs single |
|---|---|---|---|---|
${rows.join("\n")}

The batch check multiplies each proof's A and C by a weight drawn from keccak256 over every proof and public input
of the batch (2N scalar multiplications), folds the public inputs into nPublic + 1 more, and runs one pairing check
of N + 3 pairs, where N separate verifications run N checks of 4 pairs.
`;
writeFileSync(OUTPUT, table);
console.log(table);
