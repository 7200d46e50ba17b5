import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { branchArms, parseSolidity, readLcov, type LineHits } from "../../scripts/checks/coverage.js";

// Line numbers matter below: the contract's first line is line 1.
const SOURCE = `contract C {
    function f(uint256 x) external pure returns (uint256) {
        if (x == 0) revert();
        if (x == 1) {
            return 1;
        } else {
            x += 1;
        }
        if (x > 5) x = 5;
        assembly {
            if iszero(x) { revert(0, 0) }
            x := add(x, 1)
        }
        try this.g() returns (uint256 y) {
            x += y;
        } catch {
            x = 0;
        }
        return x > 3 ? x : 3;
    }

    function g() external pure returns (uint256) {
        return 1;
    }
}
`;

/** The arms of SOURCE as "line what: state", given which lines ran. */
function armsFor(hits: Record<number, number>): string[] {
  const lineHits: LineHits = new Map(Object.entries(hits).map(([line, n]) => [Number(line), n]));
  return branchArms(SOURCE, parseSolidity("C.sol", SOURCE), lineHits).map((a) => `${a.line} ${a.what}: ${a.state}`);
}

describe("scripts/checks/coverage.ts (branch arms derived from line coverage)", function () {
  it("counts guards, if/else, Yul if, try/catch, and leaves what statements cannot show unobservable", function () {
    // x = 2 on every run: no guard fires, the else branch runs, no clamp, the try succeeds
    const arms = armsFor({ 3: 0, 4: 1, 5: 0, 7: 1, 9: 0, 11: 0, 12: 1, 14: 1, 15: 1, 17: 0, 19: 1 });
    expect(arms).to.deep.equal([
      "3 if: then: missed", // the revert did not run
      "3 if: fall-through: taken", // the next statement ran: the guard let a call through
      "4 if: then: missed",
      "4 if: else: taken",
      "9 if: then: missed",
      "9 if: fall-through: unobservable", // its body falls through: the next line runs either way
      "11 assembly if: then: missed",
      "11 assembly if: fall-through: taken",
      "14 try clause: taken",
      "16 try clause: missed",
      "19 ?: true: unobservable",
      "19 ?: false: unobservable",
    ]);
  });

  it("reads lcov line records, relative to the working directory", function () {
    const dir = mkdtempSync(path.join(tmpdir(), "coverage-check-"));
    const file = path.join(dir, "lcov.info");
    writeFileSync(
      file,
      "TN:\nSF:contracts/A.sol\nDA:3,1\nDA:4,0\nLH:1\nLF:2\nend_of_record\nSF:contracts/B.sol\nend_of_record\n",
    );
    const files = readLcov(file);
    expect([...files.keys()]).to.deep.equal(["contracts/A.sol", "contracts/B.sol"]);
    expect([...files.get("contracts/A.sol")!]).to.deep.equal([
      [3, 1],
      [4, 0],
    ]);
    expect(files.get("contracts/B.sol")!.size).to.equal(0);
  });
});
