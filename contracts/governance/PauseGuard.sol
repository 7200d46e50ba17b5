// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IPauseGuard} from "../interfaces/IPauseGuard.sol";

/// @title PauseGuard
/// @notice One switch per scope (settlement, registration), shared by `InferenceSettlement` and the three
/// registries, which take it as an immutable constructor argument. A separate contract rather than OpenZeppelin
/// `Pausable` in each: settlement is within a few hundred bytes of the EIP-170 limit, and one guard pauses every
/// registry in one transaction.
contract PauseGuard is IPauseGuard, AccessControl {
    /// @notice The role that may pause (an incident responder).
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice The role that may unpause (the admin by default).
    bytes32 public constant UNPAUSER_ROLE = keccak256("UNPAUSER_ROLE");

    /// @dev Bit i set: `Scope(i)` is paused.
    uint8 private _paused;

    /// @param admin Holds `DEFAULT_ADMIN_ROLE` (grants and revokes roles) and `UNPAUSER_ROLE`.
    /// @param pauser Holds `PAUSER_ROLE`.
    constructor(address admin, address pauser) {
        if (admin == address(0) || pauser == address(0)) revert PauseGuardZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(UNPAUSER_ROLE, admin);
        _grantRole(PAUSER_ROLE, pauser);
    }

    /// @inheritdoc IPauseGuard
    function pause(Scope scope) external onlyRole(PAUSER_ROLE) {
        uint8 bit = _bit(scope);
        if (_paused & bit != 0) revert PauseGuardAlreadyPaused(scope);
        _paused |= bit;
        emit Paused(scope, msg.sender);
    }

    /// @inheritdoc IPauseGuard
    function unpause(Scope scope) external onlyRole(UNPAUSER_ROLE) {
        uint8 bit = _bit(scope);
        if (_paused & bit == 0) revert PauseGuardNotPaused(scope);
        _paused &= ~bit;
        emit Unpaused(scope, msg.sender);
    }

    /// @inheritdoc IPauseGuard
    function isPaused(Scope scope) public view returns (bool) {
        return _paused & _bit(scope) != 0;
    }

    /// @inheritdoc IPauseGuard
    function settlementPaused() external view returns (bool) {
        return isPaused(Scope.Settlement);
    }

    /// @inheritdoc IPauseGuard
    function registrationPaused() external view returns (bool) {
        return isPaused(Scope.Registration);
    }

    function _bit(Scope scope) private pure returns (uint8) {
        return uint8(1 << uint8(scope));
    }
}
