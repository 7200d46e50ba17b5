// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IZkVerifier
/// @notice A Groth16 verifier for one circuit whose public signals are [inputHash, outputHash, requestId], or, for a
/// private-weights circuit, [inputHash, outputHash, weightsCommitment, requestId].
interface IZkVerifier {
    /// @notice Checks a Groth16 proof against the public signals [inputHash, outputHash, requestId]. A
    /// private-weights verifier has four public signals and takes `uint256[4]` here instead: call it through
    /// `verifyProofs`, which every verifier has.
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[3] calldata pubSignals
    ) external view returns (bool);

    /// @notice Checks N proofs of this circuit at once with N + 3 pairings (`Groth16BatchVerifier`).
    /// @param proofs Each proof as (A.x, A.y, B.x1, B.x2, B.y1, B.y2, C.x, C.y).
    /// @param publicSignals The public signals of proof i at [ki, ki + k), k = 3 or 4, in the order above.
    /// @return True iff every proof verifies.
    function verifyProofs(uint256[8][] calldata proofs, uint256[] calldata publicSignals) external view returns (bool);

    /// @notice keccak256 of the verifying key's coordinates (see sdk/lib/zk/verifyingKey.ts for the order).
    function verifyingKeyHash() external pure returns (bytes32);
}
