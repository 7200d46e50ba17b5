// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestVendorAttestationVerifier} from "../../contracts/attestation/TestVendorAttestationVerifier.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {IInferenceSettlement} from "../../contracts/interfaces/IInferenceSettlement.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {ISignedResultCommitments} from "../../contracts/interfaces/ISignedResultCommitments.sol";
import {Tier} from "../../contracts/libraries/Tier.sol";
import {ModelRegistry} from "../../contracts/registries/ModelRegistry.sol";
import {SignerRegistry} from "../../contracts/registries/SignerRegistry.sol";
import {TeeRegistry} from "../../contracts/registries/TeeRegistry.sol";
import {InferenceSettlement} from "../../contracts/settlement/InferenceSettlement.sol";
import {TestToken} from "../../contracts/test-helpers/TestToken.sol";
import {InvariantBase} from "../helpers/InvariantBase.sol";
import {OrderHashes} from "../helpers/OrderHashes.sol";
import {TestBase, Vm} from "../helpers/Vm.sol";
import {ReversingDisputes} from "./ReversingDisputes.sol";

/// Invariants of the settlement under random call sequences of `SettlementHandler` (deposits, withdrawals, mixed
/// TEE/SIGNED batches paid from escrow, by vouchers and by EIP-3009, flawed items, releases, reversals, slashes, key
/// rotations, enclave and measurement revocations, time passing). Runs and depth come from the Solidity test profile:
/// `default` (quick, every `npx hardhat test solidity`) or `deep` (`npm run test:invariants:deep`); see docs/testing.md.
///
/// The handler lives in this file on purpose: the fuzzer finds a target's ABI through its artifact, and Hardhat writes
/// artifacts only for the root files it compiles, so a handler in a file of its own kept a stale artifact (and the run
/// failed with "address does not have an associated contract") whenever a contract changed and only this test file
/// was run.
contract SettlementInvariantsTest is InvariantBase {
    uint64 private constant EPOCH_LENGTH = 1 days;
    uint64 private constant WITHDRAWAL_DELAY = 1 days;
    uint64 private constant UNBONDING_DELAY = 7 days;
    uint64 private constant MAX_ATTESTATION_AGE = 30 days;

    TestToken private token;
    InferenceSettlement private settlement;
    SettlementHandler private handler;
    uint64 private firstEpoch;

    function setUp() public {
        handler = _deploySystem();
        firstEpoch = settlement.epochOf(block.timestamp);

        bytes4[] memory selectors = new bytes4[](15);
        selectors[0] = SettlementHandler.deposit.selector;
        selectors[1] = SettlementHandler.requestWithdrawal.selector;
        selectors[2] = SettlementHandler.withdraw.selector;
        selectors[3] = SettlementHandler.withdrawEarnings.selector;
        selectors[4] = SettlementHandler.releaseHeld.selector;
        selectors[5] = SettlementHandler.reverseSigned.selector;
        selectors[6] = SettlementHandler.restake.selector;
        selectors[7] = SettlementHandler.rotateSignerKey.selector;
        selectors[8] = SettlementHandler.revokeEnclave.selector;
        selectors[9] = SettlementHandler.revokeMeasurement.selector;
        selectors[10] = SettlementHandler.registerEnclave.selector;
        selectors[11] = SettlementHandler.warp.selector;
        // Settling is what the invariants are about: three entries of fifteen (the fuzzer picks them uniformly).
        selectors[12] = SettlementHandler.settle.selector;
        selectors[13] = SettlementHandler.settleWithVouchers.selector;
        selectors[14] = SettlementHandler.settleLater.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @dev Deploys and wires the whole system (the one place to change when a constructor changes): token, registries,
    /// settlement, the test vendor's attestation adapter, the handler and its test-only dispute path.
    function _deploySystem() private returns (SettlementHandler deployed) {
        token = new TestToken("Test USD", "tUSD", address(this));
        PauseGuard guard = new PauseGuard(address(this), address(this));
        ModelRegistry models = new ModelRegistry(guard);
        SignerRegistry signers = new SignerRegistry(token, MIN_STAKE, UNBONDING_DELAY, address(this), guard);
        TeeRegistry tees = new TeeRegistry(address(this), MAX_ATTESTATION_AGE, guard);
        settlement = new InferenceSettlement(token, models, signers, tees, EPOCH_LENGTH, WITHDRAWAL_DELAY, guard);
        TestVendorAttestationVerifier vendorVerifier = new TestVendorAttestationVerifier(vm.addr(VENDOR_KEY));
        tees.setAttestationVerifier(address(vendorVerifier), true);

        deployed = new SettlementHandler(token, models, signers, tees, settlement, vendorVerifier);
        settlement.setDisputes(address(deployed.disputes()));
        signers.grantRole(signers.SLASHER_ROLE(), address(deployed.disputes()));
        tees.grantRole(tees.GOVERNOR_ROLE(), address(deployed));
        token.transferOwnership(address(deployed));
        deployed.initialize();

        vm.label(address(token), "TestToken");
        vm.label(address(settlement), "InferenceSettlement");
        vm.label(address(deployed), "SettlementHandler");
    }

    /// The settlement holds exactly what it owes: its token balance equals the clients' escrow deposits, plus the
    /// providers' withdrawable earnings, plus the SIGNED earnings still held for a challenge window (every batch,
    /// every provider; released and reversed amounts are zero there).
    function invariant_tokenBalanceEqualsDepositsEarningsAndHeld() public view {
        uint256 owed;
        address[3] memory clients = handler.clients();
        address[2] memory providers = handler.providers();
        for (uint256 c; c < clients.length; ++c) owed += settlement.depositOf(clients[c]);
        for (uint256 p; p < providers.length; ++p) {
            owed += settlement.earningsOf(providers[p]);
            for (uint256 ordinal = 1; ordinal <= handler.ghostBatchCount(); ++ordinal) {
                owed += settlement.heldEarnings(handler.batchIdOf(ordinal), providers[p]).amount;
            }
        }
        assertEq(token.balanceOf(address(settlement)), owed, "settlement balance vs deposits + earnings + held");
    }

    /// Every account matches the handler's ghost ledger, and the balance is what flowed in less what flowed out.
    function invariant_accountsMatchGhostLedger() public view {
        assertEq(
            token.balanceOf(address(settlement)),
            handler.ghostInflow() - handler.ghostOutflow(),
            "settlement balance vs inflow - outflow"
        );
        address[3] memory clients = handler.clients();
        address[2] memory providers = handler.providers();
        for (uint256 c; c < clients.length; ++c) {
            assertEq(settlement.depositOf(clients[c]), handler.ghostDeposit(clients[c]), "client deposit");
        }
        for (uint256 p; p < providers.length; ++p) {
            assertEq(settlement.earningsOf(providers[p]), handler.ghostEarnings(providers[p]), "provider earnings");
            for (uint256 ordinal = 1; ordinal <= handler.ghostBatchCount(); ++ordinal) {
                assertEq(
                    settlement.heldEarnings(handler.batchIdOf(ordinal), providers[p]).amount,
                    handler.ghostHeld(ordinal, providers[p]),
                    "held earnings"
                );
            }
        }
    }

    /// No (client, request id) settles twice, and every one that settled is marked spent.
    function invariant_noRequestSettlesTwice() public view {
        (, , uint256 doubleSettlements, , ) = handler.violations();
        assertEq(doubleSettlements, 0, "request ids settled twice");
        uint256 count = handler.settledRequestCount();
        for (uint256 i; i < count; ++i) {
            (address client, bytes32 requestId) = handler.settledRequestAt(i);
            assertTrue(settlement.isRequestSettled(client, requestId), "settled request not marked spent");
        }
    }

    /// The per-tier counters, summed over every epoch since the start, equal the settled items of each tier and their
    /// value; nothing is counted for ZK (the handler settles no ZK item).
    function invariant_tierStatsCountSettledItems() public view {
        uint64 lastEpoch = settlement.epochOf(block.timestamp);
        IInferenceSettlement.TierStat[3][] memory stats = settlement.getTierStats(firstEpoch, lastEpoch);
        uint256[3] memory counts;
        uint256[3] memory values;
        for (uint256 e; e < stats.length; ++e) {
            for (uint256 t; t < 3; ++t) {
                counts[t] += stats[e][t].count;
                values[t] += stats[e][t].value;
            }
        }
        assertEq(counts[uint8(Tier.ZK)], 0, "ZK count");
        assertEq(counts[uint8(Tier.TEE)], handler.tierCount(Tier.TEE), "TEE count");
        assertEq(values[uint8(Tier.TEE)], handler.tierValue(Tier.TEE), "TEE value");
        assertEq(counts[uint8(Tier.SIGNED)], handler.tierCount(Tier.SIGNED), "SIGNED count");
        assertEq(values[uint8(Tier.SIGNED)], handler.tierValue(Tier.SIGNED), "SIGNED value");
        assertEq(
            counts[uint8(Tier.TEE)] + counts[uint8(Tier.SIGNED)],
            handler.settledRequestCount(),
            "tier counts vs settled requests"
        );
    }

    /// A rotated-away signer key, a revoked enclave key or a key whose measurement was revoked never settles again.
    function invariant_revokedKeysNeverSettle() public view {
        (, , , uint256 revokedSettlements, ) = handler.violations();
        assertEq(revokedSettlements, 0, "items settled by revoked keys");
    }

    /// Each item settled exactly when the ghost model says it must (flawed items never, sound items always), and the
    /// settlement's events and return values describe what happened.
    function invariant_itemsSettleAsPredicted() public view {
        (uint256 unexpected, uint256 missed, , , uint256 mismatches) = handler.violations();
        assertEq(unexpected, 0, "flawed items that settled");
        assertEq(missed, 0, "sound items that did not settle");
        assertEq(mismatches, 0, "events, return values or amounts that disagree");
    }
}

// The test hardware vendor's key: it signs the enclaves' attestations (`TestVendorAttestationVerifier`).
uint256 constant VENDOR_KEY = 0x7E5D0;
// The stake a SIGNED key needs (the signer registry's `minStake`).
uint256 constant MIN_STAKE = 100e6;
// The model's price per tier.
uint256 constant SIGNED_PRICE = 1_000;
uint256 constant TEE_PRICE = 2_000;
// Seconds a SIGNED payment is held (the test dispute path's window).
uint64 constant CHALLENGE_WINDOW = 1 days;

/// @notice What the invariant fuzzer drives: every way money and request ids move through the settlement, called in
/// random order with bounded random arguments. Each action also updates a ghost model of what the settlement should
/// hold; the invariants (`SettlementInvariants.t.sol`) compare it with the contracts.
///
/// Settlement batches mix TEE and SIGNED items (ZK items need real Groth16 proofs and are left out), paid from escrow,
/// by vouchers or by EIP-3009 authorisations (`Exact`), every signature real (secp256k1 over the contracts' EIP-712
/// digests). About a third of the items carry a flaw (a replayed request id, an expired deadline, an unregistered or revoked
/// key, another provider's key, a forged client signature, a price below the model's or above the deposit, a request
/// id outside the SNARK field, a rolled-back or forged voucher). For each item the handler predicts from its ghost
/// state whether it settles, and counts where the settlement disagrees.
contract SettlementHandler is TestBase {
    uint256 private constant _FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 private constant _CLIENT_KEY = 0xC11E17000;
    uint256 private constant _STRANGER_KEY = 0x5742A6E;
    uint256 private constant _CLIENTS = 3;
    uint256 private constant _PROVIDERS = 2;

    // The flaw an item carries is `seed % _FLAWS`: below 20 none (two items in three), else one of these.
    uint256 private constant _FLAWS = 30;
    uint256 private constant _REPLAY = 20;
    uint256 private constant _EXPIRED = 21;
    uint256 private constant _STRANGER_RESULT_KEY = 22;
    uint256 private constant _FORGED_CLIENT_SIGNATURE = 23;
    uint256 private constant _UNDERPRICED = 24;
    uint256 private constant _UNAFFORDABLE = 25;
    uint256 private constant _REVOKED_KEY = 26;
    uint256 private constant _OTHER_PROVIDERS_KEY = 27;
    uint256 private constant _OUT_OF_FIELD = 28;
    uint256 private constant _REPLAY_SETTLED = 29;

    TestToken public immutable token;
    ModelRegistry public immutable models;
    SignerRegistry public immutable signers;
    TeeRegistry public immutable tees;
    InferenceSettlement public immutable settlement;
    TestVendorAttestationVerifier public immutable vendorVerifier;
    ReversingDisputes public immutable disputes;
    bytes32 public immutable modelId;

    address[_CLIENTS] private _clients;
    address[_PROVIDERS] private _providers;
    uint256 private _nextKey = 0x1000;
    uint256 private _nextRequestId;

    // ---------------------------------------------------------------- ghost state

    /// @dev The ghost ledger: what the settlement should hold and owe.
    struct Ledger {
        uint256 inflow; // tokens that entered the settlement: deposits, `Exact` pulls
        uint256 outflow; // tokens that left it: withdrawals, earnings withdrawn
        mapping(address client => uint256) deposit;
        mapping(address provider => uint256) earnings;
        mapping(uint256 batchId => mapping(address provider => uint256)) held;
        mapping(uint256 batchId => uint64) releaseAt;
        uint256 batchCount; // SIGNED batches committed so far, numbered 1..batchCount here
        mapping(uint256 ordinal => uint256) batchIdOf; // settlement's id of each (its results hash)
        uint256[3] tierCount;
        uint256[3] tierValue;
    }

    struct Request {
        address client;
        bytes32 requestId;
    }

    /// @dev A settled SIGNED item the dispute path may reverse while its batch is held.
    struct SignedPayment {
        uint256 batchId;
        address provider;
        address client;
        bytes32 requestId;
        uint256 price;
        bool reversed;
    }

    /// @dev Requests, withdrawals and vouchers of the clients.
    struct Requests {
        Request[] settled; // every (client, request id) that settled, in order
        mapping(address client => mapping(bytes32 requestId => bool)) isSettled;
        mapping(address client => bytes32[]) settledIdsOf;
        SignedPayment[] signedPayments;
        mapping(address client => uint256) pendingWithdrawal;
        mapping(address client => uint64) withdrawalReadyAt;
        mapping(address client => mapping(address provider => uint256)) voucherPaid;
        mapping(address client => mapping(address provider => bytes32)) voucherHead;
    }

    struct Enclave {
        uint256 key;
        address operator;
        bytes32 measurement;
        uint64 expiresAt;
        bool revoked;
    }

    /// @dev Keys. A SIGNED key is active while it is its provider's current key and the stake is at least MIN_STAKE;
    /// an enclave key while it is not revoked, not expired and its measurement allowed. Rotated-away signer keys,
    /// revoked enclaves and enclaves whose measurement was revoked are revoked for good (the handler never re-allows
    /// them).
    struct Keys {
        mapping(address provider => uint256) signerKey;
        mapping(address provider => uint256) stake;
        mapping(address provider => uint256[]) retiredSignerKeys;
        mapping(address key => bool) retired;
        mapping(address provider => Enclave[]) enclaves;
        mapping(address key => Enclave) enclaveOf;
        mapping(bytes32 measurement => bool) measurementAllowed;
        bytes32[] measurements;
    }

    /// @notice Disagreements between the settlement and the ghost model; the invariants require zero.
    struct Violations {
        uint256 unexpectedSettlements; // items that settled although the ghost model says they must not
        uint256 missedSettlements; // items the ghost model says must settle that did not
        uint256 doubleSettlements; // (client, request id) pairs that settled a second time
        uint256 revokedSettlements; // items settled by a rotated-away signer key, a revoked enclave or measurement
        uint256 reportMismatches; // events, return values or amounts the settlement reported that disagree
    }

    /// @notice How much of the system the run exercised.
    struct Metrics {
        uint256 settledItems;
        uint256 rejectedItems;
        uint256 settledFromEscrow;
        uint256 settledExact;
        uint256 settledByVoucher;
        uint256 revokedKeyAttempts; // items submitted with a revoked key
        uint256 reversals;
        uint256 releases;
    }

    Ledger private _ghost;
    Requests private _requests;
    Keys private _keys;
    /// @notice See `Violations`.
    Violations public violations;
    /// @notice See `Metrics`.
    Metrics public metrics;

    constructor(
        TestToken token_,
        ModelRegistry models_,
        SignerRegistry signers_,
        TeeRegistry tees_,
        InferenceSettlement settlement_,
        TestVendorAttestationVerifier vendorVerifier_
    ) {
        token = token_;
        models = models_;
        signers = signers_;
        tees = tees_;
        settlement = settlement_;
        vendorVerifier = vendorVerifier_;
        disputes = new ReversingDisputes(address(settlement_), signers_, CHALLENGE_WINDOW, address(this));
        modelId = bytes32(abi.encodePacked(address(this), bytes12(keccak256("invariant-model"))));
        for (uint256 c; c < _CLIENTS; ++c) _clients[c] = vm.addr(_CLIENT_KEY + c);
        for (uint256 p; p < _PROVIDERS; ++p) _providers[p] = address(uint160(0xB0B0 + p));
    }

    /// @notice Registers the model, and per provider a staked signer key and an enclave. Needs the roles the test
    /// grants after deploying the handler (token owner, TEE governor).
    function initialize() external {
        uint128[3] memory prices = [uint128(0), uint128(TEE_PRICE), uint128(SIGNED_PRICE)];
        models.registerModel(
            modelId,
            IModelRegistry.ModelConfig({
                verifier: address(0),
                verifyingKeyHash: bytes32(0),
                weightsCommitment: bytes32(0),
                privateWeights: false,
                inputSize: 4,
                outputSize: 1,
                fracBits: 8,
                acceptedTiers: uint8((1 << uint8(Tier.TEE)) | (1 << uint8(Tier.SIGNED))),
                prices: prices
            })
        );
        for (uint256 p; p < _PROVIDERS; ++p) {
            address provider = _providers[p];
            _topUpStake(provider);
            uint256 key = _nextKey++;
            bytes memory consent = _sign(key, signers.keyConsentDigest(provider));
            vm.prank(provider);
            signers.registerSigner(vm.addr(key), consent);
            _keys.signerKey[provider] = key;
            registerEnclave(p, p);
        }
    }

    // ================================================================ actions

    /// @notice Funds a client's escrow.
    function deposit(uint256 clientSeed, uint256 amount) external {
        _deposit(_client(clientSeed), _bound(amount, 1, 1e6));
    }

    function _deposit(address client, uint256 amount) private {
        token.mint(address(this), amount);
        token.approve(address(settlement), amount);
        settlement.depositFor(client, amount);
        _ghost.deposit[client] += amount;
        _ghost.inflow += amount;
    }

    /// @notice A client asks to withdraw part of its deposit.
    function requestWithdrawal(uint256 clientSeed, uint256 amount) external {
        address client = _client(clientSeed);
        if (_ghost.deposit[client] == 0) return;
        amount = _bound(amount, 1, _ghost.deposit[client]);
        vm.prank(client);
        settlement.requestWithdrawal(amount);
        _requests.pendingWithdrawal[client] = amount;
        _requests.withdrawalReadyAt[client] = uint64(block.timestamp) + settlement.withdrawalDelay();
    }

    /// @notice A client withdraws what it asked for (or what is left of its deposit), after the delay.
    function withdraw(uint256 clientSeed) external {
        address client = _client(clientSeed);
        uint64 readyAt = _requests.withdrawalReadyAt[client];
        if (readyAt == 0) return;
        if (block.timestamp < readyAt) vm.warp(readyAt);
        uint256 expected = _min(_requests.pendingWithdrawal[client], _ghost.deposit[client]);
        vm.prank(client);
        uint256 amount = settlement.withdraw(client);
        if (amount != expected) ++violations.reportMismatches;
        _ghost.deposit[client] -= _min(amount, _ghost.deposit[client]);
        _ghost.outflow += amount;
        delete _requests.pendingWithdrawal[client];
        delete _requests.withdrawalReadyAt[client];
    }

    /// @notice A provider withdraws its earnings.
    function withdrawEarnings(uint256 providerSeed) external {
        address provider = _provider(providerSeed);
        if (_ghost.earnings[provider] == 0) return;
        vm.prank(provider);
        uint256 amount = settlement.withdrawEarnings(provider);
        if (amount != _ghost.earnings[provider]) ++violations.reportMismatches;
        _ghost.earnings[provider] = 0;
        _ghost.outflow += amount;
    }

    /// @notice Releases a provider's held SIGNED earnings of a batch, after waiting out its challenge window.
    function releaseHeld(uint256 batchSeed, uint256 providerSeed) external {
        if (_ghost.batchCount == 0) return;
        uint256 batchId = 1 + (batchSeed % _ghost.batchCount);
        address provider = _provider(providerSeed);
        uint256 held = _ghost.held[batchId][provider];
        if (held == 0) return;
        if (block.timestamp < _ghost.releaseAt[batchId]) vm.warp(_ghost.releaseAt[batchId]);
        uint256 amount = settlement.releaseSignedEarnings(_ghost.batchIdOf[batchId], provider);
        if (amount != held) ++violations.reportMismatches;
        _ghost.held[batchId][provider] = 0;
        _ghost.earnings[provider] += amount;
        ++metrics.releases;
    }

    /// @notice The dispute path reverses a settled SIGNED payment while it is held, and may slash its provider (whose
    /// key is then understaked until `restake`).
    function reverseSigned(uint256 paymentSeed, bool slash) external {
        if (_requests.signedPayments.length == 0) return;
        SignedPayment storage payment = _requests.signedPayments[paymentSeed % _requests.signedPayments.length];
        uint256 held = _ghost.held[payment.batchId][payment.provider];
        if (payment.reversed || held == 0 || block.timestamp >= _ghost.releaseAt[payment.batchId]) return;
        uint256 slashAmount = slash ? MIN_STAKE / 2 : 0;
        (uint256 reversed, uint256 slashed) = disputes.reverse(
            _ghost.batchIdOf[payment.batchId],
            payment.provider,
            payment.client,
            payment.requestId,
            payment.price,
            slashAmount
        );
        if (reversed != _min(payment.price, held) || slashed != _min(slashAmount, _keys.stake[payment.provider])) {
            ++violations.reportMismatches;
        }
        payment.reversed = true;
        ++metrics.reversals;
        _ghost.held[payment.batchId][payment.provider] = held - _min(reversed, held);
        _ghost.deposit[payment.client] += reversed;
        _keys.stake[payment.provider] -= _min(slashed, _keys.stake[payment.provider]);
    }

    /// @notice A slashed provider stakes back up to the minimum.
    function restake(uint256 providerSeed) external {
        _topUpStake(_provider(providerSeed));
    }

    /// @notice A provider rotates its signer key: the old key is retired for good.
    function rotateSignerKey(uint256 providerSeed) external {
        address provider = _provider(providerSeed);
        uint256 key = _nextKey++;
        bytes memory consent = _sign(key, signers.keyConsentDigest(provider));
        vm.prank(provider);
        signers.rotateSigner(vm.addr(key), consent);
        uint256 old = _keys.signerKey[provider];
        _keys.retiredSignerKeys[provider].push(old);
        _keys.retired[vm.addr(old)] = true;
        _keys.signerKey[provider] = key;
    }

    /// @notice Governance (or the operator) revokes one of a provider's enclave keys.
    function revokeEnclave(uint256 providerSeed, uint256 enclaveSeed, bool byOperator) external {
        address provider = _provider(providerSeed);
        Enclave[] storage enclaves = _keys.enclaves[provider];
        Enclave storage enclave = enclaves[enclaveSeed % enclaves.length];
        if (enclave.revoked) return;
        address key = vm.addr(enclave.key);
        if (byOperator) vm.prank(provider);
        tees.revokeEnclave(key);
        enclave.revoked = true;
        _keys.enclaveOf[key].revoked = true;
    }

    /// @notice Governance revokes a measurement: every enclave running it stops signing at once.
    function revokeMeasurement(uint256 measurementSeed) external {
        bytes32 measurement = _keys.measurements[measurementSeed % _keys.measurements.length];
        if (!_keys.measurementAllowed[measurement]) return;
        tees.revokeMeasurement(modelId, measurement);
        _keys.measurementAllowed[measurement] = false;
    }

    /// @notice A provider registers a new enclave, attested by the test vendor, running a new measurement or (with an
    /// even `measurementSeed`) one already allowed.
    function registerEnclave(uint256 providerSeed, uint256 measurementSeed) public {
        address provider = _provider(providerSeed);
        bytes32 measurement = _allowedMeasurement(measurementSeed);
        if (measurement == bytes32(0)) {
            measurement = keccak256(abi.encode("measurement", _keys.measurements.length));
            _keys.measurements.push(measurement);
            tees.allowMeasurement(modelId, measurement);
            _keys.measurementAllowed[measurement] = true;
        }
        uint256 key = _nextKey++;
        address enclaveKey = vm.addr(key);
        // The attestation binds a recent block hash: start a block so that the previous one is available.
        vm.roll(block.number + 1);
        uint256 bindingBlock = block.number - 1;
        bytes memory attestation = _attest(measurement, tees.enclaveBinding(enclaveKey, provider, bindingBlock));
        vm.prank(provider);
        tees.registerEnclave(modelId, enclaveKey, address(vendorVerifier), attestation, bindingBlock);
        Enclave memory enclave = Enclave({
            key: key,
            operator: provider,
            measurement: measurement,
            expiresAt: uint64(block.timestamp) + tees.maxAttestationAge(),
            revoked: false
        });
        _keys.enclaves[provider].push(enclave);
        _keys.enclaveOf[enclaveKey] = enclave;
    }

    /// @notice Time passes (epochs turn, withdrawals mature, windows close, attestations expire).
    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + _bound(secondsAhead, 0, 2 days));
    }

    // ---------------------------------------------------------------- settle

    /// @dev One item being built, and what the handler knows about it.
    struct Draft {
        uint256 seed;
        uint256 clientIndex;
        uint256 flaw;
        uint256 resultKey; // the private key that signs the result
        bool clientSignatureValid;
        uint256 voucher; // index + 1 in the batch's vouchers, 0 if not paid by voucher
        bool expected; // the ghost model's prediction: the item settles
    }

    /// @dev A batch being built.
    struct Batch {
        IInferenceSettlement.Item[] items;
        Draft[] drafts;
        IInferenceSettlement.Voucher[] vouchers;
        uint256 voucherCount;
        bool[] voucherValid;
        uint256[] voucherRemaining;
        bool allExpected;
    }

    /// @notice Settles a batch of 1-4 items (some flawed), paid from escrow or by EIP-3009, in `Atomic` or `Partial`
    /// mode.
    function settle(uint256 seed, uint256 size, bool atomic) external {
        _settle(seed, size, atomic, false);
    }

    /// @notice Settles a batch of 1-4 items (some flawed) with `settleWithVouchers`: some items are paid by vouchers,
    /// one voucher per (client, provider), some of them forged, rolled back or too small; the others from escrow or
    /// by EIP-3009.
    function settleWithVouchers(uint256 seed, uint256 size, bool atomic) external {
        _settle(seed, size, atomic, true);
    }

    /// @notice Time passes, then a `Partial` batch with vouchers settles.
    function settleLater(uint256 secondsAhead, uint256 seed, uint256 size) external {
        vm.warp(block.timestamp + _bound(secondsAhead, 0, 2 days));
        _settle(seed, size, false, true);
    }

    /// @dev Half the batches first fund a client's escrow (so that more items can be paid); then the batch is built,
    /// predicted, submitted and accounted for.
    function _settle(uint256 seed, uint256 size, bool atomic, bool withVouchers) private {
        if ((seed >> 128) % 2 == 0) {
            // Voucher batches mostly pay for client 0 (`_drawParties`): fund it.
            _deposit(_clients[withVouchers ? 0 : (seed >> 130) % _CLIENTS], 1 + ((seed >> 140) % 1e5));
        }
        Batch memory batch = _build(seed, _bound(size, 1, 4), withVouchers);
        _predict(batch);
        IInferenceSettlement.Mode mode = atomic ? IInferenceSettlement.Mode.Atomic : IInferenceSettlement.Mode.Partial;
        vm.recordLogs();
        bool succeeded;
        uint256 settledCount;
        if (batch.voucherCount != 0) {
            try settlement.settleWithVouchers(batch.items, batch.vouchers, mode) returns (uint256 n) {
                (succeeded, settledCount) = (true, n);
            } catch {}
        } else {
            try settlement.settle(batch.items, mode) returns (uint256 n) {
                (succeeded, settledCount) = (true, n);
            } catch {}
        }
        Vm.Log[] memory logs = vm.getRecordedLogs();
        if (!succeeded) {
            // Only an Atomic batch with a bad item may revert; nothing of it settled.
            if (!atomic || batch.allExpected) violations.missedSettlements += batch.items.length;
            metrics.rejectedItems += batch.items.length;
            return;
        }
        bool[] memory settled = _settledItems(batch, logs, atomic);
        uint256 batchesBefore = _ghost.batchCount;
        _account(batch, settled, settledCount);
        _recordBatchId(logs, batchesBefore);
    }

    /// @dev Maps the SIGNED batch the ghost model just committed (if any) to settlement's id for it, read from the
    /// `SignedBatchCommitted` log; a batch committed on one side only is a report mismatch.
    function _recordBatchId(Vm.Log[] memory logs, uint256 batchesBefore) private {
        uint256 committed;
        for (uint256 k; k < logs.length; ++k) {
            Vm.Log memory log = logs[k];
            if (
                log.emitter == address(settlement) &&
                log.topics[0] == ISignedResultCommitments.SignedBatchCommitted.selector
            ) committed = uint256(log.topics[1]);
        }
        bool expected = _ghost.batchCount != batchesBefore;
        if ((committed != 0) != expected) ++violations.reportMismatches;
        if (expected) _ghost.batchIdOf[_ghost.batchCount] = committed;
    }

    /// @dev Draws the batch's items from `seed`, signs their results and authorisations, and signs its vouchers.
    function _build(uint256 seed, uint256 size, bool withVouchers) private returns (Batch memory batch) {
        batch.items = new IInferenceSettlement.Item[](size);
        batch.drafts = new Draft[](size);
        batch.vouchers = new IInferenceSettlement.Voucher[](size);
        batch.voucherValid = new bool[](size);
        batch.voucherRemaining = new uint256[](size);
        for (uint256 i; i < size; ++i) {
            Draft memory draft = batch.drafts[i];
            draft.seed = uint256(keccak256(abi.encode(seed, i)));
            draft.flaw = draft.seed % _FLAWS;
            IInferenceSettlement.Item memory item = batch.items[i];
            _drawParties(batch, i, withVouchers && i == 0 && (seed >> 120) % 4 != 0, withVouchers);
            item.modelId = modelId;
            item.requestId = bytes32(++_nextRequestId);
            if (draft.flaw == _REPLAY && i != 0) {
                // The same request as the batch's first item (possibly of another provider or payment).
                draft.clientIndex = batch.drafts[0].clientIndex;
                item.requestId = batch.items[0].requestId;
            }
            item.client = _clients[draft.clientIndex];
            if (draft.flaw == _REPLAY_SETTLED && _requests.settledIdsOf[item.client].length != 0) {
                bytes32[] storage ids = _requests.settledIdsOf[item.client];
                item.requestId = ids[(draft.seed >> 40) % ids.length];
            }
            if (draft.flaw == _OUT_OF_FIELD) item.requestId = bytes32(_FIELD + ((draft.seed >> 40) % 1000));
            uint256 modelPrice = item.tier == Tier.SIGNED ? SIGNED_PRICE : TEE_PRICE;
            item.price = modelPrice + ((draft.seed >> 64) % (4 * modelPrice));
            if (draft.flaw == _UNDERPRICED) item.price = modelPrice - 1;
            if (draft.flaw == _UNAFFORDABLE) item.price = 1e15;
            item.deadline = uint64(block.timestamp + 1 hours);
            if (draft.flaw == _EXPIRED) item.deadline = uint64(block.timestamp - 1);
            item.inputHash = keccak256(abi.encode(draft.seed, "input"));
            item.outputHash = keccak256(abi.encode(draft.seed, "output"));
            draft.resultKey = _resultKey(item, draft);
            if (_revoked(vm.addr(draft.resultKey), item.tier)) ++metrics.revokedKeyAttempts;
            item.proof = _sign(draft.resultKey, settlement.resultDigest(item));
            _authorize(item, draft);
        }
        if (withVouchers) _signVouchers(batch, seed);
    }

    /// @dev Draws item `i`'s client, provider, tier and payment. Most voucher batches are for one (client, provider)
    /// (`firstPair`: the first item takes client 0 and provider 0), and most of a batch's voucher items share the first
    /// item's pair, so that a pair's vouchers build on each other within a run.
    function _drawParties(Batch memory batch, uint256 i, bool firstPair, bool withVouchers) private view {
        Draft memory draft = batch.drafts[i];
        IInferenceSettlement.Item memory item = batch.items[i];
        draft.clientIndex = (draft.seed >> 8) % _CLIENTS;
        item.provider = _providers[(draft.seed >> 16) % _PROVIDERS];
        if (firstPair) (draft.clientIndex, item.provider) = (0, _providers[0]);
        item.tier = (draft.seed >> 24) & 1 == 0 ? Tier.SIGNED : Tier.TEE;
        uint256 kind = (draft.seed >> 32) % 4;
        if (withVouchers && (i == 0 || kind < 2)) item.payment = IInferenceSettlement.Payment.Voucher;
        else if (kind == 3) item.payment = IInferenceSettlement.Payment.Exact;
        else item.payment = IInferenceSettlement.Payment.Escrow;
        if (item.payment == IInferenceSettlement.Payment.Voucher && i != 0 && (draft.seed >> 36) % 4 != 0) {
            draft.clientIndex = batch.drafts[0].clientIndex;
            item.provider = batch.items[0].provider;
        }
    }

    /// @dev The key that signs the item's result: the provider's current key for the tier, unless the flaw says
    /// otherwise.
    function _resultKey(IInferenceSettlement.Item memory item, Draft memory draft) private view returns (uint256 key) {
        bool tee = item.tier == Tier.TEE;
        key = tee ? _latestEnclaveKey(item.provider) : _keys.signerKey[item.provider];
        if (draft.flaw == _STRANGER_RESULT_KEY) return _STRANGER_KEY;
        if (draft.flaw == _OTHER_PROVIDERS_KEY) {
            address other = item.provider == _providers[0] ? _providers[1] : _providers[0];
            return tee ? _latestEnclaveKey(other) : _keys.signerKey[other];
        }
        if (draft.flaw == _REVOKED_KEY) {
            if (tee) {
                Enclave[] storage enclaves = _keys.enclaves[item.provider];
                for (uint256 e; e < enclaves.length; ++e) {
                    if (_enclaveRevoked(vm.addr(enclaves[e].key))) return enclaves[e].key;
                }
            } else {
                uint256[] storage retired = _keys.retiredSignerKeys[item.provider];
                if (retired.length != 0) return retired[(draft.seed >> 48) % retired.length];
            }
            return _STRANGER_KEY; // nothing revoked yet: an unregistered key
        }
    }

    /// @dev The client's authorisation of an `Escrow` or `Exact` item (forged with `_FORGED_CLIENT_SIGNATURE`). An
    /// `Exact` client is minted the price first (unless the price is the unaffordable one).
    function _authorize(IInferenceSettlement.Item memory item, Draft memory draft) private {
        draft.clientSignatureValid = draft.flaw != _FORGED_CLIENT_SIGNATURE;
        uint256 key =
            _CLIENT_KEY + (draft.clientSignatureValid ? draft.clientIndex : (draft.clientIndex + 1) % _CLIENTS);
        if (item.payment == IInferenceSettlement.Payment.Escrow) {
            item.clientSignature = _sign(key, settlement.orderDigest(item));
        } else if (item.payment == IInferenceSettlement.Payment.Exact) {
            if (draft.flaw != _UNAFFORDABLE) token.mint(item.client, item.price);
            uint256 validBefore = block.timestamp + 1 hours;
            bytes32 digest = keccak256(
                abi.encodePacked(
                    "\x19\x01",
                    token.DOMAIN_SEPARATOR(),
                    keccak256(
                        abi.encode(
                            token.RECEIVE_WITH_AUTHORIZATION_TYPEHASH(),
                            item.client,
                            address(settlement),
                            item.price,
                            uint256(0),
                            validBefore,
                            settlement.orderDigest(item)
                        )
                    )
                )
            );
            item.clientSignature = abi.encodePacked(uint256(0), validBefore, _sign(key, digest));
        } else {
            draft.clientSignatureValid = true; // the voucher authorises it
        }
    }

    /// @dev One voucher per (client, provider) of the batch's `Voucher` items, chaining their orders in batch order from
    /// the pair's head. Most cover every item; some are forged (signed by a stranger), rolled back (below what the
    /// pair's vouchers already paid) or cover only about half.
    function _signVouchers(Batch memory batch, uint256 seed) private view {
        bytes32[] memory heads = new bytes32[](batch.items.length);
        uint256[] memory totals = new uint256[](batch.items.length);
        for (uint256 i; i < batch.items.length; ++i) {
            IInferenceSettlement.Item memory item = batch.items[i];
            if (item.payment != IInferenceSettlement.Payment.Voucher) continue;
            uint256 j;
            while (
                j < batch.voucherCount &&
                (batch.vouchers[j].client != item.client || batch.vouchers[j].provider != item.provider)
            ) ++j;
            if (j == batch.voucherCount) {
                batch.vouchers[j].client = item.client;
                batch.vouchers[j].provider = item.provider;
                heads[j] = _requests.voucherHead[item.client][item.provider];
                ++batch.voucherCount;
            }
            heads[j] = OrderHashes.chain(heads[j], item);
            totals[j] += item.price;
            batch.drafts[i].voucher = j + 1;
        }
        IInferenceSettlement.Voucher[] memory vouchers = new IInferenceSettlement.Voucher[](batch.voucherCount);
        for (uint256 j; j < batch.voucherCount; ++j) {
            IInferenceSettlement.Voucher memory voucher = batch.vouchers[j];
            uint256 paid = _requests.voucherPaid[voucher.client][voucher.provider];
            uint256 variant = uint256(keccak256(abi.encode(seed, "voucher", j))) % 8; // 4-7: sound
            voucher.ordersHead = heads[j];
            voucher.cumulativeAmount = paid + totals[j];
            if (variant == 0 && paid != 0) voucher.cumulativeAmount = paid - 1; // rollback
            if (variant == 1 || variant == 3) voucher.cumulativeAmount = paid + totals[j] / 2; // covers about half
            uint256 key = variant == 2 ? _STRANGER_KEY : _CLIENT_KEY + _clientIndex(voucher.client);
            voucher.signature = _sign(key, settlement.voucherDigest(voucher));
            batch.voucherValid[j] = variant != 2 && voucher.cumulativeAmount >= paid;
            if (batch.voucherValid[j]) batch.voucherRemaining[j] = voucher.cumulativeAmount - paid;
            vouchers[j] = voucher;
        }
        batch.vouchers = vouchers;
    }

    /// @dev Predicts, from the ghost state only, which items settle: in batch order, like the settlement, each item
    /// must be new, current, priced right, paid and signed by an active key of its provider; a settled item uses up its
    /// request id, its price of the client's deposit (or token balance) and of its voucher.
    function _predict(Batch memory batch) private view {
        uint256 size = batch.items.length;
        uint256[] memory deposits = new uint256[](_CLIENTS);
        uint256[] memory balances = new uint256[](_CLIENTS);
        for (uint256 c; c < _CLIENTS; ++c) {
            deposits[c] = _ghost.deposit[_clients[c]];
            balances[c] = token.balanceOf(_clients[c]);
        }
        batch.allExpected = true;
        for (uint256 i; i < size; ++i) {
            IInferenceSettlement.Item memory item = batch.items[i];
            Draft memory draft = batch.drafts[i];
            uint256 c = draft.clientIndex;
            bool ok =
                uint256(item.requestId) < _FIELD &&
                    !_requests.isSettled[item.client][item.requestId] &&
                    block.timestamp <= item.deadline &&
                    item.price >= (item.tier == Tier.SIGNED ? SIGNED_PRICE : TEE_PRICE) &&
                    draft.clientSignatureValid &&
                    _keyActive(draft.resultKey, item);
            for (uint256 k; ok && k < i; ++k) {
                if (batch.drafts[k].expected && batch.items[k].client == item.client) {
                    ok = batch.items[k].requestId != item.requestId;
                }
            }
            if (ok && item.payment == IInferenceSettlement.Payment.Exact) {
                ok = balances[c] >= item.price;
                if (ok) balances[c] -= item.price;
            } else if (ok) {
                ok = deposits[c] >= item.price;
                if (ok && draft.voucher != 0) {
                    uint256 j = draft.voucher - 1;
                    ok = batch.voucherValid[j] && item.price <= batch.voucherRemaining[j];
                    if (ok) batch.voucherRemaining[j] -= item.price;
                }
                if (ok) deposits[c] -= item.price;
            }
            draft.expected = ok;
            if (!ok) batch.allExpected = false;
        }
    }

    /// @dev Which items settled, from the batch's events: `Partial` emits `ItemRejected(index, ...)` for each skipped
    /// item; a successful `Atomic` batch settled all. Cross-checks each `ItemSettled` against its item.
    function _settledItems(
        Batch memory batch,
        Vm.Log[] memory logs,
        bool atomic
    ) private returns (bool[] memory settled) {
        uint256 size = batch.items.length;
        settled = new bool[](size);
        for (uint256 i; i < size; ++i) settled[i] = true;
        for (uint256 n; n < logs.length; ++n) {
            if (logs[n].emitter != address(settlement)) continue;
            if (logs[n].topics[0] == IInferenceSettlement.ItemRejected.selector) {
                uint256 index = uint256(logs[n].topics[1]);
                if (atomic || index >= size) ++violations.reportMismatches;
                else settled[index] = false;
            }
        }
        uint256 next; // the next settled item an `ItemSettled` event should describe
        for (uint256 n; n < logs.length; ++n) {
            if (
                logs[n].emitter != address(settlement) || logs[n].topics[0] != IInferenceSettlement.ItemSettled.selector
            ) {
                continue;
            }
            while (next < size && !settled[next]) ++next;
            if (next == size) {
                ++violations.reportMismatches;
                break;
            }
            IInferenceSettlement.Item memory item = batch.items[next++];
            (, Tier tier, uint256 price, , ) = abi.decode(logs[n].data, (bytes32, Tier, uint256, bytes32, bytes32));
            if (
                logs[n].topics[1] != item.requestId ||
                address(uint160(uint256(logs[n].topics[2]))) != item.client ||
                address(uint160(uint256(logs[n].topics[3]))) != item.provider ||
                tier != item.tier ||
                price != item.price
            ) ++violations.reportMismatches;
        }
        while (next < size && !settled[next]) ++next;
        if (next != size) ++violations.reportMismatches; // fewer ItemSettled events than settled items
    }

    /// @dev Applies the settled items to the ghost state and counts disagreements with the prediction.
    function _account(Batch memory batch, bool[] memory settled, uint256 settledCount) private {
        uint256 count;
        bool anySigned;
        for (uint256 i; i < settled.length; ++i) {
            IInferenceSettlement.Item memory item = batch.items[i];
            if (!settled[i]) {
                ++metrics.rejectedItems;
                if (batch.drafts[i].expected) ++violations.missedSettlements;
                continue;
            }
            ++count;
            ++metrics.settledItems;
            if (item.payment == IInferenceSettlement.Payment.Escrow) ++metrics.settledFromEscrow;
            else if (item.payment == IInferenceSettlement.Payment.Exact) ++metrics.settledExact;
            else ++metrics.settledByVoucher;
            if (!batch.drafts[i].expected) ++violations.unexpectedSettlements;
            if (_requests.isSettled[item.client][item.requestId]) ++violations.doubleSettlements;
            if (_revoked(vm.addr(batch.drafts[i].resultKey), item.tier)) ++violations.revokedSettlements;
            _requests.isSettled[item.client][item.requestId] = true;
            _requests.settled.push(Request(item.client, item.requestId));
            _requests.settledIdsOf[item.client].push(item.requestId);
            _ghost.tierCount[uint8(item.tier)] += 1;
            _ghost.tierValue[uint8(item.tier)] += item.price;
            if (item.payment == IInferenceSettlement.Payment.Exact) {
                _ghost.inflow += item.price;
            } else {
                _ghost.deposit[item.client] -= _min(item.price, _ghost.deposit[item.client]);
            }
            if (item.payment == IInferenceSettlement.Payment.Voucher) {
                _requests.voucherPaid[item.client][item.provider] += item.price;
            }
            if (item.tier == Tier.SIGNED) {
                if (!anySigned) {
                    anySigned = true;
                    ++_ghost.batchCount;
                    _ghost.releaseAt[_ghost.batchCount] = uint64(block.timestamp) + CHALLENGE_WINDOW;
                }
                _ghost.held[_ghost.batchCount][item.provider] += item.price;
                _requests.signedPayments.push(
                    SignedPayment(_ghost.batchCount, item.provider, item.client, item.requestId, item.price, false)
                );
            } else {
                _ghost.earnings[item.provider] += item.price;
            }
        }
        if (count != settledCount) ++violations.reportMismatches;
        for (uint256 j; j < batch.voucherCount; ++j) {
            IInferenceSettlement.Voucher memory voucher = batch.vouchers[j];
            if (batch.voucherValid[j]) _requests.voucherHead[voucher.client][voucher.provider] = voucher.ordersHead;
        }
    }

    // ================================================================ views for the invariants

    /// @notice The handler's clients and providers.
    function clients() external view returns (address[_CLIENTS] memory) {
        return _clients;
    }

    function providers() external view returns (address[_PROVIDERS] memory) {
        return _providers;
    }

    /// @notice The ghost ledger: tokens in and out, each client's deposit, each provider's earnings and held earnings
    /// per batch, the SIGNED batches committed.
    function ghostInflow() external view returns (uint256) {
        return _ghost.inflow;
    }

    function ghostOutflow() external view returns (uint256) {
        return _ghost.outflow;
    }

    function ghostDeposit(address client) external view returns (uint256) {
        return _ghost.deposit[client];
    }

    function ghostEarnings(address provider) external view returns (uint256) {
        return _ghost.earnings[provider];
    }

    function ghostHeld(uint256 batchId, address provider) external view returns (uint256) {
        return _ghost.held[batchId][provider];
    }

    function ghostBatchCount() external view returns (uint256) {
        return _ghost.batchCount;
    }

    /// @notice Settlement's id (the results hash) of the ghost model's `ordinal`-th SIGNED batch.
    function batchIdOf(uint256 ordinal) external view returns (uint256) {
        return _ghost.batchIdOf[ordinal];
    }

    /// @notice Items settled per tier, and their value, by the ghost model.
    function tierCount(Tier tier) external view returns (uint256) {
        return _ghost.tierCount[uint8(tier)];
    }

    function tierValue(Tier tier) external view returns (uint256) {
        return _ghost.tierValue[uint8(tier)];
    }

    /// @notice How many (client, request id) pairs settled, and one of them.
    function settledRequestCount() external view returns (uint256) {
        return _requests.settled.length;
    }

    function settledRequestAt(uint256 index) external view returns (address client, bytes32 requestId) {
        Request storage request = _requests.settled[index];
        return (request.client, request.requestId);
    }

    // ================================================================ helpers

    /// @dev Whether `key` may sign `item` now, by the ghost model: a SIGNED key must be the provider's current key and
    /// staked; an enclave key must be the provider's, unrevoked, unexpired and its measurement allowed.
    function _keyActive(uint256 key, IInferenceSettlement.Item memory item) private view returns (bool) {
        if (item.tier == Tier.SIGNED) {
            return key == _keys.signerKey[item.provider] && _keys.stake[item.provider] >= MIN_STAKE;
        }
        Enclave storage enclave = _keys.enclaveOf[vm.addr(key)];
        return
            enclave.operator == item.provider &&
            !enclave.revoked &&
            block.timestamp < enclave.expiresAt &&
            _keys.measurementAllowed[enclave.measurement];
    }

    /// @dev Whether `key` was revoked for good for `tier`: a rotated-away signer key, or a revoked enclave or one whose
    /// measurement was revoked.
    function _revoked(address key, Tier tier) private view returns (bool) {
        return tier == Tier.SIGNED ? _keys.retired[key] : _enclaveRevoked(key);
    }

    function _enclaveRevoked(address key) private view returns (bool) {
        Enclave storage enclave = _keys.enclaveOf[key];
        return enclave.operator != address(0) && (enclave.revoked || !_keys.measurementAllowed[enclave.measurement]);
    }

    function _latestEnclaveKey(address provider) private view returns (uint256) {
        Enclave[] storage enclaves = _keys.enclaves[provider];
        return enclaves[enclaves.length - 1].key;
    }

    /// @dev An allowed measurement picked by `seed` (even seeds only), or zero for "make a new one".
    function _allowedMeasurement(uint256 seed) private view returns (bytes32) {
        if (seed % 2 != 0 || _keys.measurements.length == 0) return bytes32(0);
        bytes32 measurement = _keys.measurements[(seed / 2) % _keys.measurements.length];
        return _keys.measurementAllowed[measurement] ? measurement : bytes32(0);
    }

    function _topUpStake(address provider) private {
        if (_keys.stake[provider] >= MIN_STAKE) return;
        uint256 amount = MIN_STAKE - _keys.stake[provider];
        token.mint(provider, amount);
        vm.startPrank(provider);
        token.approve(address(signers), amount);
        signers.stake(amount);
        vm.stopPrank();
        _keys.stake[provider] += amount;
    }

    /// @dev The test vendor's attestation of `measurement` with `reportData`, in `TestVendorAttestationVerifier`'s
    /// format and EIP-712 domain.
    function _attest(bytes32 measurement, bytes32 reportData) private view returns (bytes memory) {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("TestVendorAttestation"),
                keccak256("1"),
                block.chainid,
                address(vendorVerifier)
            )
        );
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                domain,
                keccak256(abi.encode(vendorVerifier.ATTESTATION_TYPEHASH(), measurement, reportData, false))
            )
        );
        return abi.encodePacked(measurement, reportData, false, _sign(VENDOR_KEY, digest));
    }

    function _sign(uint256 key, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _client(uint256 seed) private view returns (address) {
        return _clients[seed % _CLIENTS];
    }

    function _clientIndex(address client) private view returns (uint256 c) {
        while (_clients[c] != client) ++c;
    }

    function _provider(uint256 seed) private view returns (address) {
        return _providers[seed % _PROVIDERS];
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    /// @dev `x` mapped into [min, max].
    function _bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}
