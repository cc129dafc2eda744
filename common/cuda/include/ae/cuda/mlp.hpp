// The GPU side of the workshop, as plain C++ (no xtensor, no CUDA headers): device query and a
// trainer for multilayer-perceptron autoencoders whose weights, Adam state and training set
// live on the device. ae/device.hpp (common/src/device.cpp) turns an ae::Sequential into this.
// Row-major everywhere, like the CPU code: x (N, D), layer l: W (in, out), b (1, out).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ae::cuda {

struct DeviceProps {
    int index = 0;
    std::string name;
    int cc_major = 0, cc_minor = 0;  // compute capability (9.0 = H100)
    int multiprocessors = 0;
    size_t global_mem = 0;            // bytes
    size_t shared_mem_per_block = 0;  // bytes
    int max_threads_per_block = 0, warp_size = 0;
    int l2_cache = 0;  // bytes
    int memory_bus_bits = 0;
    int memory_clock_khz = 0;  // 0 when the driver does not say
};

// Number of CUDA devices; 0 when there is no GPU or no driver (the error is cleared).
int device_count();
// Why device_count() is 0 ("no CUDA driver", ...), empty when a device is present.
std::string no_device_reason();
DeviceProps device_props(int index);

enum class Act { Identity, ReLU, Sigmoid, Tanh };
enum class LossKind { Mse, BceWithLogits };  // both the mean over all N*D entries

// Dense(sizes[l], sizes[l+1]) followed by acts[l], for l = 0 .. acts.size()-1.
struct MlpLayout {
    std::vector<int> sizes;
    std::vector<Act> acts;
    size_t layers() const { return acts.size(); }
};

struct AdamConfig {
    float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weight_decay = 0.f;
};

// Corruption of the inputs (lesson 03), drawn with cuRAND (Philox) on the device; the target
// stays the clean batch. Gaussian: x + sigma N(0, 1), clipped to [0, 1].
// Masking: each pixel set to 0 with probability mask_prob. Salt and pepper: with probability
// salt_pepper_prob a pixel becomes 0 or 1 (half each).
struct NoiseConfig {
    float gaussian_sigma = 0.f;
    float mask_prob = 0.f;
    uint64_t seed = 42;
    float salt_pepper_prob = 0.f;
    bool active() const {
        return gaussian_sigma > 0.f || mask_prob > 0.f || salt_pepper_prob > 0.f;
    }
};

// A penalty on the code h (rows, H) = the output of layer `layer` (lesson 04), added to the
// loss as weight * P(h). The CPU reference is solutions/04_sparse/exercise.cpp:
//   L1:          P = (1/N) sum |h|
//   Kl:          P = sum_j KL(rho || rho_hat_j), rho_hat_j = the batch mean of h_j, clamped to
//                [1e-6, 1 - 1e-6]; needs a sigmoid code
//   Contractive: P = (1/N) sum_n sum_j (h_nj (1 - h_nj))^2 sum_i W_ij^2 with W the weights of
//                layer 0 = `layer` (a one-layer sigmoid encoder); its gradient reaches W directly.
enum class PenaltyKind { None, L1, Kl, Contractive };
struct PenaltyConfig {
    PenaltyKind kind = PenaltyKind::None;
    float weight = 0.f;
    float rho = 0.05f;
    int layer = 0;  // whose output is the code; not the last layer
};

class MlpTrainer {
  public:
    MlpTrainer(const MlpLayout& layout, LossKind loss, const AdamConfig& adam,
               const NoiseConfig& noise, int max_batch, const PenaltyConfig& penalty = {});
    ~MlpTrainer();
    MlpTrainer(const MlpTrainer&) = delete;
    MlpTrainer& operator=(const MlpTrainer&) = delete;

    // Host row-major W (in, out) and b (out) of layer l, in and out of the device.
    void set_params(size_t l, const float* W, const float* b);
    void get_params(size_t l, float* W, float* b) const;
    // Gradients of the last step (not accumulated: each step overwrites them).
    void get_grads(size_t l, float* dW, float* db) const;

    // One step on a host batch (rows, D): copy in, forward, loss, backward, Adam. Returns the
    // loss (mean over the batch's entries, plus weight * P with a penalty). For tests and small
    // runs; synchronises.
    double step_host(const float* batch, size_t rows);

    // The training set, resident on the device for the trainer's lifetime: x (n, D).
    void upload_data(const float* x, size_t n);
    // One epoch over the resident data in the order perm (n row numbers), batches of
    // batch_size. graph = capture the epoch once as a CUDA Graph and replay it (the order is
    // read from device memory, so one graph serves every epoch). Returns the mean step loss
    // weighted by batch rows, as ae::fit reports it; synchronises once.
    double run_epoch(const std::vector<uint32_t>& perm, int batch_size, bool graph);

    long steps() const;              // Adam steps taken
    long launches_per_step() const;  // kernels + cuBLAS calls of one step (measured when issued)

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ae::cuda
