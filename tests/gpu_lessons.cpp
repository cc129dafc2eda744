// GPU tests of lessons 04 and 05: one training step of the CUDA trainers (the penalised
// autoencoder, the VAE) against the CPU reference solutions (l04::penalized_step,
// l05::loss_and_gradients + ae::Adam) from the same weights and, for the VAE, the same eps;
// three penalised epochs with a partial last batch (1000 rows, batch 128), graph and direct.
// Doctest cases: without a GPU each prints "SKIPPED" (CTest: Skipped; tests/gpu_check.hpp).
// Run: ctest -L gpu --output-on-failure, or bin/test_gpu_lessons [-tc="gpu sparse*"]
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <xtensor/xview.hpp>

#include "04_sparse/exercise.hpp"
#include "05_vae/exercise.hpp"
#include "ae/device.hpp"
#include "ae/gpu_vae.hpp"
#include "ae/objective.hpp"
#include "gpu_check.hpp"

using namespace ae;

namespace {

using gpu_check::report;

// The largest over the tensors of max |a - b| / max |b|.
double max_rel_diff(const std::vector<Matrix>& a, const std::vector<Matrix*>& b) {
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        double diff = 0, scale = 1e-12;
        for (size_t j = 0; j < a[i].size(); ++j) {
            diff = std::max(diff, double(std::fabs(a[i].data()[j] - b[i]->data()[j])));
            scale = std::max(scale, double(std::fabs(b[i]->data()[j])));
        }
        worst = std::max(worst, diff / scale);
    }
    return worst;
}

std::vector<Matrix*> grads_of(const std::vector<Param>& ps) {
    std::vector<Matrix*> out;
    for (const Param& p : ps) out.push_back(p.grad);
    return out;
}

// Loss, gradients and the updated weights of one step; the tolerances are those of
// tests/gpu_train.cpp (float sums in another order; Adam's first step moves a weight by about
// lr sign(g), so a near-zero gradient whose sign differs may move it by up to 2 lr).
void compare_step(const std::string& what, double loss_cpu, double loss_gpu,
                  const std::vector<Matrix>& grads_gpu, const std::vector<Param>& cpu,
                  const std::vector<Param>& gpu_weights, float lr) {
    report(std::fabs(loss_gpu - loss_cpu) <= 1e-4 * std::fabs(loss_cpu), what + ": loss",
           "cpu " + std::to_string(loss_cpu) + ", gpu " + std::to_string(loss_gpu));
    const double g = max_rel_diff(grads_gpu, grads_of(cpu));
    report(g <= 1e-3, what + ": gradients", "max |diff| / max |grad| = " + std::to_string(g));
    double worst = 0;
    size_t off = 0, total = 0;
    for (size_t i = 0; i < cpu.size(); ++i) {
        for (size_t j = 0; j < cpu[i].value->size(); ++j, ++total) {
            const double d = std::fabs(cpu[i].value->data()[j] - gpu_weights[i].value->data()[j]);
            worst = std::max(worst, d);
            off += d > 1e-5;
        }
    }
    report(worst <= 2.1 * lr && off <= total / 1000, what + ": updated weights",
           "max |diff| " + std::to_string(worst) + ", " + std::to_string(off) + " of " +
               std::to_string(total) + " differ by more than 1e-5");
}

// Lesson 04's penalty as the GPU trainer's description (the penalised code is layer 0's).
Objective objective_of(const l04::Penalty& p) {
    Objective o;
    o.penalty.kind = p.kind == l04::PenaltyKind::L1   ? CodePenaltyKind::L1
                     : p.kind == l04::PenaltyKind::Kl ? CodePenaltyKind::Kl
                                                      : CodePenaltyKind::Contractive;
    o.penalty.weight = p.weight, o.penalty.rho = p.rho, o.penalty.layer = 0;
    return o;
}

// Each penalty, weighted so that weight * P is a sizeable part of the objective (if the GPU
// dropped the penalty, the loss would be off by far more than the tolerance).
const l04::Penalty kPenalties[] = {l04::Penalty{l04::PenaltyKind::L1, 1e-3f},
                                   l04::Penalty{l04::PenaltyKind::Kl, 1e-2f, 0.05f},
                                   l04::Penalty{l04::PenaltyKind::Contractive, 1e-3f}};

// Lesson 04: one step of each penalty.
void check_sparse(const Matrix& x) {
    const float lr = 2e-3f;
    for (const l04::Penalty& p : kPenalties) {
        Rng r1(17), r2(17);
        l02::Autoencoder cpu = l04::make_shallow_autoencoder(784, 64, r1);
        l02::Autoencoder gpu_model = l04::make_shallow_autoencoder(784, 64, r2);
        Adam adam(lr);
        const double loss_cpu = l04::penalized_step(cpu, x, p, adam);
        GpuAutoencoder gpu(gpu_model.encoder, gpu_model.decoder, objective_of(p),
                           OptimizerSpec::adam(lr), static_cast<int>(x.shape()[0]));
        const double loss_gpu = gpu.step(x);
        const std::vector<Matrix> grads = gpu.gradients();
        gpu.weights_to(gpu_model.encoder, gpu_model.decoder);
        compare_step("lesson 04, one step with the " + p.name() + " penalty", loss_cpu, loss_gpu,
                     grads, cpu.params(), gpu_model.params(), lr);
    }
}

// Lesson 04: three epochs of each penalty over 1000 rows in batches of 128 (the last has 104),
// direct launches and a CUDA Graph, against l04::penalized_step over the same orders.
void check_sparse_epochs(const Matrix& x) {
    const float lr = 2e-3f;
    const int batch = 128;
    const size_t n = x.shape()[0];
    Rng order(5);
    std::vector<std::vector<size_t>> perms;
    for (int e = 0; e < 3; ++e) perms.push_back(order.permutation(n));
    for (const l04::Penalty& p : kPenalties) {
        Rng r0(19);
        l02::Autoencoder cpu = l04::make_shallow_autoencoder(784, 64, r0);
        Adam adam(lr);
        std::vector<double> loss_cpu;
        for (const auto& perm : perms) {
            double sum = 0;
            for (size_t b = 0; b < n; b += batch) {
                const size_t e = std::min(n, b + size_t(batch));
                sum +=
                    l04::penalized_step(cpu, gather_rows(x, perm, b, e), p, adam) * double(e - b);
            }
            loss_cpu.push_back(sum / double(n));
        }
        for (bool graph : {false, true}) {
            Rng r1(19);
            l02::Autoencoder m = l04::make_shallow_autoencoder(784, 64, r1);
            GpuAutoencoder gpu(m.encoder, m.decoder, objective_of(p), OptimizerSpec::adam(lr),
                               batch, 0x5eed, graph);
            gpu.upload_data(x);
            std::vector<double> loss_gpu;
            for (const auto& perm : perms) loss_gpu.push_back(gpu.epoch(perm, batch));
            gpu.weights_to(m.encoder, m.decoder);
            bool ok = true;
            for (size_t e = 0; e < perms.size(); ++e)
                ok = ok && std::fabs(loss_gpu[e] - loss_cpu[e]) <= 1e-3 * loss_cpu[e];
            // 24 Adam steps: a weight whose near-zero gradient flips sign moves by up to 2 lr a
            // step; no weight can drift by more than 48 lr, and few (<1%) should drift at all.
            double worst = 0;
            size_t over = 0, total = 0;
            const auto pc = cpu.params(), pg = m.params();
            for (size_t i = 0; i < pc.size(); ++i) {
                for (size_t j = 0; j < pc[i].value->size(); ++j, ++total) {
                    const double d = std::fabs(pc[i].value->data()[j] - pg[i].value->data()[j]);
                    worst = std::max(worst, d);
                    over += d > 1e-4;
                }
            }
            ok = ok && worst <= 48 * lr && over <= total / 100;
            report(ok,
                   "lesson 04, three epochs with the " + p.name() +
                       " penalty (last batch 104 rows), " +
                       (graph ? "CUDA Graph" : "direct launches") + ", vs CPU",
                   "epoch 3 loss cpu " + std::to_string(loss_cpu.back()) + ", gpu " +
                       std::to_string(loss_gpu.back()) + "; weights: max |diff| " +
                       std::to_string(worst) + ", " + std::to_string(over) + " of " +
                       std::to_string(total) + " differ by > 1e-4");
        }
    }
}

l05::Vae lesson05_vae(const Matrix& x) {
    Rng rng(23);
    l05::Vae m = l05::make_vae(784, 400, 20, rng);
    l05::init_output_bias(m, x);
    return m;
}
VaeParts parts_of(l05::Vae& m) {
    return {&m.trunk, &m.mu_head, &m.logvar_head, &m.decoder};
}

// Lesson 05: one step with the same eps (beta = 2, so that a wrong KL weight shows), with
// max_batch = the rows and max_batch larger than them; then three resident epochs with eps from
// cuRAND and a partial last batch: finite and falling (the drawn path runs and learns).
void check_vae(const Matrix& x64, const Matrix& x) {
    const float lr = 1e-3f, beta = 2.f;
    const Matrix eps = Rng(5).normal(x64.shape()[0], 20);
    for (int max_batch : {int(x64.shape()[0]), 256}) {
        l05::Vae cpu = lesson05_vae(x), gpu_model = lesson05_vae(x);
        const std::vector<Param> params = cpu.params();
        zero_grad(params);
        const l05::VaeLoss loss = l05::loss_and_gradients(cpu, x64, eps, beta);
        Adam adam(lr);
        adam.step(params);
        GpuVae gpu(parts_of(gpu_model), beta, OptimizerSpec::adam(lr), max_batch);
        const double loss_gpu = gpu.step(x64, &eps);
        const std::vector<Matrix> grads = gpu.gradients();
        gpu.weights_to(parts_of(gpu_model));
        compare_step("lesson 05, one VAE step (beta 2, the same eps, max_batch " +
                         std::to_string(max_batch) + ")",
                     loss.total, loss_gpu, grads, params, gpu_model.params(), lr);
    }

    l05::Vae trained = lesson05_vae(x);
    GpuVae epochs(parts_of(trained), 1.f, OptimizerSpec{}, 128);
    epochs.upload_data(x);
    Rng order(3);
    std::vector<double> losses;
    for (int e = 0; e < 3; ++e)
        losses.push_back(epochs.epoch(order.permutation(x.shape()[0]), 128));
    const bool ok = std::isfinite(losses[2]) && losses[2] < losses[0];
    report(ok,
           "lesson 05, three resident VAE epochs with cuRAND eps (last batch 104 rows): the "
           "loss falls",
           "epoch 1 " + std::to_string(losses[0]) + ", epoch 3 " + std::to_string(losses[2]));
}

}  // namespace

TEST_CASE("gpu sparse: one step of each lesson 04 penalty equals the reference's") {
    if (!gpu_check::ready()) return;
    const Matrix x = gpu_check::sample_images(1000);
    check_sparse(xt::view(x, xt::range(0, 64), xt::all()));
}

TEST_CASE("gpu sparse-epoch: three epochs of each lesson 04 penalty, direct and graph, vs CPU") {
    if (!gpu_check::ready()) return;
    check_sparse_epochs(gpu_check::sample_images(1000));
}

TEST_CASE("gpu vae: one lesson 05 VAE step equals the reference's, resident epochs learn") {
    if (!gpu_check::ready()) return;
    const Matrix x = gpu_check::sample_images(1000);
    const Matrix x64 = xt::view(x, xt::range(0, 64), xt::all());
    check_vae(x64, x);
}
