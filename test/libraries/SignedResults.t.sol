// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SignedResults} from "../../contracts/libraries/SignedResults.sol";
import {TestBase} from "../helpers/Vm.sol";

/// Fuzz tests of the SIGNED-result commitment encoding, whose leaf is hashed in assembly.
contract SignedResultsFuzzTest is TestBase {
    function testFuzz_leaf_equalsAbiEncodedHash(
        bytes32 requestId,
        bytes32 modelId,
        address client,
        address provider,
        bytes32 inputHash,
        bytes32 outputHash,
        uint256 price
    ) public pure {
        bytes32 expected = keccak256(abi.encode(requestId, modelId, client, provider, inputHash, outputHash, price));
        bytes32 actual = SignedResults.leaf(requestId, modelId, client, provider, inputHash, outputHash, price);
        assertEq(uint256(actual), uint256(expected), "leaf");
    }

    function testFuzz_batchHash_equalsPackedLeaves(bytes32 a, bytes32 b, bytes32 c, uint8 count) public pure {
        bytes32[] memory leaves = new bytes32[](3);
        leaves[0] = a;
        leaves[1] = b;
        leaves[2] = c;
        uint256 n = count % 4;
        bytes memory packed =
            n == 0
                ? bytes("")
                : n == 1
                    ? abi.encodePacked(a)
                    : n == 2
                        ? abi.encodePacked(a, b)
                        : abi.encodePacked(a, b, c);
        assertEq(uint256(SignedResults.batchHash(leaves, n)), uint256(keccak256(packed)), "batch hash");
    }
}
