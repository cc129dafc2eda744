// The GPU as the library sees it: is there one that can be used (and if not, why, and what to
// do), and the CUDA trainer of MLP autoencoders behind ae::train (ae/training.hpp). Declared
// in every build; without CUDA the trainer throws ae::Error ("built without CUDA"), so lesson
// programs never need #ifdef. The CPU path (ae::fit with the lesson's step) is the reference.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ae/nn.hpp"
#include "ae/objective.hpp"
#include "ae/train.hpp"

namespace ae {

// ---- Is there a GPU?

enum class GpuState {
    NotBuilt,  // this build has no CUDA (nvcc not found, or AE_WITH_CUDA=OFF)
    NoGpu,     // no NVIDIA GPU (or no NVIDIA driver at all): the CPU is the normal choice
    Unusable,  // a GPU is there but CUDA cannot use it (old driver, not ready ...): fix it
    Ready,
};

// What the CUDA runtime said at start-up, as plain numbers, so that the classification below
// can be tested with made-up codes on a machine without a GPU.
struct CudaProbe {
    int count_error = 0;      // cudaGetDeviceCount's cudaError_t (0 = cudaSuccess)
    std::string error_name;   // cudaGetErrorName of it, e.g. "cudaErrorInsufficientDriver"
    std::string error_text;   // cudaGetErrorString of it
    int device_count = 0;     // valid when count_error is 0
    int driver_version = 0;   // cudaDriverGetVersion: 0 = no NVIDIA driver installed
    int runtime_version = 0;  // cudaRuntimeGetVersion of this build (13000 = CUDA 13.0)
};

// The cudaError_t values the classification tells apart (common/cuda checks them against
// driver_types.h at compile time).
namespace cuda_error {
constexpr int kSuccess = 0, kInitializationError = 3, kInsufficientDriver = 35,
              kDevicesUnavailable = 46, kNoDevice = 100, kOperatingSystem = 304,
              kNotPermitted = 800, kSystemNotReady = 802, kSystemDriverMismatch = 803,
              kCompatNotSupportedOnDevice = 804;
}

struct GpuStatus {
    GpuState state = GpuState::NotBuilt;
    std::string summary;  // one plain line: "No NVIDIA GPU found", "NVIDIA H100 ...: 132 SMs ..."
    std::string fix;      // Unusable: what to do about it; empty otherwise
    std::string detail;   // the CUDA error name and text (shown with --verbose / AE_VERBOSE=1)
};

// Pure: the status that a probe means. No GPU = cudaErrorNoDevice, a count of 0, or
// cudaErrorInsufficientDriver with no driver installed; any other failure is Unusable.
GpuStatus classify_cuda_startup(const CudaProbe& probe);
// This machine's status, probed once per run (NotBuilt without CUDA).
const GpuStatus& gpu_status();

bool cuda_built();  // compiled with nvcc (AE_HAVE_CUDA)
// Throws the ae::Error of a GPU call in a build without CUDA: what was called and what to do.
[[noreturn]] void gpu_not_built(const char* what);
bool cuda_available();  // gpu_status().state == Ready
// One line: "NVIDIA H100 80GB HBM3: 132 SMs, 79.1 GiB, compute capability 9.0", or why none.
std::string cuda_device_summary();
// The status for people: the summary, then "Fix: ..." (Unusable) and, with detail, what CUDA
// said; one item per line.
std::string gpu_status_text(const GpuStatus& status, bool detail);
// True when --verbose was given or AE_VERBOSE=1: then CUDA's own error text is shown too.
bool verbose_enabled();
void set_verbose(bool on);

// ---- The CUDA trainer of MLP autoencoders

// A model of Dense layers, each optionally followed by ReLU, Sigmoid, Tanh or Identity, copied
// to the device with its optimiser state. Row-major like the CPU: x (N, D) -> x_hat (N, D).
// The objective (loss, corruption, code penalty) and the optimiser are ae/objective.hpp's;
// seed: the corruption's random stream (cuRAND Philox); use_graph: replay each epoch as one
// CUDA Graph (far fewer launch costs).
class GpuAutoencoder {
  public:
    GpuAutoencoder(const Sequential& model, const Objective& objective,
                   const OptimizerSpec& optimizer, int max_batch, uint64_t seed = 0x5eed,
                   bool use_graph = true);
    // The same for an encoder followed by a decoder (lesson 02's l02::Autoencoder).
    GpuAutoencoder(const Sequential& encoder, const Sequential& decoder, const Objective& objective,
                   const OptimizerSpec& optimizer, int max_batch, uint64_t seed = 0x5eed,
                   bool use_graph = true);
    ~GpuAutoencoder();
    GpuAutoencoder(GpuAutoencoder&&) noexcept;
    GpuAutoencoder& operator=(GpuAutoencoder&&) noexcept;

    // One step on a host batch (B <= max_batch, D): loss (as ae::mse_loss /
    // bce_with_logits_loss, + weight * penalty), backward, update. Synchronises; for tests.
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

}  // namespace ae
