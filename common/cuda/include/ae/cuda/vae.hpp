// The GPU trainer of lesson 05's variational autoencoder, as plain C++ (no CUDA headers):
// trunk Dense(D, H) + ReLU, heads Dense(H, Z) for mu and logvar, z = mu + exp(logvar / 2) eps
// (eps drawn with cuRAND, or given), decoder Dense(Z, H) + ReLU + Dense(H, D) -> logits.
// Loss: mean over the batch of (BCE summed over pixels + beta KL); Adam or SGD (ae::OptimizerSpec).
// Row-major like the CPU.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "ae/cuda/mlp.hpp"

namespace ae::cuda {

struct VaeShape {
    int d = 784, h = 400, z = 20;
};

class VaeTrainer {
  public:
    // The parameter tensors, in the order of l05::Vae::params(): trunk W, b; mu W, b; logvar W,
    // b; decoder.0 W, b; decoder.2 W, b (W (in, out), b (out)).
    static constexpr size_t kTensors = 10;

    VaeTrainer(const VaeShape& shape, float beta, const OptimizerSpec& optimizer, uint64_t seed,
               int max_batch);
    ~VaeTrainer();
    VaeTrainer(const VaeTrainer&) = delete;
    VaeTrainer& operator=(const VaeTrainer&) = delete;

    size_t tensor_size(size_t k) const;  // elements of tensor k
    void set_param(size_t k, const float* host);
    void get_param(size_t k, float* host) const;
    void get_grad(size_t k, float* host) const;  // of the last step

    // One step on a host batch (rows, D): forward, loss, backward, Adam; returns the loss.
    // eps (rows, Z) given: that noise (tests); nullptr: drawn on the device. Synchronises.
    double step_host(const float* batch, size_t rows, const float* eps = nullptr);

    // The training set x (n, D), resident on the device.
    void upload_data(const float* x, size_t n);
    // One epoch over the resident data in the order perm, batches of batch_size; returns the
    // mean step loss weighted by batch rows (as ae::fit). Synchronises once.
    double run_epoch(const std::vector<uint32_t>& perm, int batch_size);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ae::cuda
