// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TestBase} from "./Vm.sol";

/// @notice The part of forge-std's `StdInvariant` our invariant tests use: which contracts and selectors the invariant
/// fuzzer calls. Hand-written because the `forge-std` copy on npm is an unofficial 2022 snapshot (see Vm.sol). The
/// fuzzer (Hardhat's EDR, like Foundry) reads `targetContracts()` and `targetSelectors()` from the test contract after
/// `setUp`; without them it would call every contract `setUp` deployed, token and settlement included.
abstract contract InvariantBase is TestBase {
    /// @notice A contract and the functions of it the fuzzer may call (forge-std's `StdInvariant.FuzzSelector`).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetedContracts;
    FuzzSelector[] private _targetedSelectors;

    /// @notice Makes the fuzzer call `target` (every non-view function, unless `targetSelector` narrows it).
    function targetContract(address target) internal {
        _targetedContracts.push(target);
    }

    /// @notice Makes the fuzzer call only `selector.selectors` of `selector.addr`.
    function targetSelector(FuzzSelector memory selector) internal {
        _targetedSelectors.push(selector);
    }

    /// @notice Read by the invariant fuzzer: the contracts it calls.
    function targetContracts() public view returns (address[] memory) {
        return _targetedContracts;
    }

    /// @notice Read by the invariant fuzzer: the functions it calls.
    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetedSelectors;
    }
}
