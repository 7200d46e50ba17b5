// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SignedResults
/// @notice The record of one settled SIGNED result and the hash that commits a batch of them. Settlement writes one
/// hash per batch (`ISignedResultCommitments.SignedBatchCommitted`), never one word per item; a challenger presents
/// every record of the batch (from the batch's `ItemSettled` events, in log order) and the index of the one it
/// disputes. The SDK mirrors this encoding in `sdk/lib/disputes/records.ts`.
library SignedResults {
    /// @notice One settled SIGNED result, as its `ItemSettled` event shows it.
    struct Record {
        bytes32 requestId;
        bytes32 modelId;
        address client;
        address provider;
        bytes32 inputHash;
        bytes32 outputHash;
        uint256 price;
    }

    /// @notice The leaf of one result: keccak256 of its ABI-encoded fields.
    function leaf(
        bytes32 requestId,
        bytes32 modelId,
        address client,
        address provider,
        bytes32 inputHash,
        bytes32 outputHash,
        uint256 price
    ) internal pure returns (bytes32 hash) {
        // Equal to keccak256(abi.encode(requestId, modelId, client, provider, inputHash, outputHash, price)), without
        // allocating: settlement hashes one leaf per SIGNED item, and abi.encode would grow memory each time.
        // Safe: writes seven words at the free memory pointer without moving it (scratch use the compiler allows for
        // memory-safe blocks); the addresses are masked to 160 bits as abi.encode would.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, requestId)
            mstore(add(ptr, 0x20), modelId)
            mstore(add(ptr, 0x40), and(client, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x60), and(provider, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x80), inputHash)
            mstore(add(ptr, 0xa0), outputHash)
            mstore(add(ptr, 0xc0), price)
            hash := keccak256(ptr, 0xe0)
        }
    }

    /// @notice The leaf of `record`.
    function leaf(Record calldata record) internal pure returns (bytes32) {
        return
            leaf(
                record.requestId,
                record.modelId,
                record.client,
                record.provider,
                record.inputHash,
                record.outputHash,
                record.price
            );
    }

    /// @notice The batch hash of the first `count` leaves: keccak256 of the leaves packed in order.
    function batchHash(bytes32[] memory leaves, uint256 count) internal pure returns (bytes32 hash) {
        if (count > leaves.length) count = leaves.length;
        // Safe: hashes `count` words of the array's own body (count <= its length); writes nothing.
        assembly ("memory-safe") {
            hash := keccak256(add(leaves, 0x20), shl(5, count))
        }
    }
}
