// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IERC3009
/// @notice EIP-3009 "Transfer With Authorization": gasless transfers signed by the holder, with random nonces.
interface IERC3009 {
    /// @notice The authorization is not valid yet.
    error ERC3009NotYetValid(uint256 validAfter);
    /// @notice The authorization has expired.
    error ERC3009Expired(uint256 validBefore);
    /// @notice The nonce was used or canceled.
    error ERC3009AuthorizationUsed(address authorizer, bytes32 nonce);
    /// @notice The signature is not the authorizer's.
    error ERC3009InvalidSignature(address authorizer);
    /// @notice `receiveWithAuthorization` must be called by the payee.
    error ERC3009CallerNotPayee(address caller, address payee);

    /// @notice An authorization was used.
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);
    /// @notice An authorization was canceled.
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    /// @notice Whether `nonce` of `authorizer` is used or canceled.
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool);

    /// @notice Executes a transfer signed by `from`.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice Executes a transfer signed by `from`; callable only by the payee `to` (no front-running).
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice Cancels an unused authorization.
    function cancelAuthorization(address authorizer, bytes32 nonce, bytes calldata signature) external;
}
