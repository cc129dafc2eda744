// Lesson 02, the report of one run (report.hpp): terminal summary, pictures, CSV/.npy files and
// summary.json. Nothing here trains or changes the model; main.cpp is the experiment.
#include "report.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "ae/autoencoder.hpp"
#include "ae/expect.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"
#include "exercise.hpp"  // encode, for the latent scatter

namespace ae::l02 {

namespace {

// The README's figures for the default run (full data, Z = 32, MSE, 20 epochs).
const ExpectedFigures kExpected = {{"test_mse_deep_ae", {0.0095, 0.0108}},
                                   {"test_mse_pca", {0.0150, 0.0153}}};

// (N, Z) test codes -> (N, 2): the codes themselves when Z = 2, else their top-2 PCA projection
// (lesson 01), fitted on the training codes.
Matrix latent_2d(const Matrix& train_codes, const Matrix& test_codes) {
    if (test_codes.shape()[1] == 2) return test_codes;
    return l01::pca_encode(l01::pca(train_codes, 2), test_codes);
}

void curves(const std::string& out, const History& h, const std::string& loss, double pca_mse,
            double mean_mse) {
    const auto ep = h.epoch_numbers();
    Chart c{"Training and test loss (" + loss + " per pixel)", "epoch", loss + " per pixel"};
    c.logy = loss == "mse";  // BCE of grey pixels has a floor (their entropy), MSE falls to ~0
    line_chart(out + "/loss_curves.png", c,
               {{"train", ep, h.train_loss(), "linespoints"},
                {"test", ep, h.metric("test_loss"), "linespoints"}});
    Chart m{"Test MSE per pixel: deep AE vs PCA at the same Z", "epoch", "test MSE per pixel"};
    m.logy = true;
    line_chart(out + "/test_mse.png", m,
               {{"deep AE", ep, h.metric("test_mse"), "linespoints"},
                {"PCA (same Z)", ep, std::vector<double>(ep.size(), pca_mse)},
                {"mean image", ep, std::vector<double>(ep.size(), mean_mse)}});
}

void pictures(const std::string& out, const DataSplit& data, Autoencoder& model, const Baselines& b,
              const Results& r) {
    const l01::Pca& p = b.pca;
    const size_t z = model.config.latent;
    const Matrix x = gather_rows(data.test.images, first_of_each_class(data.test));
    save_image_rows(out + "/reconstructions.png",
                    {{"original", x},
                     {"deep AE", reconstruct(model, x)},
                     {"PCA-" + std::to_string(p.components.shape()[0]),
                      l01::pca_decode(p, l01::pca_encode(p, x))}},
                    "Test images and their reconstructions (Z = " + std::to_string(z) + ")",
                    short_class_names(data.class_names));

    const Matrix xy = latent_2d(encode(model, data.train.images), r.test_codes);
    const std::string what =
        z == 2 ? "the 2-D code" : "top-2 PCA projection of the " + std::to_string(z) + "-D code";
    Chart s{"Test images in latent space (" + what + "), coloured by class", "latent 1",
            "latent 2"};
    s.key = "outside right";
    s.width = 960;
    scatter_by_class(out + "/latent_scatter.png", s, xy, data.test.labels, data.class_names);

    Chart c{"Test MSE per pixel by class", "class", "mean test MSE per pixel"};
    c.key = "top left";
    bar_chart(
        out + "/mse_by_class.png", c, data.class_names, {"deep AE", "PCA (same Z)"},
        {per_class_mean(r.error, data.test.labels), per_class_mean(b.pca_err, data.test.labels)});
}

void write_results(const std::string& out, const Options& opt, const DataSplit& data,
                   Autoencoder& model, const Baselines& b, const Results& r, double ae_mse,
                   const Timer& total) {
    const History& h = r.history;
    save_history_csv(out + "/history.csv", h, "train_loss", {"test_loss", "test_mse"});
    Json summary = run_summary("02_deep_ae", data);
    summary.set("model", model.config.describe())
        .set("latent", model.config.latent)
        .set("loss", loss_name(model.config.loss));
    set_training(summary, opt, (long long)h.epochs.size())
        .set("test_mse_mean_image", b.mean_mse)
        .set("test_mse_pca", b.pca_mse)
        .set("test_mse_deep_ae", ae_mse)
        .set("ae_vs_pca_relative_gap", ae_mse / b.pca_mse - 1)
        .set("test_mse_per_epoch", h.metric("test_mse"))
        .set("train_loss_per_epoch", h.train_loss())
        .set("model_path", r.model_path)
        .set("train_seconds", h.total_seconds())
        .set("seconds", total.seconds());
    // The whole configuration, so that any two runs can be compared (./workshop compare).
    std::vector<double> hidden;
    for (size_t w : model.config.hidden) hidden.push_back(double(w));
    const ExperimentFlags& f = r.flags;
    summary.set("hidden", hidden)
        .set("activation", model.config.activation)
        .set("code_activation", model.config.code_activation)
        .set("tied", model.config.tied)
        .set("dropout", double(model.config.dropout))
        .set("optimizer", f.optimizer)
        .set("momentum", f.optimizer == "momentum" ? double(f.momentum) : 0.0)
        .set("weight_decay", double(f.weight_decay))
        .set("device", opt.device)
        .set("parameters", count_parameters(model.params()))
        .set("quick", opt.quick)
        .set("layerwise", f.layerwise)
        .set("fine_tune_epochs", f.fine_tune);
    if (r.dead_units >= 0) summary.set("dead_code_units", double(r.dead_units));
    finish_run(summary, out, total);
}

}  // namespace

void print_model(Autoencoder& model, const std::string& loaded_from) {
    std::cout << describe_model(model, loaded_from);
}

void report(const Options& opt, bool default_run, const DataSplit& data, Autoencoder& model,
            const Baselines& b, const Results& r, const Timer& total) {
    const std::string& out = opt.out;
    const double ae_mse = mean_of(r.error);
    const size_t k = b.pca.components.shape()[0];
    std::printf("\nResults (Z = %zu, %s loss, %zu epochs, %.1fs training):\n", model.config.latent,
                loss_name(model.config.loss).c_str(), r.history.epochs.size(),
                r.history.total_seconds());
    std::printf(
        "  test MSE per pixel   mean image %.5f   PCA-%zu %.5f   deep AE %.5f (%+.1f%% vs PCA)\n",
        b.mean_mse, k, b.pca_mse, ae_mse, 100 * (ae_mse / b.pca_mse - 1));
    std::printf("  deep AE test MSE: %s\n",
                kExpected.against("test_mse_deep_ae", ae_mse, default_run).c_str());
    std::printf("  PCA-%zu test MSE:  %s\n", k,
                kExpected.against("test_mse_pca", b.pca_mse, default_run).c_str());
    if (r.dead_units >= 0)
        std::printf("  dead code units (ReLU code, never active on the test set): %ld of %zu\n",
                    r.dead_units, model.config.latent);

    make_dirs(out);
    if (!r.history.epochs.empty())
        curves(out, r.history, loss_name(model.config.loss), b.pca_mse, b.mean_mse);
    pictures(out, data, model, b, r);
    save_npy(out + "/test_codes.npy", r.test_codes);
    if (r.saved) std::printf("  model saved to %s\n", r.model_path.c_str());
    write_results(out, opt, data, model, b, r, ae_mse, total);
}

}  // namespace ae::l02
