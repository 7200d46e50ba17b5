// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SignedResults} from "../../contracts/libraries/SignedResults.sol";
import {TestBase} from "../helpers/Vm.sol";

/// `SignedResults.batchHash` clamps a count beyond the array to its length (it never hashes memory past the leaves).
contract SignedResultsBatchHashTest is TestBase {
    function test_batchHash_countBeyondTheLeavesHashesEveryLeaf() public pure {
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = keccak256("first");
        leaves[1] = keccak256("second");
        bytes32 expected = keccak256(abi.encodePacked(leaves[0], leaves[1]));
        assertEq(uint256(SignedResults.batchHash(leaves, 3)), uint256(expected), "count 3 of 2 leaves");
        assertEq(uint256(SignedResults.batchHash(leaves, type(uint256).max)), uint256(expected), "count 2^256 - 1");
    }
}
