// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IPauseGuard} from "../interfaces/IPauseGuard.sol";
import {ISignerRegistry} from "../interfaces/ISignerRegistry.sol";

/// @title SignerRegistry
/// @notice Stake and signer keys of SIGNED-tier providers.
contract SignerRegistry is ISignerRegistry, AccessControl, EIP712 {
    using SafeERC20 for IERC20;

    /// @notice The EIP-712 type a key signs to consent to vouch for a provider.
    bytes32 public constant KEY_CONSENT_TYPEHASH = keccak256("SignerKeyConsent(address provider)");

    /// @notice The role of the dispute path, the only caller that may slash.
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    /// @notice The token staked.
    IERC20 public immutable stakeToken;
    /// @inheritdoc ISignerRegistry
    uint64 public immutable unbondingDelay;
    /// @notice The emergency switch: while its registration scope is paused, `stake`, `registerSigner` and
    /// `rotateSigner` revert; unbonding, stake withdrawal and slashing go on.
    IPauseGuard public immutable pauseGuard;
    /// @notice The stake a key needs to vouch.
    uint256 public minStake;

    mapping(address provider => Provider) private _providers;
    /// @dev Every key ever registered, to its provider: a key is never reused, so an old signature can never be
    /// attributed to a new owner.
    mapping(address signer => address provider) private _keyOwner;

    constructor(
        IERC20 stakeToken_,
        uint256 minStake_,
        uint64 unbondingDelay_,
        address admin,
        IPauseGuard pauseGuard_
    ) EIP712("SignerRegistry", "1") {
        if (address(stakeToken_) == address(0) || admin == address(0) || address(pauseGuard_) == address(0)) {
            revert SignerRegistryZeroAddress();
        }
        stakeToken = stakeToken_;
        pauseGuard = pauseGuard_;
        minStake = minStake_;
        unbondingDelay = unbondingDelay_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        emit MinStakeUpdated(0, minStake_);
    }

    modifier whenRegistrationOpen() {
        if (pauseGuard.registrationPaused()) revert SignerRegistryRegistrationPaused();
        _;
    }

    /// @inheritdoc ISignerRegistry
    function stake(uint256 amount) external whenRegistrationOpen {
        if (amount == 0) revert SignerRegistryZeroAmount();
        Provider storage provider = _providers[msg.sender];
        if (provider.unlockAt != 0) revert SignerRegistryUnbonding(msg.sender, provider.unlockAt);
        uint256 newStake = provider.stake + amount;
        provider.stake = newStake;
        emit Staked(msg.sender, amount, newStake);
        stakeToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc ISignerRegistry
    function registerSigner(address signer, bytes calldata keyProof) external whenRegistrationOpen {
        Provider storage provider = _providers[msg.sender];
        if (provider.signer != address(0)) revert SignerRegistrySignerExists(msg.sender, provider.signer);
        _claimKey(provider, signer, keyProof);
        emit SignerRegistered(msg.sender, signer);
    }

    /// @inheritdoc ISignerRegistry
    function rotateSigner(address newSigner, bytes calldata keyProof) external whenRegistrationOpen {
        Provider storage provider = _providers[msg.sender];
        address oldSigner = provider.signer;
        if (oldSigner == address(0)) revert SignerRegistryNoSigner(msg.sender);
        _claimKey(provider, newSigner, keyProof);
        emit SignerRotated(msg.sender, oldSigner, newSigner);
    }

    /// @inheritdoc ISignerRegistry
    function beginUnbonding() external {
        Provider storage provider = _providers[msg.sender];
        if (provider.stake == 0) revert SignerRegistryNoStake(msg.sender);
        if (provider.unlockAt != 0) revert SignerRegistryUnbonding(msg.sender, provider.unlockAt);
        uint64 unlockAt = uint64(block.timestamp) + unbondingDelay;
        provider.unlockAt = unlockAt;
        emit UnbondingStarted(msg.sender, provider.stake, unlockAt);
    }

    /// @inheritdoc ISignerRegistry
    function withdrawStake(address to) external {
        if (to == address(0)) revert SignerRegistryZeroAddress();
        Provider storage provider = _providers[msg.sender];
        uint64 unlockAt = provider.unlockAt;
        if (unlockAt == 0) revert SignerRegistryNotUnbonding(msg.sender);
        if (block.timestamp < unlockAt) revert SignerRegistryStillLocked(msg.sender, unlockAt);
        uint256 amount = provider.stake;
        delete _providers[msg.sender];
        emit StakeWithdrawn(msg.sender, to, amount);
        if (amount != 0) stakeToken.safeTransfer(to, amount);
    }

    /// @inheritdoc ISignerRegistry
    function slash(
        address provider,
        uint256 amount,
        address recipient
    ) external onlyRole(SLASHER_ROLE) returns (uint256 slashed) {
        if (recipient == address(0)) revert SignerRegistryZeroAddress();
        Provider storage record = _providers[provider];
        uint256 current = record.stake;
        slashed = amount < current ? amount : current;
        uint256 remaining;
        // slashed <= current, so this cannot underflow.
        unchecked {
            remaining = current - slashed;
        }
        record.stake = remaining;
        emit Slashed(provider, recipient, slashed, remaining);
        if (slashed != 0) stakeToken.safeTransfer(recipient, slashed);
    }

    /// @inheritdoc ISignerRegistry
    function setMinStake(uint256 newMinStake) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit MinStakeUpdated(minStake, newMinStake);
        minStake = newMinStake;
    }

    /// @inheritdoc ISignerRegistry
    function keyConsentDigest(address provider) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(KEY_CONSENT_TYPEHASH, provider)));
    }

    /// @inheritdoc ISignerRegistry
    function signerStatus(address signer) external view returns (address provider, SignerStatus status) {
        provider = _keyOwner[signer];
        if (provider == address(0)) return (provider, SignerStatus.None);
        Provider storage record = _providers[provider];
        if (record.signer != signer) return (provider, SignerStatus.Retired);
        if (record.unlockAt != 0) return (provider, SignerStatus.Unbonding);
        if (record.stake < minStake) return (provider, SignerStatus.Understaked);
        return (provider, SignerStatus.Active);
    }

    /// @inheritdoc ISignerRegistry
    function getProvider(address provider) external view returns (Provider memory) {
        return _providers[provider];
    }

    /// @dev Makes `signer` the provider's key; a key is claimed once, ever, and only with its own consent.
    function _claimKey(Provider storage provider, address signer, bytes calldata keyProof) private {
        if (signer == address(0)) revert SignerRegistryZeroAddress();
        if (provider.unlockAt != 0) revert SignerRegistryUnbonding(msg.sender, provider.unlockAt);
        address owner = _keyOwner[signer];
        if (owner != address(0)) revert SignerRegistryKeyTaken(signer, owner);
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(
            keyConsentDigest(msg.sender),
            keyProof
        );
        if (err != ECDSA.RecoverError.NoError || recovered != signer) revert SignerRegistryInvalidKeyProof(signer);
        _keyOwner[signer] = msg.sender;
        provider.signer = signer;
    }
}
