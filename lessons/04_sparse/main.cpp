// Lesson 04 program: the same wide one-layer sigmoid autoencoder trained four ways on
// Fashion-MNIST (plain, L1-sparse, KL-sparse, contractive), compared side by side.
// Run: ./workshop run 04 [--quick] [--latent 256] [--epochs 5] [--l1 ...]   (--help lists all)
// Writes pictures, their numbers and summary.json to out/04_sparse/.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "ae/cli.hpp"
#include "ae/io.hpp"
#include "ae/linalg.hpp"
#include "ae/plot.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"

using namespace ae;
using namespace ae::l04;

namespace {

struct Variant {
    Penalty penalty;
    l02::Autoencoder model;
    History history;
    CodeStats stats;
    double test_mse = 0, jacobian = 0;
    double moved_noise = 0, moved_data = 0;  // |dh| / |dx| for the two kinds of perturbation
    Matrix codes;                            // (N_test, H)
};

// Rows [0, n) of m.
Matrix head(const Matrix& m, size_t n) {
    return xt::view(m, xt::range(0, std::min(n, m.shape()[0])), xt::all());
}

// Test images to measure on during and after training, and two perturbations of them: random
// noise (mostly off the data, pixels move independently) and a step of 10% towards another test
// image (a direction along the data).
struct Probe {
    Matrix x, noise, towards;  // (P, D) each
};
Probe make_probe(const Dataset& test, uint64_t seed) {
    Probe p;
    p.x = head(test.images, 2000);
    const size_t n = p.x.shape()[0];
    Rng rng(seed + 1);
    p.noise = rng.normal(n, p.x.shape()[1], 0.f, 0.05f);
    p.towards = Matrix(p.x.shape());
    for (size_t r = 0; r < n; ++r)
        xt::row(p.towards, r) = 0.1f * (xt::row(p.x, (r + 1) % n) - xt::row(p.x, r));
    return p;
}

void train_and_measure(Variant& v, const DataSplit& data, const Probe& probe, const Options& opt,
                       size_t units, const std::string& device) {
    Rng rng(opt.seed);  // every variant starts from the same weights
    v.model = make_shallow_autoencoder(data.train.dim(), units, rng);
    Adam adam(opt.lr);
    FitOptions fo;
    fo.epochs = opt.epochs, fo.batch_size = opt.batch_size, fo.seed = opt.seed, fo.lr = opt.lr;
    fo.name = v.penalty.name();
    v.history = train_variant(
        v.model, data.train.images, v.penalty, fo, adam,
        [&](EpochLog& log) {
            log.metrics["test_mse"] = l02::test_mse(v.model, probe.x);
            log.metrics["mean_h"] = code_stats(l02::encode(v.model, probe.x)).mean_activation;
        },
        device);
    v.codes = l02::encode(v.model, data.test.images);
    v.stats = code_stats(v.codes);
    v.test_mse = l02::test_mse(v.model, data.test.images);
    v.jacobian = jacobian_norm(v.model, data.test.images);
    v.moved_noise = code_sensitivity(v.model, probe.x, probe.noise);
    v.moved_data = code_sensitivity(v.model, probe.x, probe.towards);
}

std::vector<double> unit_means_sorted(const Matrix& codes) {
    const Matrix m = column_means(codes);
    std::vector<double> v(m.begin(), m.end());
    std::sort(v.rbegin(), v.rend());
    return v;
}

// The features of the 64 busiest units (highest mean activation), each stretched to [0, 1]:
// encoder filters (columns of W: what a unit responds to) and decoder rows (what it draws).
void save_features(const std::string& out, const std::string& name, Variant& v) {
    const Matrix means = column_means(v.codes);
    std::vector<size_t> order(means.size());
    for (size_t j = 0; j < order.size(); ++j) order[j] = j;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return means(0, a) > means(0, b); });
    order.resize(std::min<size_t>(64, order.size()));
    const Matrix filters = xt::transpose(encoder_layer(v.model).W);  // (H, D)
    save_image_grid(out + "/features_" + name + ".png", gather_rows(filters, order), 16, 28, 28, 2,
                    true);
    const auto& dec = dynamic_cast<const Dense&>(v.model.decoder[0]);  // W: (H, D)
    save_image_grid(out + "/decoder_" + name + ".png", gather_rows(dec.W, order), 16, 28, 28, 2,
                    true);
    save_npy(out + "/encoder_W_" + name + ".npy", encoder_layer(v.model).W);
}

void pictures(const std::string& out, const DataSplit& data, std::vector<Variant>& vs) {
    std::vector<std::string> names;
    std::vector<std::pair<std::string, std::vector<double>>> hist;
    std::vector<Series> mse_curves, units;
    std::vector<std::vector<double>> bars(3), moved(2);
    std::vector<double> index;
    for (auto& v : vs) {
        const std::string n = v.penalty.name();
        names.push_back(n);
        const Matrix c = head(v.codes, 1000);
        hist.push_back({n, std::vector<double>(c.begin(), c.end())});
        mse_curves.push_back(
            {n, v.history.epoch_numbers(), v.history.metric("test_mse"), "linespoints"});
        moved[0].push_back(v.moved_noise);
        moved[1].push_back(v.moved_data);
        const auto means = unit_means_sorted(v.codes);
        index.resize(means.size());
        for (size_t j = 0; j < means.size(); ++j) index[j] = double(j + 1);
        units.push_back({n, index, means});
        bars[0].push_back(v.stats.mean_activation);
        bars[1].push_back(v.stats.near_zero);
        bars[2].push_back(v.stats.dead_units);
        save_features(out, n, v);
    }
    Chart h{"Activations of the code on 1000 test images", "activation h", "density (log scale)"};
    h.logy = true;
    histogram_chart(out + "/activation_histograms.png", h, hist, 40);
    Chart b{"How sparse is the code? (test set)", "", "fraction"};
    b.key = "below";  // the bars reach the top corners
    bar_chart(out + "/sparsity.png", b, names,
              {"mean activation", "activations < 0.05", "units with mean < 0.05"}, bars);
    Chart u{"Mean activation of each unit, sorted", "unit (sorted)",
            "mean activation over the test set"};
    u.ymin = 0;
    line_chart(out + "/unit_mean_activations.png", u, units);
    Chart m{"Test MSE per pixel during training", "epoch", "test MSE (2000 images)"};
    line_chart(out + "/test_mse_per_epoch.png", m, mse_curves);
    Chart s{"How far the code moves per unit of input change (2000 test images)", "",
            "mean |h(x+e) - h(x)| / |e|"};
    s.key = "below";
    bar_chart(out + "/code_sensitivity.png", s, names,
              {"random noise e ~ N(0, 0.05^2)", "e = 10% of the way to another image"}, moved);
    // Reconstructions: originals, then one row per variant.
    Matrix grid = head(data.test.images, 10);
    for (auto& v : vs) {
        grid = xt::concatenate(
            xt::xtuple(grid, l02::reconstruct(v.model, head(data.test.images, 10))), 0);
    }
    save_image_grid(out + "/reconstructions.png", grid, 10, 28, 28, 3);
}

Json variant_json(const Variant& v) {
    Json j;
    j.set("weight", double(v.penalty.weight))
        .set("test_mse", v.test_mse)
        .set("mean_activation", v.stats.mean_activation)
        .set("near_zero_fraction", v.stats.near_zero)
        .set("dead_unit_fraction", v.stats.dead_units)
        .set("jacobian_frobenius_rms", v.jacobian)
        .set("code_change_per_input_change_noise", v.moved_noise)
        .set("code_change_per_input_change_towards_image", v.moved_data)
        .set("test_mse_per_epoch", v.history.metric("test_mse"))
        .set("train_seconds", v.history.total_seconds());
    if (v.penalty.kind == PenaltyKind::Kl) j.set("rho", double(v.penalty.rho));
    return j;
}

void save_numbers(const std::string& out, const DataSplit& data, const Options& opt,
                  const std::vector<Variant>& vs, double seconds) {
    // One row per variant; variant 0 plain, 1 L1, 2 KL, 3 contractive.
    std::vector<std::vector<double>> cols(9);
    for (const Variant& v : vs) {
        const double row[] = {double(v.penalty.kind),
                              double(v.penalty.weight),
                              v.test_mse,
                              v.stats.mean_activation,
                              v.stats.near_zero,
                              v.stats.dead_units,
                              v.jacobian,
                              v.moved_noise,
                              v.moved_data};
        for (size_t c = 0; c < cols.size(); ++c) cols[c].push_back(row[c]);
    }
    save_csv(out + "/variants.csv",
             {"variant", "weight", "test_mse", "mean_activation", "near_zero_fraction",
              "dead_unit_fraction", "jacobian_rms", "moved_noise", "moved_towards_image"},
             cols);
    Json summary, variants;
    for (const auto& v : vs) variants.set(v.penalty.name(), variant_json(v));
    summary.set("lesson", "04_sparse")
        .set("data", data.describe())
        .set("full_data", !data.is_sample)
        .set("train_images", data.train.size())
        .set("test_images", data.test.size())
        .set("hidden_units", size_t(opt.latent))
        .set("epochs", opt.epochs)
        .set("batch_size", opt.batch_size)
        .set("lr", double(opt.lr))
        .set("seed", double(opt.seed))
        .set("variants", variants)
        .set("seconds", seconds);
    summary.save(out + "/summary.json");
}

// The three penalties of the untrained code on a few images: your functions meet real data
// here first, so an unwritten one stops the program before any training.
void print_initial_penalties(const Matrix& x, size_t units, uint64_t seed, double rho) {
    Rng rng(seed);
    l02::Autoencoder m = make_shallow_autoencoder(x.shape()[1], units, rng);
    const Matrix h = m.encoder.forward(x);
    const double l1 = l1_penalty(h).value, kl = kl_sparsity_penalty(h, rho).value;
    const double cae = contractive_penalty(x, h, encoder_layer(m).W).value;
    std::printf(
        "Penalties of the untrained code (%zu images): L1 %.4g, KL (rho %.2g) %.4g, "
        "contractive %.4g\n",
        x.shape()[0], l1, rho, kl, cae);
}

void print_results(const std::vector<Variant>& vs, size_t units, int epochs) {
    std::printf(
        "\nResults on the test set (H = %zu, %d epochs); |dh|/|dx| for noise of sigma 0.05"
        " and for a 10%% step towards another image:\n",
        units, epochs);
    std::printf("  %-12s %7s %9s %7s %9s %6s %9s %9s %9s\n", "variant", "weight", "test MSE",
                "mean h", "h < 0.05", "dead", "|J|_F rms", "dh noise", "dh image");
    for (const auto& v : vs) {
        std::printf("  %-12s %7.2g %9.5f %7.4f %8.1f%% %5.1f%% %9.3f %9.4f %9.4f\n",
                    v.penalty.name().c_str(), double(v.penalty.weight), v.test_mse,
                    v.stats.mean_activation, 100 * v.stats.near_zero, 100 * v.stats.dead_units,
                    v.jacobian, v.moved_noise, v.moved_data);
    }
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 5;
        defaults.quick_epochs = 3;
        defaults.batch_size = 128;
        defaults.lr = 2e-3f;
        defaults.latent = 256;
        CommandLine cli({"04", "04_sparse", "Lesson 04: sparse and contractive autoencoders"},
                        defaults);
        Penalty l1{PenaltyKind::L1, 1e-4f}, kl{PenaltyKind::Kl, 3e-4f, 0.05f},
            cae{PenaltyKind::Contractive, 1e-4f};
        cli.app().add_option("--l1", l1.weight, "weight of the L1 penalty")->capture_default_str();
        cli.app()
            .add_option("--kl", kl.weight, "weight of the KL sparsity penalty")
            ->capture_default_str();
        cli.app()
            .add_option("--rho", kl.rho, "target mean activation of the KL penalty")
            ->capture_default_str()
            ->check(CLI::Range(1e-4, 0.9999));
        cli.app()
            .add_option("--cae", cae.weight, "weight of the contractive penalty")
            ->capture_default_str();
        std::vector<std::string> only = {"plain", "L1", "KL", "contractive"};
        cli.app()
            .add_option("--variants", only, "which variants to train (comma-separated)")
            ->capture_default_str()
            ->delimiter(',')
            ->check(CLI::IsMember({"plain", "L1", "KL", "contractive"}));
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        const std::string device = resolve_device(opt.device);
        if (device == "cuda")
            std::cout << "Training on the GPU with the library's CUDA trainer and its penalty "
                         "kernels (your penalties are the CPU path: --device cpu).\n";
        Timer total;
        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        const size_t units = static_cast<size_t>(opt.latent);
        std::printf("Model: %zu-%zu-%zu, sigmoid code and output, MSE, %d epochs per variant\n",
                    data.train.dim(), units, data.train.dim(), opt.epochs);

        print_initial_penalties(head(data.train.images, 256), units, opt.seed, kl.rho);
        const Probe probe = make_probe(data.test, opt.seed);
        std::vector<Variant> vs;
        for (const Penalty& p : {Penalty{}, l1, kl, cae}) {
            if (std::find(only.begin(), only.end(), p.name()) == only.end()) continue;
            vs.emplace_back().penalty = p;
            train_and_measure(vs.back(), data, probe, opt, units, device);
        }

        print_results(vs, units, opt.epochs);
        const std::string out = opt.out;
        make_dirs(out);
        pictures(out, data, vs);
        save_numbers(out, data, opt, vs, total.seconds());
        std::printf("\nPictures and summary.json in %s/ (%.1fs in all)\n", out.c_str(),
                    total.seconds());
        return 0;
    });
}
