// GPU tests: the CUDA training path against the CPU reference (ae::Sequential + ae::Adam / Sgd),
// doctest cases with the one test main: with no GPU each prints why and "SKIPPED" (CTest:
// Skipped); a GPU that CUDA cannot use fails (tests/gpu_check.hpp). Epochs use 1000 rows in
// batches of 128, so the last batch (104 rows) is smaller than the others, in graph mode too.
// Run: ctest -L gpu --output-on-failure, or bin/test_gpu [-tc="gpu step*"].
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <xtensor/xview.hpp>

#include "ae/device.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/training.hpp"
#include "gpu_check.hpp"

using namespace ae;

namespace {

using gpu_check::report;
using gpu_check::sample_images;

// The deep AE of lesson 02: 784-256-64-Z-64-256-784, ReLU inside, `last` at the output.
Sequential deep_ae(size_t z, uint64_t seed, bool sigmoid_out) {
    Rng rng(seed);
    Sequential m;
    const std::vector<size_t> sizes{784, 256, 64, z, 64, 256, 784};
    for (size_t l = 0; l + 1 < sizes.size(); ++l) {
        const bool last = l + 2 == sizes.size();
        m.add<Dense>(sizes[l], sizes[l + 1], rng, last ? Init::Xavier : Init::He);
        if (!last) m.add<ReLU>();
    }
    if (sigmoid_out) m.add<Sigmoid>();
    return m;
}

std::vector<Matrix*> dense_params(Sequential& m, bool grads) {
    std::vector<Matrix*> out;
    for (const Param& p : m.params()) out.push_back(grads ? p.grad : p.value);
    return out;
}

// max |a - b| / max(max |b|, floor): one number per tensor list.
double max_rel_diff(const std::vector<Matrix>& a, const std::vector<Matrix*>& b,
                    double floor = 1e-12) {
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        double diff = 0, scale = floor;
        for (size_t j = 0; j < a[i].size(); ++j) {
            diff = std::max(diff, double(std::fabs(a[i].data()[j] - b[i]->data()[j])));
            scale = std::max(scale, double(std::fabs(b[i]->data()[j])));
        }
        worst = std::max(worst, diff / scale);
    }
    return worst;
}

double cpu_step(Sequential& m, Optimizer& adam, const Matrix& input, const Matrix& target,
                bool bce) {
    zero_grad(m.params());
    const Matrix y = m.forward(input);
    const LossValue l = bce ? bce_with_logits_loss(y, target) : mse_loss(y, target);
    m.backward(l.grad);
    adam.step(m.params());
    return l.value;
}

// The same network as an encoder (784-256-64-Z) and a decoder, drawn in the same order.
std::pair<Sequential, Sequential> split_deep_ae(size_t z, uint64_t seed, bool sigmoid_out) {
    Rng rng(seed);
    Sequential enc, dec;
    enc.add<Dense>(784, 256, rng, Init::He), enc.add<ReLU>();
    enc.add<Dense>(256, 64, rng, Init::He), enc.add<ReLU>();
    enc.add<Dense>(64, z, rng, Init::He), enc.add<ReLU>();
    dec.add<Dense>(z, 64, rng, Init::He), dec.add<ReLU>();
    dec.add<Dense>(64, 256, rng, Init::He), dec.add<ReLU>();
    dec.add<Dense>(256, 784, rng, Init::Xavier);
    if (sigmoid_out) dec.add<Sigmoid>();
    return {std::move(enc), std::move(dec)};
}

// One step from the same weights: loss, gradients and updated weights, GPU vs CPU. The BCE
// variant trains the encoder + decoder form that lessons 02-05 use; max_batch may exceed the
// batch's rows (the buffers are then only partly used, the bias gradients sum `rows` rows).
void check_one_step(const Matrix& x, bool bce, int max_batch, const OptimizerSpec& opt) {
    const int rows = static_cast<int>(x.shape()[0]);
    const std::string what = std::string("one step of the deep AE, ") +
                             (bce ? "BCE on logits, encoder + decoder" : "MSE + sigmoid output") +
                             (opt.kind == OptimizerKind::Sgd ? ", SGD with momentum" : ", Adam") +
                             (max_batch > rows ? ", max_batch " + std::to_string(max_batch) +
                                                     " > " + std::to_string(rows) + " rows"
                                               : "");
    Sequential cpu = deep_ae(16, 7, !bce), gpu_model = deep_ae(16, 7, !bce);
    auto [enc, dec] = split_deep_ae(16, 7, !bce);
    Objective objective;
    objective.loss = bce ? LossKind::Bce : LossKind::Mse;
    GpuAutoencoder gpu = bce ? GpuAutoencoder(enc, dec, objective, opt, max_batch)
                             : GpuAutoencoder(gpu_model, objective, opt, max_batch);
    const std::unique_ptr<Optimizer> adam = make_optimizer(opt);
    const double loss_cpu = cpu_step(cpu, *adam, x, x, bce);
    const double loss_gpu = gpu.step(x);
    // Float sums in another order: losses agree to ~1e-6 relative; 1e-4 leaves room.
    report(std::fabs(loss_gpu - loss_cpu) <= 1e-4 * std::fabs(loss_cpu), what + ": loss",
           "cpu " + std::to_string(loss_cpu) + ", gpu " + std::to_string(loss_gpu));
    const double g = max_rel_diff(gpu.gradients(), dense_params(cpu, true));
    // Gradients are sums over 64 examples of products of float32 values: 1e-3 of the largest.
    report(g <= 1e-3, what + ": gradients", "max |diff| / max |grad| = " + std::to_string(g));
    if (bce) {
        gpu.weights_to(enc, dec);
        gpu_model = Sequential();  // the two halves, in one chain for the comparison below
        for (Sequential* half : {&enc, &dec})
            for (size_t i = 0; i < half->size(); ++i)
                if (auto* d = dynamic_cast<Dense*>(&(*half)[i])) gpu_model.add<Dense>(*d);
    } else {
        gpu.weights_to(gpu_model);
    }
    // Adam's first step moves every weight by about lr * sign(g); a sign that differs for a
    // gradient near 0 may move one weight by up to 2 lr: allow that, and count them. (SGD moves
    // a weight by lr g: the gradient check above already bounds it far more tightly.)
    double worst = 0;
    size_t off = 0, total = 0;
    const auto wc = dense_params(cpu, false), wg = dense_params(gpu_model, false);
    for (size_t i = 0; i < wc.size(); ++i) {
        for (size_t j = 0; j < wc[i]->size(); ++j, ++total) {
            const double d = std::fabs(wc[i]->data()[j] - wg[i]->data()[j]);
            worst = std::max(worst, d);
            if (d > 1e-5) ++off;
        }
    }
    report(worst <= 2.1 * opt.lr && off <= total / 1000, what + ": updated weights",
           "max |diff| " + std::to_string(worst) + ", " + std::to_string(off) + " of " +
               std::to_string(total) + " differ by more than 1e-5");
}

// Masking noise with p = 1 zeroes the input: the GPU must then match the CPU on a zero input
// with the clean target (proves the noise path feeds the network and keeps the target clean).
void check_noise(const Matrix& x) {
    Sequential cpu = deep_ae(16, 9, true), gpu_model = deep_ae(16, 9, true);
    Objective masked;
    masked.corruption = {CorruptionKind::Masking, 1.f};
    const OptimizerSpec opt;
    GpuAutoencoder gpu(gpu_model, masked, opt, static_cast<int>(x.shape()[0]));
    Adam adam(opt.lr);
    const Matrix zeros = xt::zeros<float>(x.shape());
    const double loss_cpu = cpu_step(cpu, adam, zeros, x, false);
    const double loss_gpu = gpu.step(x);
    report(std::fabs(loss_gpu - loss_cpu) <= 1e-4 * loss_cpu,
           "masking noise (p = 1) reaches the input, not the target",
           "cpu " + std::to_string(loss_cpu) + ", gpu " + std::to_string(loss_gpu));
    // Gaussian and salt-and-pepper noise: the corrupted input differs from the clean one.
    Sequential m0 = deep_ae(16, 9, true);
    const double clean = GpuAutoencoder(m0, Objective{}, opt, 64).step(x);
    for (CorruptionSpec c : {CorruptionSpec{CorruptionKind::Gaussian, 0.5f},
                             CorruptionSpec{CorruptionKind::SaltPepper, 0.5f}}) {
        Objective noisy;
        noisy.corruption = c;
        Sequential m = deep_ae(16, 9, true);
        const double loss = GpuAutoencoder(m, noisy, opt, 64).step(x);
        report(std::isfinite(loss) && std::fabs(loss - clean) > 1e-6,
               std::string(c.kind == CorruptionKind::Gaussian ? "gaussian" : "salt-and-pepper") +
                   " noise changes the input",
               "clean loss " + std::to_string(clean) + ", noisy " + std::to_string(loss));
    }
}

struct WeightDiff {
    double max_abs = 0;
    size_t over = 0, total = 0;  // entries differing by more than 1e-4
};
WeightDiff weight_diff(const std::vector<Matrix*>& a, const std::vector<Matrix*>& b) {
    WeightDiff d;
    for (size_t i = 0; i < a.size(); ++i) {
        for (size_t j = 0; j < a[i]->size(); ++j, ++d.total) {
            const double e = std::fabs(a[i]->data()[j] - b[i]->data()[j]);
            d.max_abs = std::max(d.max_abs, e);
            d.over += e > 1e-4;
        }
    }
    return d;
}

constexpr int kBatch = 128;  // 1000 rows: seven full batches and a last one of 104 rows

std::vector<std::vector<size_t>> three_orders(size_t n) {
    Rng order(3);
    std::vector<std::vector<size_t>> perms;
    for (int e = 0; e < 3; ++e) perms.push_back(order.permutation(n));
    return perms;
}

// The CPU loop over the same orders and batches as the GPU epochs; zero_input: the input of
// every step is zeros (masking with p = 1), the target the clean batch.
std::vector<double> cpu_epochs(Sequential& cpu, const Matrix& x,
                               const std::vector<std::vector<size_t>>& perms, bool zero_input) {
    Adam adam(1e-3f);
    std::vector<double> losses;
    for (const auto& perm : perms) {
        double sum = 0;
        for (size_t b = 0; b < x.shape()[0]; b += kBatch) {
            const size_t e = std::min(x.shape()[0], b + kBatch);
            const Matrix xb = gather_rows(x, perm, b, e);
            const Matrix in = zero_input ? Matrix(xt::zeros<float>(xb.shape())) : xb;
            sum += cpu_step(cpu, adam, in, xb, false) * double(e - b);
        }
        losses.push_back(sum / double(x.shape()[0]));
    }
    return losses;
}

// Three resident epochs on the GPU, direct launches or a CUDA Graph (epoch 1 runs uncaptured,
// epoch 2 is captured and launched, epoch 3 replays); the trained model comes back.
Sequential gpu_epochs(const Matrix& x, const std::vector<std::vector<size_t>>& perms,
                      const Objective& objective, bool graph, std::vector<double>& losses,
                      long& launches) {
    Sequential m = deep_ae(16, 11, true);
    GpuAutoencoder gpu(m, objective, OptimizerSpec{}, kBatch, 0x5eed, graph);
    gpu.upload_data(x);
    for (const auto& perm : perms) losses.push_back(gpu.epoch(perm, kBatch));
    gpu.weights_to(m);
    launches = gpu.launches_per_step();
    return m;
}

// Three resident epochs with a partial last batch, direct and graph, against the CPU loop over
// the same orders (clean, or masking p = 1 against a zero input), and against each other.
void check_epoch(const Matrix& x, bool masked) {
    const auto perms = three_orders(x.shape()[0]);
    Sequential cpu = deep_ae(16, 11, true);
    const std::vector<double> loss_cpu = cpu_epochs(cpu, x, perms, masked);
    Objective objective;
    if (masked) objective.corruption = {CorruptionKind::Masking, 1.f};
    const std::string kind = masked ? "masking p = 1" : "no noise";
    std::vector<Sequential> trained;
    for (bool graph : {false, true}) {
        std::vector<double> loss_gpu;
        long launches = 0;
        Sequential m = gpu_epochs(x, perms, objective, graph, loss_gpu, launches);
        const WeightDiff w = weight_diff(dense_params(m, false), dense_params(cpu, false));
        bool ok = true;
        for (size_t e = 0; e < perms.size(); ++e)
            ok = ok && std::fabs(loss_gpu[e] - loss_cpu[e]) <= 1e-3 * loss_cpu[e];
        // 24 Adam steps: a near-zero gradient whose sign differs moves a weight by up to 2 lr per
        // step; such weights are rare (<1%), and no weight can drift by more than 48 lr.
        ok = ok && w.over <= w.total / 100 && w.max_abs <= 48 * 1e-3;
        report(ok,
               "three resident epochs (" + kind + ", last batch 104 rows), " +
                   (graph ? "CUDA Graph" : "direct launches") + ", vs CPU",
               "epoch 3 loss cpu " + std::to_string(loss_cpu.back()) + ", gpu " +
                   std::to_string(loss_gpu.back()) + "; weights: max |diff| " +
                   std::to_string(w.max_abs) + ", " + std::to_string(w.over) + " of " +
                   std::to_string(w.total) + " differ by > 1e-4; " + std::to_string(launches) +
                   " launches per step");
        trained.push_back(std::move(m));
    }
    // The graph replays the same kernels in the same order: the weights must agree (up to
    // cuBLAS's own run-to-run determinism).
    const WeightDiff g =
        weight_diff(dense_params(trained[0], false), dense_params(trained[1], false));
    report(g.max_abs <= 1e-6, "CUDA Graph replay equals direct launches (" + kind + ")",
           "max |diff| of the weights " + std::to_string(g.max_abs));
}

// Random corruptions cannot be drawn the same on the CPU; on the GPU the noise of a step is a
// function of (seed, global step, element), so graph and direct epochs must train the same.
void check_epoch_noise(const Matrix& x) {
    const auto perms = three_orders(x.shape()[0]);
    for (CorruptionSpec c : {CorruptionSpec{CorruptionKind::Gaussian, 0.3f},
                             CorruptionSpec{CorruptionKind::SaltPepper, 0.2f}}) {
        Objective objective;
        objective.corruption = c;
        std::vector<double> direct_loss, graph_loss;
        long launches = 0;
        Sequential direct = gpu_epochs(x, perms, objective, false, direct_loss, launches);
        Sequential graph = gpu_epochs(x, perms, objective, true, graph_loss, launches);
        const WeightDiff g = weight_diff(dense_params(direct, false), dense_params(graph, false));
        const bool ok = g.max_abs <= 1e-6 && std::isfinite(graph_loss[2]) &&
                        std::fabs(graph_loss[2] - direct_loss[2]) <= 1e-6 * direct_loss[2] &&
                        graph_loss[2] < graph_loss[0];
        report(
            ok,
            std::string(c.kind == CorruptionKind::Gaussian ? "gaussian" : "salt-and-pepper") +
                " noise, three epochs with a partial last batch: graph equals direct, loss falls",
            "epoch 1 " + std::to_string(graph_loss[0]) + ", epoch 3 graph " +
                std::to_string(graph_loss[2]) + " direct " + std::to_string(direct_loss[2]) +
                "; max |diff| of the weights " + std::to_string(g.max_abs));
    }
}

// ae::train end to end: the same seed gives the same batch order on both devices, so the CPU
// (a plain step) and the GPU trainer report the same epoch losses.
void check_train(const Matrix& x) {
    TrainSpec spec;
    spec.fit.epochs = 2, spec.fit.batch_size = kBatch, spec.fit.seed = 77;
    spec.fit.progress = false, spec.fit.verbose = false;
    std::vector<std::vector<double>> losses;
    for (const char* device : {"cpu", "cuda"}) {
        auto [enc, dec] = split_deep_ae(16, 13, true);
        spec.device = device;
        std::vector<Param> params = enc.params();
        for (const Param& p : dec.params()) params.push_back(p);
        Sequential *e = &enc, *d = &dec;
        const CpuStep step = [&](const Matrix& b, const std::vector<size_t>&, Optimizer& opt,
                                 Rng&) {
            zero_grad(params);
            const LossValue l = mse_loss(d->forward(e->forward(b)), b);
            e->backward(d->backward(l.grad));
            opt.step(params);  // one optimiser step per batch, as on the GPU
            return l.value;
        };
        const History h = train(enc, dec, x, spec, step);
        losses.push_back(h.train_loss());
    }
    bool ok = losses[0].size() == 2 && losses[1].size() == 2;
    for (size_t i = 0; ok && i < 2; ++i)
        ok = std::fabs(losses[1][i] - losses[0][i]) <= 1e-3 * losses[0][i];
    report(ok, "ae::train: the same seed gives the same epochs on the CPU and the GPU",
           "epoch 2 loss cpu " + std::to_string(losses[0].back()) + ", gpu " +
               std::to_string(losses[1].back()));
}

// The first 64 images: one batch.
Matrix first64(const Matrix& x) {
    return xt::view(x, xt::range(0, 64), xt::all());
}

}  // namespace

TEST_CASE("gpu step: one step of the deep AE (MSE, BCE, Adam, SGD) equals the CPU's") {
    if (!gpu_check::ready()) return;
    const Matrix x64 = first64(sample_images(1000));
    check_one_step(x64, false, 64, OptimizerSpec{});
    check_one_step(x64, true, 64, OptimizerSpec{});
    check_one_step(x64, true, 256, OptimizerSpec{});
    check_one_step(x64, false, 100, OptimizerSpec::sgd(0.05f, 0.9f, 1e-3f));
}

TEST_CASE("gpu noise: masking reaches the input and not the target, other noise changes it") {
    if (!gpu_check::ready()) return;
    check_noise(first64(sample_images(1000)));
}

TEST_CASE("gpu epoch: three resident epochs, direct and CUDA Graph, equal the CPU's") {
    if (!gpu_check::ready()) return;
    const Matrix x = sample_images(1000);
    check_epoch(x, false);
    check_epoch(x, true);
}

TEST_CASE("gpu epoch-noise: with random noise, graph epochs equal direct ones and learn") {
    if (!gpu_check::ready()) return;
    check_epoch_noise(sample_images(1000));
}

TEST_CASE("gpu train: ae::train gives the same epochs on the CPU and the GPU for a seed") {
    if (!gpu_check::ready()) return;
    check_train(sample_images(1000));
}
