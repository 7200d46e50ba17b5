// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The verification tier of one inference result.
/// @dev The numeric values are part of the EIP-712 structs and the SDK: never reorder.
enum Tier {
    ZK, // a Groth16 proof that the registered circuit gave this output on this input
    TEE, // a signature by an enclave key registered with a hardware attestation
    SIGNED // a signature by a staked signer, slashable by a contradicting ZK proof
}

/// @notice Helpers for a set of tiers kept as a bit mask (bit i set = `Tier(i)` in the set).
library TierSet {
    /// @notice The number of tiers; masks use the low `COUNT` bits.
    uint8 internal constant COUNT = 3;
    /// @notice A mask with every tier set.
    uint8 internal constant ALL = uint8((1 << COUNT) - 1);

    /// @notice Whether `tier` is in `mask`.
    function contains(uint8 mask, Tier tier) internal pure returns (bool) {
        return (mask >> uint8(tier)) & 1 == 1;
    }
}
