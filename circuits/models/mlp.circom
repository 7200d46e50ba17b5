pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../lib/fixedpoint.circom";

// A two-layer perceptron classifier with public weights (circuit constants: the multiply-accumulates are linear and
// cost no constraint): h = ReLU(floor((W1·x + B1) / 2^F)), logits = floor((W2·h + B2) / 2^F), class = argmax(logits).
// x, W1, W2, h and logits are at scale 2^F; B1 and B2 at 2^(2F). Accumulators must fit in signed ACC bits (the
// rescales prove it: an input that overflows has no proof).
//
// Public signals, in this order: inputHash = Poseidon(x), outputHash = Poseidon(class, logits...), requestId.
template Mlp(N0, N1, N2, W1, B1, W2, B2, F, ACC) {
    signal input x[N0];
    signal input requestId;
    signal output inputHash;
    signal output outputHash;

    component hiddenScale[N1];
    component hiddenRelu[N1];
    for (var j = 0; j < N1; j++) {
        var acc = B1[j];
        for (var i = 0; i < N0; i++) {
            acc += W1[j][i] * x[i];
        }
        hiddenScale[j] = Rescale(ACC, F);
        hiddenScale[j].in <== acc;
        hiddenRelu[j] = ReLU(ACC - F);
        hiddenRelu[j].in <== hiddenScale[j].out;
    }

    component logitScale[N2];
    component classOf = ArgMax(N2, ACC - F);
    for (var k = 0; k < N2; k++) {
        var acc = B2[k];
        for (var j = 0; j < N1; j++) {
            acc += W2[k][j] * hiddenRelu[j].out;
        }
        logitScale[k] = Rescale(ACC, F);
        logitScale[k].in <== acc;
        classOf.in[k] <== logitScale[k].out;
    }

    component inputHasher = Poseidon(N0);
    for (var i = 0; i < N0; i++) {
        inputHasher.inputs[i] <== x[i];
    }
    inputHash <== inputHasher.out;

    component outputHasher = Poseidon(N2 + 1);
    outputHasher.inputs[0] <== classOf.index;
    for (var k = 0; k < N2; k++) {
        outputHasher.inputs[k + 1] <== logitScale[k].out;
    }
    outputHash <== outputHasher.out;

    // Bind requestId with a constraint (as Semaphore does) so no optimiser can drop it from the proof.
    signal requestIdSquared;
    requestIdSquared <== requestId * requestId;
}
