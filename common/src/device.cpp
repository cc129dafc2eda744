// The GPU seen from the CPU library (see ae/device.hpp and ae/training.hpp): what CUDA said at
// start-up and what it means, the bridge from ae::Sequential to the CUDA trainer in common/cuda,
// and ae::train for autoencoders. Compiled in every build; without CUDA (AE_HAVE_CUDA
// undefined) the GPU trainer throws a clear ae::Error. Names are distinctive: unity build.
#include "ae/device.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "ae/training.hpp"

#ifdef AE_HAVE_CUDA
#include <cuda_runtime_api.h>

#include "ae/cuda/mlp.hpp"

// ae/device.hpp names these codes without CUDA's headers: they must be the runtime's.
static_assert(ae::cuda_error::kSuccess == cudaSuccess);
static_assert(ae::cuda_error::kInitializationError == cudaErrorInitializationError);
static_assert(ae::cuda_error::kInsufficientDriver == cudaErrorInsufficientDriver);
static_assert(ae::cuda_error::kDevicesUnavailable == cudaErrorDevicesUnavailable);
static_assert(ae::cuda_error::kNoDevice == cudaErrorNoDevice);
static_assert(ae::cuda_error::kOperatingSystem == cudaErrorOperatingSystem);
static_assert(ae::cuda_error::kNotPermitted == cudaErrorNotPermitted);
static_assert(ae::cuda_error::kSystemNotReady == cudaErrorSystemNotReady);
static_assert(ae::cuda_error::kSystemDriverMismatch == cudaErrorSystemDriverMismatch);
static_assert(ae::cuda_error::kCompatNotSupportedOnDevice == cudaErrorCompatNotSupportedOnDevice);
#endif

namespace ae {

// ---------------------------------------------------------------- is there a GPU?

namespace {
std::string cuda_version_name(int v) {  // 13000 -> "13.0"
    return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

bool verbose_flag = false;
}  // namespace

GpuStatus classify_cuda_startup(const CudaProbe& p) {
    namespace E = cuda_error;
    GpuStatus s;
    if (p.count_error != E::kSuccess) s.detail = p.error_name + ": " + p.error_text;
    const bool no_driver = p.count_error == E::kInsufficientDriver && p.driver_version == 0;
    if ((p.count_error == E::kSuccess && p.device_count == 0) || p.count_error == E::kNoDevice ||
        no_driver) {
        s.state = GpuState::NoGpu;
        s.summary = no_driver ? "No NVIDIA GPU found (no NVIDIA driver is installed)"
                              : "No NVIDIA GPU found";
        if (p.count_error == E::kSuccess) s.detail = "the CUDA driver reports no device";
        return s;
    }
    if (p.count_error == E::kSuccess) {
        s.state = GpuState::Ready;
        s.summary = std::to_string(p.device_count) + " NVIDIA GPU(s)";
        return s;
    }
    s.state = GpuState::Unusable;
    const std::string named = " (" + p.error_name + ")";
    switch (p.count_error) {
        case E::kInsufficientDriver:
            s.summary =
                "An NVIDIA GPU driver is installed but too old for this build: it runs CUDA " +
                cuda_version_name(p.driver_version) + ", the build needs CUDA " +
                cuda_version_name(p.runtime_version) + named;
            s.fix =
                "Update the NVIDIA driver (CUDA 13 needs driver 580 or newer; nvidia-smi shows "
                "the version), or build with a CUDA toolkit the driver supports";
            break;
        case E::kSystemNotReady:
            s.summary = "The GPUs are not ready for CUDA yet" + named;
            s.fix =
                "On HGX/DGX machines with NVSwitch, start the fabric manager (sudo systemctl "
                "start nvidia-fabricmanager; its version must match the driver's), then retry";
            break;
        case E::kSystemDriverMismatch:
            s.summary =
                "The NVIDIA kernel module and driver library have different versions" + named;
            s.fix = "Reboot after the driver update, or reinstall the driver so that both match";
            break;
        case E::kCompatNotSupportedOnDevice:
            s.summary = "The CUDA forward-compatibility package does not support this GPU" + named;
            s.fix =
                "Remove cuda-compat from the library path (LD_LIBRARY_PATH) or update the driver";
            break;
        case E::kDevicesUnavailable:
            s.summary = "Every GPU is busy or reserved (exclusive-process compute mode)" + named;
            s.fix =
                "Wait for the other process, or set the compute mode to Default (nvidia-smi -c 0)";
            break;
        default:
            s.summary = "CUDA cannot start on this machine's GPU" + named;
            s.fix =
                "Run nvidia-smi: if it fails, repair the driver installation; in a container, "
                "pass the GPU in (docker run --gpus all) and check that /dev/nvidia* are readable";
    }
    return s;
}

bool verbose_enabled() {
    const char* env = std::getenv("AE_VERBOSE");
    return verbose_flag || (env && std::strcmp(env, "0") != 0 && *env);
}
void set_verbose(bool on) {
    verbose_flag = on;
}

bool cuda_built() {
#ifdef AE_HAVE_CUDA
    return true;
#else
    return false;
#endif
}

namespace {
GpuStatus probe_gpu_status() {
    GpuStatus s;
#ifndef AE_HAVE_CUDA
    s.state = GpuState::NotBuilt;
    s.summary = "No GPU support in this build (nvcc was not found, or -DAE_WITH_CUDA=OFF)";
#else
    const cuda::StartupProbe& r = cuda::startup_probe();
    s = classify_cuda_startup(
        {r.count_error, r.error_name, r.error_text, r.count, r.driver_version, r.runtime_version});
    if (s.state != GpuState::Ready) return s;
    try {
        const cuda::DeviceProps p = cuda::device_props(0);
        char line[256];
        std::snprintf(line, sizeof line, "%s: %d SMs, %.1f GiB, compute capability %d.%d%s",
                      p.name.c_str(), p.multiprocessors, double(p.global_mem) / double(1ull << 30),
                      p.cc_major, p.cc_minor, r.count > 1 ? " (device 0 of several)" : "");
        s.summary = line;
    } catch (const Error& e) {  // counted, but its properties cannot be read: not usable
        s.state = GpuState::Unusable;
        s.summary = "CUDA sees a GPU but cannot query it";
        s.detail = e.what();
        s.fix = "Run nvidia-smi to see the GPU's state";
    }
#endif
    return s;
}

// Throws ae::Error saying why the GPU cannot train, and what to do.
[[maybe_unused]] void require_usable_gpu(const std::string& who) {
    const GpuStatus& s = gpu_status();
    if (s.state == GpuState::Ready) return;
    throw Error(who + ": " + gpu_status_text(s, true) + "\n  Or train on the CPU: --device cpu.");
}
}  // namespace

const GpuStatus& gpu_status() {
    static const GpuStatus s = probe_gpu_status();  // does not change during a run
    return s;
}

bool cuda_available() {
    return gpu_status().state == GpuState::Ready;
}

std::string gpu_status_text(const GpuStatus& s, bool detail) {
    const auto sentence = [](std::string t) { return t.empty() || t.back() == '.' ? t : t + "."; };
    std::string text = sentence(s.summary);
    if (!s.fix.empty()) text += "\n  Fix: " + sentence(s.fix);
    if (detail && !s.detail.empty()) text += "\n  CUDA said: " + sentence(s.detail);
    return text;
}

std::string cuda_device_summary() {
    const GpuStatus& s = gpu_status();
    std::string line = s.summary;
    if (!s.fix.empty()) line += ". Fix: " + s.fix;
    if (verbose_enabled() && !s.detail.empty()) line += " [CUDA: " + s.detail + "]";
    return line;
}

// ---------------------------------------------------------------- the GPU trainer

#ifndef AE_HAVE_CUDA

namespace {
[[noreturn]] void gpu_not_built(const char* what) {
    throw Error(std::string(what) +
                ": this build has no CUDA (nvcc was not found, or -DAE_WITH_CUDA=OFF). Use "
                "--device cpu, or install the CUDA toolkit and configure again.");
}
}  // namespace

struct GpuAutoencoder::Impl {};
GpuAutoencoder::GpuAutoencoder(const Sequential&, const Objective&, const OptimizerSpec&, int,
                               uint64_t, bool) {
    gpu_not_built("GpuAutoencoder");
}
GpuAutoencoder::GpuAutoencoder(const Sequential&, const Sequential&, const Objective&,
                               const OptimizerSpec&, int, uint64_t, bool) {
    gpu_not_built("GpuAutoencoder");
}
GpuAutoencoder::~GpuAutoencoder() = default;
GpuAutoencoder::GpuAutoencoder(GpuAutoencoder&&) noexcept = default;
GpuAutoencoder& GpuAutoencoder::operator=(GpuAutoencoder&&) noexcept = default;
double GpuAutoencoder::step(const Matrix&) {
    gpu_not_built("GpuAutoencoder::step");
}
void GpuAutoencoder::upload_data(const Matrix&) {
    gpu_not_built("GpuAutoencoder::upload_data");
}
double GpuAutoencoder::epoch(const std::vector<size_t>&, int) {
    gpu_not_built("GpuAutoencoder::epoch");
}
void GpuAutoencoder::weights_to(Sequential&) const {
    gpu_not_built("GpuAutoencoder::weights_to");
}
void GpuAutoencoder::weights_to(Sequential&, Sequential&) const {
    gpu_not_built("GpuAutoencoder::weights_to");
}
std::vector<Matrix> GpuAutoencoder::gradients() const {
    gpu_not_built("GpuAutoencoder::gradients");
}
long GpuAutoencoder::launches_per_step() const {
    return 0;
}

#else  // AE_HAVE_CUDA

namespace {
// The models, in order (an encoder, then a decoder): their layers as one chain.
using GpuChain = std::vector<const Sequential*>;

std::vector<const Layer*> gpu_chain_layers(const GpuChain& chain) {
    std::vector<const Layer*> out;
    for (const Sequential* m : chain)
        for (size_t i = 0; i < m->size(); ++i) out.push_back(&(*m)[i]);
    return out;
}

// Dense, then an optional activation: the layout the CUDA trainer runs.
cuda::MlpLayout gpu_layout_of(const GpuChain& chain) {
    cuda::MlpLayout layout;
    for (const Layer* layer : gpu_chain_layers(chain)) {
        if (const auto* d = dynamic_cast<const Dense*>(layer)) {
            if (layout.sizes.empty()) layout.sizes.push_back(static_cast<int>(d->in()));
            if (layout.sizes.back() != static_cast<int>(d->in())) {
                throw ShapeError("GPU trainer: " + d->name() + " follows a layer of width " +
                                 std::to_string(layout.sizes.back()));
            }
            layout.sizes.push_back(static_cast<int>(d->out()));
            layout.acts.push_back(cuda::Act::Identity);
            continue;
        }
        cuda::Act act;
        if (dynamic_cast<const ReLU*>(layer))
            act = cuda::Act::ReLU;
        else if (dynamic_cast<const Sigmoid*>(layer))
            act = cuda::Act::Sigmoid;
        else if (dynamic_cast<const Tanh*>(layer))
            act = cuda::Act::Tanh;
        else if (dynamic_cast<const Identity*>(layer))
            continue;
        else
            throw Error(
                "GPU trainer: layer " + layer->name() +
                " is not supported (Dense, ReLU, Sigmoid, Tanh, Identity are); use --device cpu");
        if (layout.acts.empty() || layout.acts.back() != cuda::Act::Identity) {
            throw Error("GPU trainer: " + layer->name() +
                        " must directly follow a Dense layer; use --device cpu");
        }
        layout.acts.back() = act;
    }
    if (layout.acts.empty()) throw Error("GPU trainer: the model has no Dense layer");
    return layout;
}
}  // namespace

struct GpuAutoencoder::Impl {
    cuda::MlpLayout layout;
    std::unique_ptr<cuda::MlpTrainer> trainer;
    bool use_graph = true;

    void init(const GpuChain& chain, const Objective& objective, const OptimizerSpec& optimizer,
              int max_batch, uint64_t seed, bool graph) {
        require_usable_gpu("GpuAutoencoder");
        layout = gpu_layout_of(chain);
        use_graph = graph;
        trainer = std::make_unique<cuda::MlpTrainer>(layout, objective, optimizer, seed, max_batch);
        size_t l = 0;
        for (const Layer* layer : gpu_chain_layers(chain)) {
            if (const auto* d = dynamic_cast<const Dense*>(layer)) {
                const Matrix W = d->W, b = d->b;  // contiguous row-major copies
                trainer->set_params(l++, W.data(), b.data());
            }
        }
    }

    void weights_to(const std::vector<Sequential*>& models) const {
        const GpuChain chain(models.begin(), models.end());
        if (gpu_layout_of(chain).sizes != layout.sizes) {
            throw ShapeError("GpuAutoencoder::weights_to: not the architecture it was built from");
        }
        size_t l = 0;
        for (Sequential* m : models) {
            for (size_t i = 0; i < m->size(); ++i) {
                if (auto* d = dynamic_cast<Dense*>(&(*m)[i])) {
                    trainer->get_params(l++, d->W.data(), d->b.data());
                }
            }
        }
    }
};

GpuAutoencoder::GpuAutoencoder(const Sequential& model, const Objective& objective,
                               const OptimizerSpec& optimizer, int max_batch, uint64_t seed,
                               bool use_graph)
    : impl_(std::make_unique<Impl>()) {
    impl_->init({&model}, objective, optimizer, max_batch, seed, use_graph);
}

GpuAutoencoder::GpuAutoencoder(const Sequential& encoder, const Sequential& decoder,
                               const Objective& objective, const OptimizerSpec& optimizer,
                               int max_batch, uint64_t seed, bool use_graph)
    : impl_(std::make_unique<Impl>()) {
    impl_->init({&encoder, &decoder}, objective, optimizer, max_batch, seed, use_graph);
}

GpuAutoencoder::~GpuAutoencoder() = default;
GpuAutoencoder::GpuAutoencoder(GpuAutoencoder&&) noexcept = default;
GpuAutoencoder& GpuAutoencoder::operator=(GpuAutoencoder&&) noexcept = default;

double GpuAutoencoder::step(const Matrix& batch) {
    require_shape(batch, 0, static_cast<size_t>(impl_->layout.sizes.front()),
                  "GpuAutoencoder::step batch");
    return impl_->trainer->step_host(batch.data(), batch.shape()[0]);
}

void GpuAutoencoder::upload_data(const Matrix& x) {
    require_shape(x, 0, static_cast<size_t>(impl_->layout.sizes.front()),
                  "GpuAutoencoder::upload_data x");
    impl_->trainer->upload_data(x.data(), x.shape()[0]);
}

double GpuAutoencoder::epoch(const std::vector<size_t>& perm, int batch_size) {
    const std::vector<uint32_t> order(perm.begin(), perm.end());
    return impl_->trainer->run_epoch(order, batch_size, impl_->use_graph);
}

void GpuAutoencoder::weights_to(Sequential& model) const {
    impl_->weights_to({&model});
}
void GpuAutoencoder::weights_to(Sequential& encoder, Sequential& decoder) const {
    impl_->weights_to({&encoder, &decoder});
}

std::vector<Matrix> GpuAutoencoder::gradients() const {
    std::vector<Matrix> out;
    const auto& s = impl_->layout.sizes;
    for (size_t l = 0; l + 1 < s.size(); ++l) {
        Matrix dW({size_t(s[l]), size_t(s[l + 1])}), db({size_t{1}, size_t(s[l + 1])});
        impl_->trainer->get_grads(l, dW.data(), db.data());
        out.push_back(std::move(dW));
        out.push_back(std::move(db));
    }
    return out;
}

long GpuAutoencoder::launches_per_step() const {
    return impl_->trainer->launches_per_step();
}

#endif  // AE_HAVE_CUDA

// ---------------------------------------------------------------- ae::train for autoencoders

namespace {
// The models (one, or an encoder then a decoder) trained on the GPU by the epoch driver of
// ae::fit: the same order for the same seed, the same log and guard.
History train_chain_on_gpu(const std::vector<Sequential*>& models, const Matrix& x,
                           const Objective& objective, const OptimizerSpec& optimizer,
                           const FitOptions& fo, bool use_graph, uint64_t seed,
                           const EpochFn& on_epoch) {
    const size_t n = x.shape()[0];
    check_fit_args(n, fo);
    GpuAutoencoder gpu =
        models.size() == 1
            ? GpuAutoencoder(*models[0], objective, optimizer, fo.batch_size, seed, use_graph)
            : GpuAutoencoder(*models[0], *models[1], objective, optimizer, fo.batch_size, seed,
                             use_graph);
    gpu.upload_data(x);
    const size_t batches = (n + size_t(fo.batch_size) - 1) / size_t(fo.batch_size);
    EpochRunner runner;
    runner.run_epoch = [&](const std::vector<size_t>& perm, Rng&, const BatchDone& done) {
        done(batches, n, gpu.epoch(perm, fo.batch_size));
    };
    runner.sync_weights = [&] {
        if (models.size() == 1)
            gpu.weights_to(*models[0]);
        else
            gpu.weights_to(*models[0], *models[1]);
    };
    runner.where = " on the GPU";
    return run_epochs(n, fo, runner, on_epoch, optimizer.lr);
}

constexpr uint64_t kAeNoiseSeed = 0x5eed;  // mixed with FitOptions::seed
}  // namespace

void require_gpu_support(const TrainSpec& spec) {
    // What the CUDA trainers run: MSE or BCE, Adam or SGD with momentum. Lesson 02 trains its
    // other options (L1 loss, RMSprop) on the CPU and says so; this guards everything else.
    if (spec.objective.loss == LossKind::L1)
        throw Error("the GPU trainer has no L1 loss: use --device cpu (or --loss mse|bce)");
    if (spec.optimizer.kind == OptimizerKind::RmsProp || spec.optimizer.l2)
        throw Error(
            "the GPU trainer runs Adam and SGD with decoupled weight decay: use --device cpu");
}

History train(Sequential& encoder, Sequential& decoder, const Matrix& x, const TrainSpec& spec,
              const CpuStep& cpu_step, const EpochFn& on_epoch) {
    if (resolve_device(spec.device) == "cuda") {
        require_gpu_support(spec);
        return train_chain_on_gpu({&encoder, &decoder}, x, spec.objective, spec.optimizer, spec.fit,
                                  spec.use_graph, spec.fit.seed ^ kAeNoiseSeed, on_epoch);
    }
    return train_on_cpu(x, spec, cpu_step, on_epoch);
}

}  // namespace ae
