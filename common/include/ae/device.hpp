// The GPU as the lessons see it: is there one, what is it, and training an MLP autoencoder on
// it. Declared in every build; without CUDA the training functions throw ae::Error ("built
// without CUDA"), so lesson programs never need #ifdef. The CPU path (ae::fit) is the reference.
//   if (ae::resolve_device(opt.device) == "cuda") history = ae::fit_autoencoder_gpu(...);
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ae/nn.hpp"
#include "ae/train.hpp"

namespace ae {

bool cuda_built();      // compiled with nvcc (AE_HAVE_CUDA)
bool cuda_available();  // built with CUDA and a device is present
// One line: "NVIDIA H100 80GB HBM3: 132 SMs, 79.1 GiB, compute capability 9.0", or why none.
std::string cuda_device_summary();

// What to train: the loss on the model's output (for BCE the output is taken as logits, like
// ae::bce_with_logits_loss), Adam's settings, input corruption (lesson 03) and CUDA Graphs.
struct GpuTrainConfig {
    enum class Loss { Mse, BceWithLogits } loss = Loss::Mse;  // both: mean over N*D entries
    float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weight_decay = 0.f;
    float noise_sigma = 0.f;       // x + sigma N(0, 1), clipped to [0, 1]; target stays clean
    float mask_prob = 0.f;         // each input pixel zeroed with this probability
    float salt_pepper_prob = 0.f;  // each pixel 0 or 1 (half each) with this probability
    uint64_t noise_seed = 0x5eed;  // fit_autoencoder_gpu mixes in FitOptions::seed
    bool use_graph = true;         // replay each epoch as one CUDA Graph (far fewer launch costs)
    // Lesson 04: + penalty_weight * P(h), h = the output of the Dense layer number penalty_layer
    // (0 = the first; with its activation). L1: mean over the rows of sum |h|; Kl: sum over the
    // units of KL(rho || batch mean of h_j), sigmoid code; Contractive: mean over the rows of
    // |dh/dx|_F^2 of a one-layer sigmoid encoder (penalty_layer 0). As l04's CPU penalties.
    enum class Penalty { None, L1, Kl, Contractive } penalty = Penalty::None;
    float penalty_weight = 0.f, penalty_rho = 0.05f;
    int penalty_layer = 0;
};

// A model of Dense layers, each optionally followed by ReLU, Sigmoid, Tanh or Identity, copied
// to the device with its Adam state. Row-major like the CPU: x (N, D) -> x_hat (N, D).
class GpuAutoencoder {
  public:
    GpuAutoencoder(const Sequential& model, const GpuTrainConfig& config, int max_batch);
    // The same for an encoder followed by a decoder (lesson 02's l02::Autoencoder).
    GpuAutoencoder(const Sequential& encoder, const Sequential& decoder,
                   const GpuTrainConfig& config, int max_batch);
    ~GpuAutoencoder();
    GpuAutoencoder(GpuAutoencoder&&) noexcept;
    GpuAutoencoder& operator=(GpuAutoencoder&&) noexcept;

    // One step on a host batch (B, D): loss (as ae::mse_loss / bce_with_logits_loss), backward,
    // Adam. Synchronises; for tests and small runs.
    double step(const Matrix& batch);
    // The training set x (N, D), resident on the device until the next call.
    void upload_data(const Matrix& x);
    // One epoch over the resident data in the order perm; returns the mean step loss.
    double epoch(const std::vector<size_t>& perm, int batch_size);
    // Copies the device weights into model (same architecture as at construction).
    void weights_to(Sequential& model) const;
    void weights_to(Sequential& encoder, Sequential& decoder) const;
    // Gradients of the last step: dW0, db0, dW1, db1, ... (shapes of W (in, out), b (1, out)).
    std::vector<Matrix> gradients() const;
    long launches_per_step() const;  // kernels + cuBLAS calls in one step

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// ae::fit for an autoencoder (target = input) on the GPU: the same shuffling (seed), epoch
// log, NaN guard and History; model's weights go to the device and come back after each epoch
// (so on_epoch_end can evaluate on the CPU) and at the end.
History fit_autoencoder_gpu(Sequential& model, const Matrix& x, const FitOptions& options,
                            const GpuTrainConfig& config, const EpochFn& on_epoch_end = nullptr);
// The same for an encoder followed by a decoder (both updated in place).
History fit_autoencoder_gpu(Sequential& encoder, Sequential& decoder, const Matrix& x,
                            const FitOptions& options, const GpuTrainConfig& config,
                            const EpochFn& on_epoch_end = nullptr);

}  // namespace ae
