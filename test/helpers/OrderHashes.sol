// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceSettlement} from "../../contracts/interfaces/IInferenceSettlement.sol";

/// @notice What a client computes for its orders, written out from the EIP-712 type string (not from the contract's
/// code), so that tests check settlement against the client's view: an order's struct hash, and the link of a
/// voucher's hash chain of orders.
library OrderHashes {
    function orderStructHash(IInferenceSettlement.Item memory item) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256(
                        "Order(bytes32 requestId,bytes32 modelId,address client,address provider,uint8 tier,bytes32 inputHash,uint256 price,uint64 deadline)"
                    ),
                    item.requestId,
                    item.modelId,
                    item.client,
                    item.provider,
                    uint8(item.tier),
                    item.inputHash,
                    item.price,
                    item.deadline
                )
            );
    }

    /// @notice The voucher chain's head after `item`'s order: keccak256(abi.encode(head, orderStructHash)).
    function chain(bytes32 head, IInferenceSettlement.Item memory item) internal pure returns (bytes32) {
        return keccak256(abi.encode(head, orderStructHash(item)));
    }
}
