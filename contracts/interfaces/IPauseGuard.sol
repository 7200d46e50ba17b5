// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPauseGuard
/// @notice The emergency switch of tierproof, read by settlement and the registries. Two scopes pause separately:
/// `Settlement` stops new results from settling (`InferenceSettlement.settle`, `settleWithVouchers`);
/// `Registration` stops new models, stakes, signer keys, enclaves, measurements and attestation verifiers.
/// Nothing that lets money leave or that takes trust away is ever paused: deposits, withdrawals, earnings, held
/// earnings' release, disputes, slashing, revocations and unbonding keep working.
/// @dev Pausing is held by `PAUSER_ROLE` (an incident responder, whose key may live in a monitoring bot); unpausing
/// by `UNPAUSER_ROLE` (the admin by default): a stolen pauser key can halt the system, never resume it behind the
/// admin's back. `DEFAULT_ADMIN_ROLE` grants and revokes both.
interface IPauseGuard {
    /// @notice What a pause stops.
    enum Scope {
        Settlement,
        Registration
    }

    /// @notice The constructor got the zero address for a role holder.
    error PauseGuardZeroAddress();
    /// @notice `pause` on a scope that is already paused.
    error PauseGuardAlreadyPaused(Scope scope);
    /// @notice `unpause` on a scope that is not paused.
    error PauseGuardNotPaused(Scope scope);

    /// @notice `scope` was paused by `account`.
    event Paused(Scope indexed scope, address indexed account);
    /// @notice `scope` was unpaused by `account`.
    event Unpaused(Scope indexed scope, address indexed account);

    /// @notice Pauses `scope`. Only `PAUSER_ROLE`.
    function pause(Scope scope) external;

    /// @notice Unpauses `scope`. Only `UNPAUSER_ROLE`.
    function unpause(Scope scope) external;

    /// @notice Whether `scope` is paused.
    function isPaused(Scope scope) external view returns (bool);

    /// @notice Whether settlement is paused.
    function settlementPaused() external view returns (bool);

    /// @notice Whether registration is paused.
    function registrationPaused() external view returns (bool);
}
