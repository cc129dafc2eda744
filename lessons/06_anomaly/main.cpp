// Lesson 06 program: the one-class protocol on Fashion-MNIST. For each class c, train on the
// training images of c only, score all test images (c is normal, the rest anomalous) and judge
// each score by its AUC and by a threshold chosen on normal images. Run: ./workshop run 06
// [--quick] [--normal-class 6] [--epochs 10] [--no-vae]  (--help: every flag). Pictures, numbers
// and summary.json go to out/06_anomaly/ (report.cpp).
#include <cstdio>
#include <iostream>
#include <utility>

#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l06;

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 10;  // per-class models: 6,000 images each
        defaults.quick_epochs = 5;
        defaults.batch_size = 128;
        defaults.latent = 32;  // PCA components and the AE's code
        CommandLine cli({"06", "06_anomaly", "Lesson 06: anomaly detection (one-class protocol)"},
                        defaults);
        Flags f;
        auto& app = cli.app();
        app.add_option("--normal-class", f.normal_class, "the normal class 0-9 (-1: all ten)")
            ->check(whole_flag(-1, 9, "a class 0-9, or -1 for all ten"));
        app.add_option("--fpr", f.fpr, "false-positive rate the threshold is chosen for")
            ->check(real_flag(0, 0.99, "a false-positive rate"));
        app.add_flag("--no-vae", f.no_vae, "skip the VAE (PCA and the deep AE only)");
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        Timer total;
        if (opt.device == "cuda")
            std::cout << "note: lesson 06 runs on the CPU (one-class models of 6,000 images are "
                         "small).\n";
        check_exercise_written();
        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        make_dirs(opt.out);

        TrainSpec spec = train_spec(opt, "");
        spec.device = "cpu", spec.fit.verbose = false;
        Table table;
        for (int c = 0; c < 10; ++c) {
            if (f.normal_class >= 0 && f.normal_class != c) continue;
            // Train on class c alone; every test image of another class is an anomaly.
            const Matrix normal = select_classes(data.train, {c}).images;
            const Labels anomalous = anomalous_unless(data.test.labels, c);
            std::printf("class %d %-12s (%zu normal training images)\n", c,
                        data.class_names[c].c_str(), normal.shape()[0]);
            std::vector<Scored> sc{pca_detector(normal, data.test.images, size_t(opt.latent))};
            spec.fit.name = "deep AE, class " + std::to_string(c);
            for (auto& s : ae_detector(normal, data.test.images, size_t(opt.latent), spec))
                sc.push_back(std::move(s));
            if (!f.no_vae) {
                spec.fit.name = "VAE, class " + std::to_string(c);
                for (auto& s : vae_detector(normal, data.test.images, spec))
                    sc.push_back(std::move(s));
            }
            // Your steps 2-4 judge each score: ROC, AUC both ways, threshold at f.fpr.
            std::vector<Outcome> oc;
            for (const auto& s : sc) oc.push_back(evaluate(s, anomalous, f.fpr));
            report_class(opt.out, c, data, std::move(sc), std::move(oc), anomalous, f.fpr, table);
        }
        // The README's ranges are for all ten classes on the full data with the default flags.
        report(opt, f, cli.default_run(data), data, table, total);
        return 0;
    });
}
