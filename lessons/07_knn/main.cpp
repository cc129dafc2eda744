// Lesson 07 program: k-nearest neighbours on raw pixels, PCA codes, deep-AE codes and VAE means,
// with all 60,000 labels and with only a few labels per class. Run: ./workshop run 07 [--quick]
// [--k 5] [--per-class 100] [--draws 5]  (--help: every flag). Pictures, their numbers and
// summary.json go to out/07_knn/ (report.cpp).
#include <algorithm>
#include <cmath>
#include <iostream>

#include "02_deep_ae/lesson.hpp"
#include "05_vae/lesson.hpp"
#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "ae/run_record.hpp"  // mean_sd
#include "lesson.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l07;

namespace {

// All labels: one search with the largest K, then votes with every k (cheap: no new search).
Result full_search(const Representation& rep, const DataSplit& data, const Flags& f) {
    Result r;
    Timer t;
    const Neighbours nb =
        k_nearest(rep.test, rep.train, std::max<size_t>(f.k, size_t(kValues.back())), f.block);
    r.seconds = t.seconds();
    const Labels pred = knn_vote(nb, data.train.labels, f.k);
    r.acc_all = accuracy(pred, data.test.labels);
    r.confusion = confusion_matrix(pred, data.test.labels);
    for (double k : kValues)
        r.acc_by_k.push_back(
            accuracy(knn_vote(nb, data.train.labels, size_t(k)), data.test.labels));
    return r;
}

// Few labels: per_class random labelled images per class are the only references, `draws` times.
void few_labels(const std::vector<Representation>& reps, std::vector<Result>& res,
                const DataSplit& data, const Flags& f, uint64_t seed) {
    Rng rng(seed);
    for (size_t d = 0; d < f.draws; ++d) {
        const std::vector<size_t> idx = labelled_subset(data.train.labels, f.per_class, rng);
        const Labels labels = gather(data.train.labels, idx);
        for (size_t r = 0; r < reps.size(); ++r)
            res[r].few.push_back(
                accuracy(knn_classify(gather_rows(reps[r].train, idx), labels, reps[r].test, f.k),
                         data.test.labels));
    }
    for (auto& r : res) {  // mean and sample standard deviation over the draws
        const MeanSd m = mean_sd(r.few);
        r.few_mean = m.mean, r.few_std = m.sd;
    }
}

// Returns the checkpoint options: a checkpoint the user named must load (no silent fallback).
std::pair<CLI::Option*, CLI::Option*> add_flags(CLI::App& app, Flags& f) {
    app.add_option("--k", f.k, "neighbours that vote")
        ->check(whole_flag(1, 100, "neighbours that vote"));
    app.add_option("--per-class", f.per_class, "labels per class in the few-label runs")
        ->check(whole_flag(1, 6000, "labels per class; a class has 6,000 training images"));
    app.add_option("--draws", f.draws, "random draws of the few labels")
        ->check(whole_flag(1, 100, "random draws of the few labels"));
    app.add_option("--block", f.block, "queries per distance block (memory: block x 60,000 floats)")
        ->check(whole_flag(1, 1 << 20, "queries per distance block"));
    app.add_flag("--retrain", f.retrain,
                 "ignore the checkpoints: train both models here (--epochs)");
    // Checked with the flags, not after the full-label runs: k neighbours among the few labels.
    app.parse_complete_callback([&f] {
        if (f.k > f.per_class * 10)
            throw CLI::ValidationError(
                "--k", "got " + std::to_string(f.k) + " with --per-class " +
                           std::to_string(f.per_class) + ": the few-label runs have " +
                           std::to_string(f.per_class * 10) + " labelled images (" +
                           std::to_string(f.per_class) +
                           " per class), fewer than k; lower --k or raise --per-class");
    });
    const char* why = "(the default: trained here when missing; a path you name must load)";
    return {app.add_option("--ae-model", f.ae_model, std::string("lesson 02 checkpoint ") + why),
            app.add_option("--vae-model", f.vae_model, std::string("lesson 05 checkpoint ") + why)};
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 5;  // only for models trained here (no checkpoint)
        defaults.quick_epochs = 3;
        defaults.batch_size = 128;
        defaults.latent = 32;  // PCA components
        CommandLine cli({"07", "07_knn", "Lesson 07: k-nearest neighbours on the latent space"},
                        defaults);
        Flags f;
        f.ae_model = l02::default_model_path(), f.vae_model = l05::default_vae_checkpoint();
        const auto [model_flag, vae_flag] = add_flags(cli.app(), f);
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        Timer total;
        if (opt.device == "cuda") std::cout << "note: lesson 07 runs on the CPU (BLAS GEMMs).\n";
        check_exercise_written();
        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";

        // Four views of the same images; the learned ones saw no label.
        QuickTraining qt{train_spec(opt, ""), f.retrain};
        qt.spec.device = "cpu";  // the models trained here are small (see the note above)
        std::vector<Representation> reps;
        reps.push_back(raw_pixels(data));
        reps.push_back(pca_codes(data, size_t(opt.latent)));
        reps.push_back(ae_codes(data, {f.ae_model, model_flag->count() > 0}, qt));
        reps.push_back(vae_means(data, {f.vae_model, vae_flag->count() > 0}, qt));

        std::vector<Result> res;
        for (const auto& rep : reps) res.push_back(full_search(rep, data, f));
        const double direct = direct_loop_seconds(reps[0].test, reps[0].train, 20);
        // The README's ranges: full data, default flags, both models from their checkpoints.
        bool default_run = cli.default_run(data);
        for (const auto& rep : reps) default_run &= rep.source.rfind("trained here", 0) != 0;
        print_all_labels(reps, res, data, f, direct, default_run);
        few_labels(reps, res, data, f, opt.seed);
        report(opt, f, default_run, data, reps, res, direct, total);
        return 0;
    });
}
