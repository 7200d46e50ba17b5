// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title TestERC1271Wallet
/// @notice A minimal smart-contract account for local and test networks: it accepts (ERC-1271) a signature of a hash
/// by its owner key, so tests can check that contracts taking signatures also take them from contract accounts.
contract TestERC1271Wallet is IERC1271 {
    /// @notice The key whose signatures this wallet accepts.
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        if (err != ECDSA.RecoverError.NoError || recovered != owner) return bytes4(0xffffffff);
        return IERC1271.isValidSignature.selector;
    }
}
