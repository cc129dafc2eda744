// Lesson 05's VAE trained on the GPU (common/cuda/src/vae_trainer.cu), seen from the CPU
// library. Declared in every build; without CUDA it throws ae::Error ("built without CUDA"), so
// lesson programs need no #ifdef. The CPU reference is l05::loss_and_gradients + ae::Adam.
//   if (ae::resolve_device(opt.device) == "cuda") history = ae::fit_vae_gpu(parts, x, fo, c);
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "ae/nn.hpp"
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

// Loss: mean over the batch of (BCE on logits summed over the D pixels + beta KL), as
// l05::vae_loss; Adam's settings; the seed of the cuRAND noise eps (mixed with FitOptions::seed).
struct GpuVaeConfig {
    float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
    float beta = 1.f;
    uint64_t noise_seed = 0x7ae5eed;
};

class GpuVae {
  public:
    GpuVae(const VaeParts& parts, const GpuVaeConfig& config, int max_batch);
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

// ae::fit for the VAE on the GPU: the same data order (seed), epoch log, NaN guard and History;
// the weights come back to parts before each on_epoch_end and at the end.
History fit_vae_gpu(const VaeParts& parts, const Matrix& x, const FitOptions& options,
                    const GpuVaeConfig& config, const EpochFn& on_epoch_end = nullptr);

}  // namespace ae
