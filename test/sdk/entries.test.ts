import { expect } from "chai";
import { BaseWallet } from "ethers";

import * as lib from "../../sdk/lib/index.js";
import * as services from "../../sdk/services/index.js";
import * as testing from "../../sdk/testing/index.js";
import * as tooling from "../../sdk/tooling/index.js";

/** The simulator's public test keys. */
const TEST_KEYS = new Set(
  [testing.TEST_ATTESTER_PRIVATE_KEY, testing.TEST_VENDOR_PRIVATE_KEY].map((k) => k.toLowerCase()),
);

/** The exports of an entry that are keys: a test key's value, a wallet, or a name that says so. */
function secretsIn(entry: Record<string, unknown>): string[] {
  return Object.entries(entry)
    .filter(
      ([name, value]) =>
        /PRIVATE_KEY|SECRET|MNEMONIC/i.test(name) ||
        (typeof value === "string" && TEST_KEYS.has(value.toLowerCase())) ||
        value instanceof BaseWallet,
    )
    .map(([name]) => name);
}

describe("sdk zone entries", function () {
  it("the library's entry exports the client and provider API and no key, fixture or service", function () {
    expect(secretsIn(lib)).to.deep.equal([]);
    for (const name of ["buildOrder", "signOrder", "ZkProver", "proveInference", "payForInference", "checkResult"]) {
      expect(lib, name).to.have.property(name);
    }
    for (const name of ["SimulatedEnclave", "deployLocalSystem", "startGateway", "SettlementQueue", "GAS_TOLERANCE"]) {
      expect(lib, name).to.not.have.property(name);
    }
  });

  it("the testing entry is where the public test keys are (the check above would see them)", function () {
    expect(secretsIn(testing)).to.include.members(["TEST_ATTESTER_PRIVATE_KEY", "TEST_VENDOR_PRIVATE_KEY"]);
    expect(testing).to.have.property("deployLocalSystem");
  });

  it("the services and tooling entries export their zone's processes and tools, and no key", function () {
    expect(secretsIn(services)).to.deep.equal([]);
    expect(secretsIn(tooling)).to.deep.equal([]);
    for (const name of ["startGateway", "startFacilitator", "SettlementQueue", "SettlementIndexer"]) {
      expect(services, name).to.have.property(name);
    }
    for (const name of ["importOnnx", "renderSolidityVerifier", "compareGasSnapshots", "trainMlp"]) {
      expect(tooling, name).to.have.property(name);
    }
  });
});
