// Lesson 05's VAE trained on the GPU (common/cuda/src/vae_trainer.cu), seen from the CPU
// library. Declared in every build; without CUDA it throws ae::Error ("built without CUDA"), so
// lesson programs need no #ifdef. The CPU reference is l05::loss_and_gradients + ae::Adam.
// Lessons train through ae::train(parts, beta, x, spec, step) (ae/training.hpp).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "ae/nn.hpp"
#include "ae/objective.hpp"
#include "ae/train.hpp"

namespace ae {

// The four parts of l05::Vae: trunk Dense(D, H) ReLU; mu and logvar heads Dense(H, Z) each;
// decoder Dense(Z, H) ReLU Dense(H, D) (logits).
struct VaeParts {
    Sequential* trunk = nullptr;
    Sequential* mu = nullptr;
    Sequential* logvar = nullptr;
    Sequential* decoder = nullptr;
};

class GpuVae {
  public:
    // Loss: mean over the batch of (BCE on logits summed over the D pixels + beta KL), as
    // l05::vae_loss; seed: the cuRAND stream of eps.
    GpuVae(const VaeParts& parts, float beta, const OptimizerSpec& optimizer, int max_batch,
           uint64_t seed = 0x7ae5eed);
    ~GpuVae();
    GpuVae(GpuVae&&) noexcept;
    GpuVae& operator=(GpuVae&&) noexcept;

    // One step on a host batch x (B, D), eps (B, Z) given (tests) or drawn on the device
    // (nullptr); returns the loss before the update. Synchronises.
    double step(const Matrix& batch, const Matrix* eps = nullptr);
    void upload_data(const Matrix& x);  // x (N, D), resident until the next call
    double epoch(const std::vector<size_t>& perm, int batch_size);  // mean step loss
    void weights_to(const VaeParts& parts) const;
    // Gradients of the last step, in l05::Vae::params() order: trunk dW, db, mu dW, db, logvar
    // dW, db, decoder.0 dW, db, decoder.2 dW, db (W (in, out), b (1, out)).
    std::vector<Matrix> gradients() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ae
