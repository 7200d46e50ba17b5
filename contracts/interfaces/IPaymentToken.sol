// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {IERC3009} from "./IERC3009.sol";

/// @title IPaymentToken
/// @notice The token settlement is paid in, as the SDK reads it off chain: ERC-20 balances, EIP-3009 authorisations
/// and the ERC-5267 EIP-712 domain those authorisations are signed under. The SDK binds to this interface, never to
/// `TestToken`. `TestToken` implements all of it; Circle's USDC (FiatToken v2.2) implements ERC-20 and EIP-3009 but
/// not ERC-5267 (it exposes `DOMAIN_SEPARATOR()` only), so its domain cannot be read through `eip712Domain()`.
interface IPaymentToken is IERC20, IERC3009, IERC5267 {}
