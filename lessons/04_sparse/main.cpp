// Lesson 04 program: the same wide one-layer sigmoid autoencoder trained four ways on
// Fashion-MNIST (plain, L1-sparse, KL-sparse, contractive), compared side by side.
// Run: ./workshop run 04 [--quick] [--latent 256] [--epochs 5] [--l1 ...]   (--help lists all)
// Writes pictures, their numbers and summary.json to out/04_sparse/.
#include <algorithm>
#include <iostream>

#include "ae/progress.hpp"
#include "exercise.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l04;

namespace {

// 2000 test images to measure on, and two perturbations of them: random noise (mostly off the
// data, pixels move independently) and a step of 10% towards another test image (along the data).
struct Probe {
    Matrix x, noise, towards;  // (P, D) each
};
Probe make_probe(const Dataset& test, uint64_t seed) {
    Probe p;
    p.x = xt::view(test.images, xt::range(0, std::min<size_t>(2000, test.size())), xt::all());
    const size_t n = p.x.shape()[0];
    Rng rng(seed + 1);
    p.noise = rng.normal(n, p.x.shape()[1], 0.f, 0.05f);
    p.towards = Matrix(p.x.shape());
    for (size_t r = 0; r < n; ++r)
        xt::row(p.towards, r) = 0.1f * (xt::row(p.x, (r + 1) % n) - xt::row(p.x, r));
    return p;
}

void train_and_measure(Variant& v, const DataSplit& data, const Probe& probe, const Options& opt) {
    Rng rng(opt.seed);  // every variant starts from the same weights
    v.model = make_shallow_autoencoder(data.train.dim(), size_t(opt.latent), rng);
    auto on_epoch = [&](EpochLog& log) {
        log.metrics["test_mse"] = l02::test_mse(v.model, probe.x);
        log.metrics["mean_h"] = code_stats(l02::encode(v.model, probe.x)).mean_activation;
    };
    v.history = train_variant(v.model, data.train.images, v.penalty,
                              train_spec(opt, v.penalty.name()), on_epoch);
    v.codes = l02::encode(v.model, data.test.images);
    v.stats = code_stats(v.codes);
    v.test_mse = l02::test_mse(v.model, data.test.images);
    v.jacobian = jacobian_norm(v.model, data.test.images);
    v.moved_noise = code_sensitivity(v.model, probe.x, probe.noise);
    v.moved_data = code_sensitivity(v.model, probe.x, probe.towards);
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        const Options defaults = lesson_defaults(5, 3, 128, 256, 2e-3f);
        CommandLine cli({"04", "04_sparse", "Lesson 04: sparse and contractive autoencoders"},
                        defaults);
        Penalty l1{PenaltyKind::L1, 1e-4f}, kl{PenaltyKind::Kl, 3e-4f, 0.05f},
            cae{PenaltyKind::Contractive, 1e-4f};
        auto& app = cli.app();
        const auto weight = [](const char* what) { return real_flag(0, 1000, what); };
        app.add_option("--l1", l1.weight, "weight of the L1 penalty")
            ->check(weight("weight of the L1 penalty"));
        app.add_option("--kl", kl.weight, "weight of the KL sparsity penalty")
            ->check(weight("weight of the KL sparsity penalty"));
        app.add_option("--rho", kl.rho, "target mean activation of the KL penalty")
            ->check(real_flag(1e-4, 0.9999, "a mean activation: inside (0, 1)"));
        app.add_option("--cae", cae.weight, "weight of the contractive penalty")
            ->check(weight("weight of the contractive penalty"));
        std::vector<std::string> only = {"plain", "L1", "KL", "contractive"};
        app.add_option("--variants", only, "which variants to train (comma-separated)")
            ->delimiter(',')
            ->check(CLI::IsMember({"plain", "L1", "KL", "contractive"}));
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        Timer total;
        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        std::printf("Model: %zu-%d-%zu, sigmoid code and output, MSE, %d epochs per variant\n",
                    data.train.dim(), opt.latent, data.train.dim(), opt.epochs);

        check_exercise_written();  // an unwritten penalty stops the program here
        {                          // your penalties on real data, before training
            Rng rng(opt.seed);
            l02::Autoencoder m =
                make_shallow_autoencoder(data.train.dim(), size_t(opt.latent), rng);
            const size_t n = std::min<size_t>(256, data.train.size());
            const Matrix x = xt::view(data.train.images, xt::range(0, n), xt::all());
            print_initial_penalties(x, m.encoder.forward(x), encoder_layer(m).W, kl.rho);
        }
        const Probe probe = make_probe(data.test, opt.seed);
        std::vector<Variant> vs;
        for (const Penalty& p : {Penalty{}, l1, kl, cae}) {
            if (std::find(only.begin(), only.end(), p.name()) == only.end()) continue;
            vs.emplace_back().penalty = p;
            train_and_measure(vs.back(), data, probe, opt);
        }
        report(opt.out, data, opt, vs, cli.default_run(data), total);
        return 0;
    });
}
