pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../lib/fixedpoint.circom";
include "../lib/vectorhash.circom";

// Mlp with private weights: W1, B1, W2, B2 are private inputs (one constraint per multiply-accumulate), and the proof
// commits to them with weightsHash = VectorHash(W1 ‖ B1 ‖ W2 ‖ B2) (matrices row by row), which settlement matches
// against the ModelRegistry's weights commitment. Same fixed point, rescales, ReLU and argmax as Mlp: the rescales
// range-check every accumulator, so any weights keep the arithmetic sound; the commitment pins which weights they are.
//
// Public signals, in this order: inputHash = Poseidon(x), outputHash = Poseidon(class, logits...), weightsHash,
// requestId.
template MlpPrivate(N0, N1, N2, F, ACC) {
    signal input x[N0];
    signal input w1[N1][N0];
    signal input b1[N1];
    signal input w2[N2][N1];
    signal input b2[N2];
    signal input requestId;
    signal output inputHash;
    signal output outputHash;
    signal output weightsHash;

    signal hiddenProducts[N1][N0];
    component hiddenScale[N1];
    component hiddenRelu[N1];
    for (var j = 0; j < N1; j++) {
        var acc = b1[j];
        for (var i = 0; i < N0; i++) {
            hiddenProducts[j][i] <== w1[j][i] * x[i];
            acc += hiddenProducts[j][i];
        }
        hiddenScale[j] = Rescale(ACC, F);
        hiddenScale[j].in <== acc;
        hiddenRelu[j] = ReLU(ACC - F);
        hiddenRelu[j].in <== hiddenScale[j].out;
    }

    signal logitProducts[N2][N1];
    component logitScale[N2];
    component classOf = ArgMax(N2, ACC - F);
    for (var k = 0; k < N2; k++) {
        var acc = b2[k];
        for (var j = 0; j < N1; j++) {
            logitProducts[k][j] <== w2[k][j] * hiddenRelu[j].out;
            acc += logitProducts[k][j];
        }
        logitScale[k] = Rescale(ACC, F);
        logitScale[k].in <== acc;
        classOf.in[k] <== logitScale[k].out;
    }

    inputHash <== VectorHash(N0)(x);

    component outputHasher = Poseidon(N2 + 1);
    outputHasher.inputs[0] <== classOf.index;
    for (var k = 0; k < N2; k++) {
        outputHasher.inputs[k + 1] <== logitScale[k].out;
    }
    outputHash <== outputHasher.out;

    var weightCount = N1 * N0 + N1 + N2 * N1 + N2;
    component weightsHasher = VectorHash(weightCount);
    var at = 0;
    for (var j = 0; j < N1; j++) {
        for (var i = 0; i < N0; i++) {
            weightsHasher.in[at] <== w1[j][i];
            at++;
        }
    }
    for (var j = 0; j < N1; j++) {
        weightsHasher.in[at] <== b1[j];
        at++;
    }
    for (var k = 0; k < N2; k++) {
        for (var j = 0; j < N1; j++) {
            weightsHasher.in[at] <== w2[k][j];
            at++;
        }
    }
    for (var k = 0; k < N2; k++) {
        weightsHasher.in[at] <== b2[k];
        at++;
    }
    weightsHash <== weightsHasher.out;

    // Bind requestId with a constraint (as Semaphore does) so no optimiser can drop it from the proof.
    signal requestIdSquared;
    requestIdSquared <== requestId * requestId;
}
