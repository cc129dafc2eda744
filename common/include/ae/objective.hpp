// What a model is trained to do, and with which optimiser: the one description shared by the
// CPU library, the CUDA trainers (compiled by nvcc) and the lessons. A plain header: no
// xtensor, no CUDA. ae::train (ae/training.hpp) takes these; the learning rate lives only in
// OptimizerSpec.
#pragma once
#include <cstdint>
#include <utility>

namespace ae {

// The reconstruction loss; each is a mean over all N*D entries (so a lr means the same).
//   Mse: mean (x_hat - x)^2 of the model's output.
//   Bce: binary cross-entropy of sigmoid(logits) vs x, the model's output taken as logits.
//   L1:  mean |x_hat - x| of the model's output (lesson 02; CPU only: the GPU trainer has no L1).
enum class LossKind { Mse, Bce, L1 };
// Their names in flags, checkpoints and summaries (read with ae/names.hpp).
inline constexpr std::pair<LossKind, const char*> kLossKindNames[] = {
    {LossKind::Mse, "mse"}, {LossKind::Bce, "bce"}, {LossKind::L1, "l1"}};

// Corruption of the inputs (lesson 03); the target stays the clean batch. level is:
//   Gaussian:   sigma of x + sigma N(0, 1), clipped to [0, 1];
//   Masking:    the probability that a pixel is set to 0;
//   SaltPepper: the probability that a pixel becomes 0 or 1 (half each).
enum class CorruptionKind { None, Gaussian, Masking, SaltPepper };
struct CorruptionSpec {
    CorruptionKind kind = CorruptionKind::None;
    float level = 0.f;
    bool active() const { return kind != CorruptionKind::None && level > 0.f; }
};

// A penalty on the code h (rows, H) = the output of Dense layer `layer` (0 = the first, with
// its activation), added to the loss as weight * P(h) (lesson 04):
//   L1:          P = (1/N) sum |h|
//   Kl:          P = sum_j KL(rho || rho_hat_j), rho_hat_j the batch mean of h_j; sigmoid code
//   Contractive: P = (1/N) sum_n |dh_n/dx_n|_F^2 of a one-layer sigmoid encoder (layer 0)
enum class CodePenaltyKind { None, L1, Kl, Contractive };
struct PenaltySpec {
    CodePenaltyKind kind = CodePenaltyKind::None;
    float weight = 0.f;
    float rho = 0.05f;  // Kl only: the target mean activation, in (0, 1)
    int layer = 0;      // whose output is the code; not the last layer
    bool active() const { return kind != CodePenaltyKind::None; }
};

// The objective: loss + weight * penalty, on the corrupted input against the clean target.
struct Objective {
    LossKind loss = LossKind::Mse;
    CorruptionSpec corruption;
    PenaltySpec penalty;
};

// The optimiser, as ae::Adam / ae::Sgd build it (weight decay decoupled: w -= lr wd w).
// Momentum and RmsProp name lesson 02's own updates (the learner's code, on the CPU: its step
// brings its own optimiser, l02::lesson_optimizer). ae::make_optimizer builds Momentum as ae::Sgd
// (the same update; lesson 02 trains it so on the GPU) and, for RmsProp, an optimiser that
// refuses to step; the GPU trainers refuse RmsProp (ae::require_gpu_support).
enum class OptimizerKind { Adam, Sgd, Momentum, RmsProp };
struct OptimizerSpec {
    OptimizerKind kind = OptimizerKind::Adam;
    float lr = 1e-3f;
    float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;  // Adam
    float momentum = 0.f;                             // Sgd, Momentum
    float weight_decay = 0.f;
    float rho = 0.9f;  // RmsProp: the decay of the running mean of g^2
    bool l2 = false;   // weight_decay as an L2 term added to the gradient (coupled) instead

    static OptimizerSpec adam(float lr, float weight_decay = 0.f) {
        OptimizerSpec s;
        s.lr = lr, s.weight_decay = weight_decay;
        return s;
    }
    static OptimizerSpec sgd(float lr, float momentum = 0.f, float weight_decay = 0.f) {
        OptimizerSpec s;
        s.kind = OptimizerKind::Sgd;
        s.lr = lr, s.momentum = momentum, s.weight_decay = weight_decay;
        return s;
    }
};

}  // namespace ae
