/**
 * Contribution transcripts of the trusted setup. The build records every snarkjs log line of a ceremony step in a
 * transcript (circuits/ptau/pot<N>_transcript.txt, circuits/build/<name>/transcript.txt); `npm run circuits:verify`
 * verifies the committed ptau and zkeys again and checks that the contributions they hold are exactly the ones the
 * transcript recorded. snarkjs prints a hash as a header line followed by four lines of four 8-digit hex words.
 */

/** One contribution: who made it (as recorded in the file) and its hash (128 hex digits). */
export interface Contribution {
  name: string;
  hash: string;
}

/** The 128-digit hash printed in the four lines after `lines[at]`, or undefined if they are not a hash. */
function hashAfter(lines: readonly string[], at: number): string | undefined {
  const words = lines.slice(at + 1, at + 5).flatMap((line) => line.trim().split(/\s+/));
  const hash = words.join("");
  return words.length === 16 && /^[0-9a-f]{128}$/.test(hash) ? hash : undefined;
}

/**
 * The contributions that `snarkjs.zKey.verifyFromR1cs` lists ("contribution #k <name>:" then the hash), in order.
 */
export function zkeyContributionsFromVerification(log: readonly string[]): Contribution[] {
  const lines = log.flatMap((entry) => entry.split("\n"));
  const found: Contribution[] = [];
  lines.forEach((line, i) => {
    const match = /^contribution #\d+ (.*):\s*$/.exec(line.trim());
    const hash = match === null ? undefined : hashAfter(lines, i);
    if (match !== null && hash !== undefined) found.push({ name: match[1], hash });
  });
  return found;
}

/** The hashes `snarkjs.zKey.contribute` printed ("Contribution Hash:" then the hash) in a phase-2 transcript. */
export function zkeyContributionsFromTranscript(transcript: string): string[] {
  const lines = transcript.split("\n");
  return lines.flatMap((line, i) => {
    const hash = line.trim() === "Contribution Hash:" ? hashAfter(lines, i) : undefined;
    return hash === undefined ? [] : [hash];
  });
}

/**
 * The contributions that `snarkjs.powersOfTau.verify` lists ("Contribution #k: <name>", then "Response Hash:" and
 * the hash), in order. Works on a fresh verification log and on a transcript that recorded one.
 */
export function ptauContributions(log: readonly string[] | string): Contribution[] {
  const lines = (typeof log === "string" ? [log] : log).flatMap((entry) => entry.split("\n"));
  const found: Contribution[] = [];
  let name: string | undefined;
  lines.forEach((line, i) => {
    const header = /^Contribution #\d+: (.*)$/.exec(line.trim());
    if (header !== null) name = header[1];
    const hash = line.trim() === "Response Hash:" ? hashAfter(lines, i) : undefined;
    if (name !== undefined && hash !== undefined) {
      found.push({ name, hash });
      name = undefined;
    }
  });
  return found;
}

/** Why `verified` (what the file holds) and `recorded` (what the transcript says) disagree, or undefined. */
export function compareContributions(verified: readonly string[], recorded: readonly string[]): string | undefined {
  if (verified.length === 0) return "the file lists no contribution";
  const missing = verified.filter((hash) => !recorded.includes(hash));
  const extra = recorded.filter((hash) => !verified.includes(hash));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const short = (hashes: string[]) => hashes.map((h) => h.slice(0, 16)).join(", ");
  return [
    missing.length > 0 ? `in the file but not the transcript: ${short(missing)}` : "",
    extra.length > 0 ? `in the transcript but not the file: ${short(extra)}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}
