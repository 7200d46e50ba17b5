// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceSettlement} from "../../contracts/interfaces/IInferenceSettlement.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {InferenceSettlement} from "../../contracts/settlement/InferenceSettlement.sol";
import {ModelRegistry} from "../../contracts/registries/ModelRegistry.sol";
import {SignerRegistry} from "../../contracts/registries/SignerRegistry.sol";
import {TeeRegistry} from "../../contracts/registries/TeeRegistry.sol";
import {TestToken} from "../../contracts/test-helpers/TestToken.sol";
import {Tier} from "../../contracts/libraries/Tier.sol";
import {OrderHashes} from "../helpers/OrderHashes.sol";
import {TestBase} from "../helpers/Vm.sol";

/// Fuzz tests of SIGNED-tier settlement: the money that moves is exactly the price of the items that verify.
contract InferenceSettlementFuzzTest is TestBase {
    uint256 private constant CLIENT_KEY = 0xC11E17;
    uint256 private constant SIGNER_KEY = 0x516E7;
    uint256 private constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint128 private constant MODEL_PRICE = 1_000;
    uint256 private constant MIN_STAKE = 100e6;

    address private immutable provider = address(0xB0B);
    address private client;
    /// The test contract owns the model, so the id starts with its address.
    bytes32 private immutable MODEL_ID = bytes32(abi.encodePacked(address(this), bytes12(keccak256("fuzz-model"))));

    TestToken private token;
    ModelRegistry private models;
    SignerRegistry private signers;
    TeeRegistry private tees;
    InferenceSettlement private settlement;

    function setUp() public {
        client = vm.addr(CLIENT_KEY);
        token = new TestToken("Test USD", "tUSD", address(this));
        PauseGuard guard = new PauseGuard(address(this), address(this));
        models = new ModelRegistry(guard);
        signers = new SignerRegistry(token, MIN_STAKE, 7 days, address(this), guard);
        tees = new TeeRegistry(address(this), 30 days, guard);
        settlement = new InferenceSettlement(token, models, signers, tees, 1 days, 1 days, guard);

        uint128[3] memory prices = [uint128(0), uint128(0), MODEL_PRICE];
        models.registerModel(
            MODEL_ID,
            IModelRegistry.ModelConfig({
                verifier: address(0),
                verifyingKeyHash: bytes32(0),
                weightsCommitment: bytes32(uint256(1)),
                privateWeights: false,
                inputSize: 4,
                outputSize: 1,
                fracBits: 8,
                acceptedTiers: uint8(1 << uint8(Tier.SIGNED)),
                prices: prices
            })
        );

        token.mint(provider, MIN_STAKE);
        vm.startPrank(provider);
        token.approve(address(signers), MIN_STAKE);
        signers.stake(MIN_STAKE);
        signers.registerSigner(vm.addr(SIGNER_KEY), _sign(SIGNER_KEY, signers.keyConsentDigest(provider)));
        vm.stopPrank();
    }

    function _fund(uint256 amount) private {
        if (amount == 0) return;
        token.mint(address(this), amount);
        token.approve(address(settlement), amount);
        settlement.depositFor(client, amount);
    }

    function _signedItem(
        uint256 requestId,
        uint256 price
    ) private view returns (IInferenceSettlement.Item memory item) {
        item = IInferenceSettlement.Item({
            requestId: bytes32(requestId),
            modelId: MODEL_ID,
            client: client,
            provider: provider,
            tier: Tier.SIGNED,
            inputHash: keccak256("input"),
            outputHash: keccak256("output"),
            price: price,
            deadline: uint64(block.timestamp + 1 hours),
            proof: "",
            clientSignature: "",
            payment: IInferenceSettlement.Payment.Escrow
        });
        item.clientSignature = _sign(CLIENT_KEY, settlement.orderDigest(item));
        item.proof = _sign(SIGNER_KEY, settlement.resultDigest(item));
    }

    function _sign(uint256 key, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _one(
        IInferenceSettlement.Item memory item
    ) private pure returns (IInferenceSettlement.Item[] memory items) {
        items = new IInferenceSettlement.Item[](1);
        items[0] = item;
    }

    function testFuzz_settle_movesExactlyThePrice(uint256 requestId, uint128 price, uint128 extra) public {
        requestId = requestId % FIELD;
        vm.assume(price >= MODEL_PRICE);
        _fund(uint256(price) + extra);

        uint256 settled = settlement.settle(_one(_signedItem(requestId, price)), IInferenceSettlement.Mode.Atomic);

        assertEq(settled, 1, "settled");
        assertEq(settlement.depositOf(client), extra, "client deposit");
        assertEq(settlement.earningsOf(provider), price, "provider earnings");
        assertEq(token.balanceOf(address(settlement)), uint256(price) + extra, "tokens held");
        assertTrue(settlement.isRequestSettled(client, bytes32(requestId)), "request spent");
        IInferenceSettlement.TierStat[3][] memory stats = settlement.getTierStats(
            settlement.epochOf(block.timestamp),
            settlement.epochOf(block.timestamp)
        );
        assertEq(stats[0][uint8(Tier.SIGNED)].count, 1, "signed count");
        assertEq(stats[0][uint8(Tier.SIGNED)].value, price, "signed value");
    }

    function testFuzz_settle_insufficientDepositMovesNothing(uint128 price, uint128 deposit) public {
        vm.assume(price >= MODEL_PRICE && deposit < price);
        _fund(deposit);

        uint256 settled = settlement.settle(_one(_signedItem(7, price)), IInferenceSettlement.Mode.Partial);

        assertEq(settled, 0, "settled");
        assertEq(settlement.depositOf(client), deposit, "client deposit");
        assertEq(settlement.earningsOf(provider), 0, "provider earnings");
        assertTrue(!settlement.isRequestSettled(client, bytes32(uint256(7))), "request unspent");
    }

    function testFuzz_settle_revertsOnRequestIdOutsideField(uint256 requestId) public {
        vm.assume(requestId >= FIELD);
        _fund(MODEL_PRICE);
        IInferenceSettlement.Item[] memory items = _one(_signedItem(requestId, MODEL_PRICE));

        vm.expectRevert(
            abi.encodeWithSelector(IInferenceSettlement.SettlementRequestIdOutOfField.selector, bytes32(requestId))
        );
        settlement.settle(items, IInferenceSettlement.Mode.Atomic);
    }

    function testFuzz_settle_revertsOnTamperedOutput(bytes32 otherOutput) public {
        IInferenceSettlement.Item memory item = _signedItem(11, MODEL_PRICE);
        vm.assume(otherOutput != item.outputHash);
        _fund(MODEL_PRICE);
        item.outputHash = otherOutput;
        IInferenceSettlement.Item[] memory items = _one(item);

        // The signature now recovers to an unrelated key: no registered signer vouched for this output.
        uint256 before = settlement.depositOf(client);
        settlement.settle(items, IInferenceSettlement.Mode.Partial);
        assertEq(settlement.depositOf(client), before, "client deposit");
        assertEq(settlement.earningsOf(provider), 0, "provider earnings");
    }

    function test_settle_revertsOnReplayInOneBatch() public {
        _fund(2 * uint256(MODEL_PRICE));
        IInferenceSettlement.Item memory item = _signedItem(42, MODEL_PRICE);
        IInferenceSettlement.Item[] memory items = new IInferenceSettlement.Item[](2);
        items[0] = item;
        items[1] = item;

        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceSettlement.SettlementRequestAlreadySettled.selector,
                client,
                bytes32(uint256(42))
            )
        );
        settlement.settle(items, IInferenceSettlement.Mode.Atomic);
    }

    /// Three items paid by one voucher and one escrow item of the same client, in one batch: each voucher item is paid
    /// if it fits in what the voucher has left, the escrow item from the deposit, and every balance moves by exactly
    /// what was paid.
    function testFuzz_settleWithVouchers_paysExactlyWhatFitsTheVoucher(
        uint64[3] memory prices,
        uint64 escrowPrice,
        uint256 cumulativeAmount
    ) public {
        escrowPrice = uint64(_bound(escrowPrice, MODEL_PRICE, type(uint64).max));
        IInferenceSettlement.Item[] memory items = new IInferenceSettlement.Item[](4);
        bytes32 head;
        uint256 total;
        for (uint256 i; i < 3; ++i) {
            prices[i] = uint64(_bound(prices[i], MODEL_PRICE, type(uint64).max));
            items[i] = _signedItem(100 + i, prices[i]);
            items[i].payment = IInferenceSettlement.Payment.Voucher;
            items[i].clientSignature = "";
            head = OrderHashes.chain(head, items[i]);
            total += prices[i];
        }
        items[3] = _signedItem(200, escrowPrice);
        cumulativeAmount = _bound(cumulativeAmount, 0, total);
        _fund(total + escrowPrice);

        IInferenceSettlement.Voucher memory voucher = IInferenceSettlement.Voucher({
            client: client,
            provider: provider,
            cumulativeAmount: cumulativeAmount,
            ordersHead: head,
            signature: ""
        });
        voucher.signature = _sign(CLIENT_KEY, settlement.voucherDigest(voucher));
        IInferenceSettlement.Voucher[] memory vouchers = new IInferenceSettlement.Voucher[](1);
        vouchers[0] = voucher;

        uint256 expected;
        uint256 expectedSettled = 1;
        for (uint256 i; i < 3; ++i) {
            if (expected + prices[i] <= cumulativeAmount) {
                expected += prices[i];
                ++expectedSettled;
            }
        }
        uint256 settled = settlement.settleWithVouchers(items, vouchers, IInferenceSettlement.Mode.Partial);

        assertEq(settled, expectedSettled, "settled");
        assertEq(settlement.depositOf(client), total - expected, "client deposit");
        assertEq(settlement.earningsOf(provider), expected + escrowPrice, "provider earnings");
        IInferenceSettlement.VoucherState memory state = settlement.voucherState(client, provider);
        assertEq(state.paid, expected, "paid under vouchers");
        assertTrue(state.ordersHead == head, "chain head");
    }

    /// `x` mapped into [min, max] (a fixed seed drives the fuzzer; the few cheatcodes used are declared in Vm.sol).
    function _bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        return min + (x % (max - min + 1));
    }

    function testFuzz_withdraw_neverExceedsDeposit(uint128 deposit, uint128 requested) public {
        vm.assume(deposit > 0 && requested > 0 && requested <= deposit);
        _fund(deposit);
        vm.prank(client);
        settlement.requestWithdrawal(requested);
        vm.warp(block.timestamp + 1 days);
        vm.prank(client);
        uint256 amount = settlement.withdraw(client);

        assertEq(amount, requested, "withdrawn");
        assertEq(token.balanceOf(client), requested, "client tokens");
        assertEq(settlement.depositOf(client), uint256(deposit) - requested, "deposit left");
    }
}
