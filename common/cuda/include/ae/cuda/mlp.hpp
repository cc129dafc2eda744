// The GPU side of the workshop, as plain C++ (no xtensor, no CUDA headers): device query and a
// trainer for multilayer-perceptron autoencoders whose weights, optimiser state and training set
// live on the device. ae/device.hpp (common/src/gpu_autoencoder.cpp) turns an ae::Sequential
// into this.
// Row-major everywhere, like the CPU code: x (N, D), layer l: W (in, out), b (1, out).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ae/objective.hpp"

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

// What the runtime says at start-up (ae::classify_cuda_startup, ae/device.hpp, reads it):
// cudaGetDeviceCount's error and count, and the driver's and runtime's CUDA versions. Probed
// once per run; a failure is cleared so that it does not poison later calls.
struct StartupProbe {
    int count_error = 0;  // cudaError_t
    std::string error_name, error_text;
    int count = 0;
    int driver_version = 0;  // 0: no NVIDIA driver installed
    int runtime_version = 0;
};
const StartupProbe& startup_probe();
// Number of usable CUDA devices: 0 when there is no GPU or CUDA cannot start.
int device_count();
// Why device_count() is 0 (the CUDA error), empty when a device is present.
std::string no_device_reason();
DeviceProps device_props(int index);

enum class Act { Identity, ReLU, Sigmoid, Tanh };

// Dense(sizes[l], sizes[l+1]) followed by acts[l], for l = 0 .. acts.size()-1.
struct MlpLayout {
    std::vector<int> sizes;
    std::vector<Act> acts;
    size_t layers() const { return acts.size(); }
};

class MlpTrainer {
  public:
    // The objective and optimiser are ae/objective.hpp's (the CPU reference: ae::Sequential,
    // ae/loss.hpp, ae::Adam / ae::Sgd and lesson 04's penalties). Corruption is drawn with
    // cuRAND (Philox) from seed; the penalty's code is the output of layer objective.penalty.layer.
    MlpTrainer(const MlpLayout& layout, const Objective& objective, const OptimizerSpec& optimizer,
               uint64_t seed, int max_batch);
    ~MlpTrainer();
    MlpTrainer(const MlpTrainer&) = delete;
    MlpTrainer& operator=(const MlpTrainer&) = delete;

    // Host row-major W (in, out) and b (out) of layer l, in and out of the device.
    void set_params(size_t l, const float* W, const float* b);
    void get_params(size_t l, float* W, float* b) const;
    // Gradients of the last step (not accumulated: each step overwrites them).
    void get_grads(size_t l, float* dW, float* db) const;

    // One step on a host batch (rows, D): copy in, forward, loss, backward, update. Returns the
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

    long steps() const;              // optimiser steps taken
    long launches_per_step() const;  // kernels + cuBLAS calls of one step (measured when issued)

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ae::cuda
