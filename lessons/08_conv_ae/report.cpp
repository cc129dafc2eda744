// Lesson 08, the report of one run (report.hpp): terminal summary, pictures, CSV/.npy files and
// summary.json. Nothing here trains or changes the model; main.cpp is the experiment.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "ae/autoencoder.hpp"
#include "ae/expect.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"

namespace ae::l08 {

namespace {

// The README's figures for the default run (full data, Z = 32, 5 epochs, batch 128, Adam 3e-3;
// seeds 42, 1, 2 gave 0.00923, 0.00938, 0.00911); the MLP's is lesson 02's.
const ExpectedFigures kExpected = {{"test_mse_conv_ae", {0.0088, 0.0097}},
                                   {"test_mse_mlp_ae", {0.0095, 0.0108}},
                                   {"conv_over_mlp_parameters", {0.25, 0.27}}};

void curves(const std::string& out, const Results& r, const Baselines& b) {
    const History& h = r.history;
    const auto ep = h.epoch_numbers();
    Chart m{"Test MSE per pixel: conv AE vs lesson 02's MLP AE and PCA at the same Z", "epoch",
            "test MSE per pixel"};
    std::vector<Series> s{{"conv AE", ep, h.metric("test_mse"), "linespoints"}};
    if (!b.mlp_history.epochs.empty())
        s.push_back({"MLP AE (trained here)", b.mlp_history.epoch_numbers(),
                     b.mlp_history.metric("test_mse"), "linespoints"});
    else
        s.push_back(
            {"MLP AE (lesson 02, 20 epochs)", ep, std::vector<double>(ep.size(), b.mlp_mse)});
    s.push_back({"PCA (same Z)", ep, std::vector<double>(ep.size(), b.pca_mse)});
    line_chart(out + "/test_mse.png", m, s);
    Chart l{"Conv AE: training and test MSE per pixel", "epoch", "MSE per pixel"};
    l.logy = true;
    line_chart(out + "/loss_curves.png", l,
               {{"train", ep, h.train_loss(), "linespoints"},
                {"test", ep, h.metric("test_mse"), "linespoints"}});
}

// First-layer filters: W (K*K*C, F) of the first Conv2d, one K x K image per filter (C = 1).
void filters(const std::string& out, ConvAutoencoder& model) {
    auto* conv = dynamic_cast<Conv2d*>(&model.encoder[0]);
    if (!conv || conv->geometry().c != 1) return;
    const size_t k = conv->geometry().k, f = conv->out_channels();
    const Matrix img = xt::transpose(conv->W);  // (F, K*K): one filter per row
    const size_t cols = std::min<size_t>(f, 8);
    std::vector<std::string> rows, col_labels;
    for (size_t i = 0; i < f; i += cols)
        rows.push_back("filters " + std::to_string(i + 1) + "-" +
                       std::to_string(std::min(f, i + cols)));
    for (size_t j = 0; j < cols; ++j) col_labels.push_back("+" + std::to_string(j));
    save_image_grid(out + "/filters.png", img, cols, k, k, 20, true, rows,
                    "First-layer filters (" + std::to_string(k) + "x" + std::to_string(k) +
                        ", each stretched to black-white)",
                    col_labels);
}

// Every channel of every encoder conv layer for three test images: one PNG per layer, one row
// per image, one column per channel (each map stretched to [0, 1]).
void feature_maps_pictures(const std::string& out, ConvAutoencoder& model, const DataSplit& data) {
    const std::vector<size_t> idx{0, 1, 2};
    const FeatureMaps fm = feature_maps(model, gather_rows(data.test.images, idx));
    for (size_t l = 0; l < fm.maps.size(); ++l) {
        const size_t n = idx.size(), c = fm.channels[l], hw = fm.sizes[l].h * fm.sizes[l].w;
        Matrix grid({n * c, hw});
        for (size_t i = 0; i < n; ++i)
            for (size_t ch = 0; ch < c; ++ch)
                for (size_t p = 0; p < hw; ++p) grid(i * c + ch, p) = fm.maps[l](i, p * c + ch);
        std::vector<std::string> rows, cols;
        for (size_t i : idx) rows.push_back(data.class_names[size_t(data.test.labels[i])]);
        for (size_t ch = 0; ch < c; ++ch) cols.push_back(std::to_string(ch));
        const std::string name = "conv" + std::to_string(l + 1);
        save_image_grid(out + "/feature_maps_" + name + ".png", grid, c, fm.sizes[l].h,
                        fm.sizes[l].w, l == 0 ? 4 : 6, true, rows,
                        "Encoder " + name + " after ReLU: " + std::to_string(c) + " maps of " +
                            std::to_string(fm.sizes[l].h) + "x" + std::to_string(fm.sizes[l].w) +
                            " per test image (columns: channel)",
                        cols);
    }
}

void pictures(const std::string& out, const DataSplit& data, ConvAutoencoder& model, Baselines& b,
              const Results& r) {
    const Matrix x = gather_rows(data.test.images, first_of_each_class(data.test));
    const l01::Pca& p = b.pca;
    const std::string z = std::to_string(model.config.latent);
    save_image_rows(out + "/reconstructions.png",
                    {{"input", x},
                     {"conv AE", reconstruct(model, x)},
                     {"MLP AE", l02::reconstruct(b.mlp, x)},
                     {"PCA-" + z, l01::pca_decode(p, l01::pca_encode(p, x))}},
                    "Test images and their reconstructions (Z = " + z + ")", data.class_names, 4);
    filters(out, model);
    feature_maps_pictures(out, model, data);
    const Matrix xy =
        r.test_codes.shape()[1] == 2
            ? r.test_codes
            : l01::pca_encode(l01::pca(encode(model, data.train.images), 2), r.test_codes);
    Chart s{"Conv AE: test codes (top-2 PCA projection of the " + z + "-D code), by class",
            "latent 1", "latent 2"};
    s.key = "outside right";
    s.width = 960;
    scatter_by_class(out + "/latent_scatter.png", s, xy, data.test.labels, data.class_names);
}

}  // namespace

void print_model(ConvAutoencoder& model, const std::string& loaded_from) {
    std::cout << describe_model(model, loaded_from);
    for (const Param& p : model.params())
        std::printf("    %-8s %-12s %zu\n", p.name.c_str(), shape_str(*p.value).c_str(),
                    p.value->size());
}

void report(const Options& opt, bool default_run, const DataSplit& data, ConvAutoencoder& model,
            Baselines& b, const Results& r, const Timer& total) {
    const std::string& out = opt.out;
    const size_t conv_params = count_parameters(model.params());
    const size_t mlp_params = count_parameters(b.mlp.params());
    const History& h = r.history;
    if (h.epochs.empty())  // --model: a loaded model, nothing trained in this run
        std::printf("\nResults (Z = %zu, the model loaded from %s, not trained in this run):\n",
                    model.config.latent, r.model_path.c_str());
    else
        std::printf("\nResults (Z = %zu, %zu epochs, %.1fs training, %.1fs per epoch):\n",
                    model.config.latent, h.epochs.size(), h.total_seconds(),
                    h.total_seconds() / double(h.epochs.size()));
    std::printf("  parameters  conv AE %zu   MLP AE %zu   (conv / MLP = %.2f)\n", conv_params,
                mlp_params, double(conv_params) / double(mlp_params));
    std::printf(
        "  test MSE per pixel  PCA-%zu %.5f   MLP AE %.5f   conv AE %.5f (%+.1f%% vs MLP)\n",
        model.config.latent, b.pca_mse, b.mlp_mse, r.test_mse, 100 * (r.test_mse / b.mlp_mse - 1));
    std::printf("  conv AE test MSE: %s\n",
                kExpected.against("test_mse_conv_ae", r.test_mse, default_run).c_str());
    std::printf("  MLP AE test MSE:  %s\n",
                kExpected.against("test_mse_mlp_ae", b.mlp_mse, default_run && !b.mlp_from.empty())
                    .c_str());
    std::printf("  conv / MLP parameters: %s\n",
                kExpected
                    .against("conv_over_mlp_parameters", double(conv_params) / double(mlp_params),
                             default_run)
                    .c_str());

    make_dirs(out);
    if (!h.epochs.empty()) curves(out, r, b);
    pictures(out, data, model, b, r);
    save_npy(out + "/test_codes.npy", r.test_codes);
    save_history_csv(out + "/history.csv", h, "train_mse", {"test_mse"});
    Json summary = run_summary("08_conv_ae", data);
    summary.set("model", model.config.describe())
        .set("encoder", model.encoder.name())
        .set("decoder", model.decoder.name())
        .set("latent", model.config.latent);
    set_training(summary, opt, (long long)h.epochs.size())
        .set("parameters_conv_ae", conv_params)
        .set("parameters_mlp_ae", mlp_params)
        .set("test_mse_pca", b.pca_mse)
        .set("test_mse_mlp_ae", b.mlp_mse)
        .set("mlp_ae_from", b.mlp_from.empty() ? std::string("trained here") : b.mlp_from)
        .set("mlp_ae_epochs_here", b.mlp_history.epochs.size())
        .set("test_mse_conv_ae", r.test_mse)
        .set("test_mse_per_epoch", h.metric("test_mse"))
        .set("train_mse_per_epoch", h.train_loss())
        .set("seconds_per_epoch", h.seconds())
        .set("model_path", r.model_path)
        .set("train_seconds", h.total_seconds());
    if (r.saved) std::printf("  model saved to %s\n", r.model_path.c_str());
    finish_run(summary, out, total);
}

}  // namespace ae::l08
