pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// Fixed-point building blocks whose soundness is carried by constraints, never by `assert`:
// - values are signed integers in the field (v < 0 is p - |v|), scaled by 2^S;
// - every comparison is a bounded bit decomposition (B ≤ 252 bits, so it cannot wrap around the field and
//   needs no alias check), about B constraints for B bits.
// The TypeScript reference of each template is in sdk/models/fixedPoint.ts.

// 0 <= in < 2^B. B constraints.
template RangeCheck(B) {
    assert(B > 0 && B <= 252);
    signal input in;
    component bits = Num2Bits(B);
    bits.in <== in;
}

// -2^(B-1) <= in < 2^(B-1). B constraints.
template SignedRangeCheck(B) {
    assert(B > 1 && B <= 252);
    signal input in;
    component range = RangeCheck(B);
    range.in <== in + (1 << (B - 1));
}

// out = floor(in / 2^S) for a signed in with |in| < 2^(B-1): proves in = out·2^S + r with 0 <= r < 2^S and out in
// signed (B - S)-bit range. Over that range the decomposition is unique, so a prover cannot pick another quotient.
// The remainder is the linear expression in - out·2^S, range-checked directly: B + 2 constraints.
template Rescale(B, S) {
    assert(S > 0 && S < B && B <= 252);
    signal input in;
    signal output out;

    // Witness: floor division of the signed value (circom compares field elements as signed values).
    var quotient;
    if (in < 0) {
        quotient = -((-in + (1 << S) - 1) \ (1 << S));
    } else {
        quotient = in \ (1 << S);
    }
    out <-- quotient;

    component remainder = Num2Bits(S);
    remainder.in <== in - out * (1 << S);
    component quotientRange = SignedRangeCheck(B - S);
    quotientRange.in <== out;
}

// out = max(in, 0) for a signed in with |in| < 2^(B-1): the top bit of in + 2^(B-1) is 1 exactly when in >= 0.
// B + 1 constraints (33 for B = 32).
template ReLU(B) {
    assert(B > 1 && B <= 252);
    signal input in;
    signal output out;
    component bits = Num2Bits(B);
    bits.in <== in + (1 << (B - 1));
    out <== in * bits.out[B - 1];
}

// index = the first position of the maximum of in[N], max = in[index], for signed inputs of B bits (range-checked
// here, so the template is sound on any input). A one-hot selector picks the index; every other input must be
// below the maximum (strictly below for positions before the index, so ties resolve to the first).
// N·(2B + 3) + 1 constraints.
template ArgMax(N, B) {
    assert(N > 0 && B > 1 && B < 252);
    signal input in[N];
    signal output index;
    signal output max;

    // Witness: the first maximum.
    var best = 0;
    for (var j = 1; j < N; j++) {
        if (in[j] > in[best]) {
            best = j;
        }
    }
    signal selected[N];
    signal picked[N];
    var selectedCount = 0;
    var selectedIndex = 0;
    var selectedValue = 0;
    for (var j = 0; j < N; j++) {
        selected[j] <-- j == best ? 1 : 0;
        selected[j] * (selected[j] - 1) === 0;
        selectedCount += selected[j];
        selectedIndex += j * selected[j];
        picked[j] <== selected[j] * in[j];
        selectedValue += picked[j];
    }
    selectedCount === 1;
    index <== selectedIndex;
    max <== selectedValue;

    component inRange[N];
    component notAbove[N];
    var after = 0; // Σ_{k > j} selected[k]: 1 when j comes before the index
    for (var j = N - 1; j >= 0; j--) {
        inRange[j] = SignedRangeCheck(B);
        inRange[j].in <== in[j];
        notAbove[j] = RangeCheck(B + 1);
        notAbove[j].in <== max - in[j] - after;
        after += selected[j];
    }
}

// A piecewise-linear sigmoid (hard sigmoid): out = floor(clamp(in/4 + 1/2, 0, 1)) at scale 2^S, i.e.
// floor(clamp(in + 2^(S+1), 0, 2^(S+2)) / 4), for a signed in of B bits. 2 ReLUs and a rescale by 4.
template HardSigmoid(B, S) {
    assert(S + 3 < B && B + 2 <= 252);
    signal input in;
    signal output out;
    component atLeastZero = ReLU(B + 1);
    atLeastZero.in <== in + (1 << (S + 1));
    component overTop = ReLU(B + 1);
    overTop.in <== atLeastZero.out - (1 << (S + 2));
    component quarter = Rescale(B + 2, 2);
    quarter.in <== atLeastZero.out - overTop.out;
    out <== quarter.out;
}
