// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IZkVerifier
/// @notice A Groth16 verifier for one circuit whose public signals are [inputHash, outputHash, requestId].
interface IZkVerifier {
    /// @notice Checks a Groth16 proof against the public signals [inputHash, outputHash, requestId].
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[3] calldata pubSignals
    ) external view returns (bool);

    /// @notice keccak256 of the verifying key's coordinates (see sdk/zk/verifyingKeyHash.ts for the order).
    function verifyingKeyHash() external pure returns (bytes32);
}
