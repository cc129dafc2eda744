// Lesson 09 program: an autoencoder as a backbone. Pretrains a plain and a masked-image AE on
// every training image without labels, then, with 10, 100 and 1,000 labels per class, compares
// a classifier from scratch, linear probes and fine-tuning from each encoder, and kNN on codes.
// Run: ./workshop run 09 [--quick] [--labels 10,100] [--draws 3,3] (--help: all flags)
#include <cstdio>
#include <iostream>

#include "02_deep_ae/exercise.hpp"
#include "07_knn/lesson.hpp"
#include "ae/cli.hpp"
#include "ae/io.hpp"
#include "exercise.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l09;

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 5, defaults.quick_epochs = 2, defaults.batch_size = 64;
        CommandLine cli({"09", "09_backbone", "Lesson 09: an autoencoder as a backbone"}, defaults);
        std::vector<int> labels{10, 100, 1000}, draws{3, 3, 1};
        MaskSpec mask;
        Budget budget;
        std::string plain_path, masked_path;
        bool retrain = false;
        auto& app = cli.app();
        auto* lf = app.add_option("--labels", labels, "labels per class")
                       ->delimiter(',')
                       ->check(whole_flag(1, 6000, "labels per class"));
        auto* df = app.add_option("--draws", draws, "seeded draws per label count")
                       ->delimiter(',')
                       ->check(whole_flag(1, 100, "seeded draws per label count"));
        app.add_option("--mask-fraction", mask.fraction, "masked fraction of patches, in (0, 1)")
            ->check(real_flag(0, 1, "the masked fraction of patches", Ends::Open));
        app.add_option("--patch", mask.patch, "patch side in pixels (divides 28)")
            ->check(whole_flag(1, 28, "patch side in pixels, a divisor of 28"));
        auto* sf =
            app.add_option("--steps", budget.min_steps, "least optimiser steps per classifier run")
                ->check(whole_flag(1, 1000000, "least optimiser steps per classifier run"));
        auto* pf = app.add_option("--probe-steps", budget.probe_steps, "least steps of a probe")
                       ->check(whole_flag(1, 1000000, "least optimiser steps of a probe"));
        app.add_option("--head-lr", budget.head_lr, "Adam lr of new layers")
            ->check(learning_rate_flag());
        app.add_option("--encoder-lr", budget.encoder_lr,
                       "Adam lr of a fine-tuned pretrained encoder")
            ->check(learning_rate_flag());
        app.add_option("--ae-model", plain_path,
                       "lesson 02's model: a plain AE checkpoint (784-256-64-32, mse)");
        app.add_option("--masked-model", masked_path, "a masked AE checkpoint (same shape)");
        app.add_flag("--retrain", retrain, "ignore saved checkpoints, pretrain here");
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        if (opt.quick && lf->count() == 0) labels = {10, 100};
        if (opt.quick && df->count() == 0) draws = {2, 1};
        if (opt.quick && sf->count() == 0) budget.min_steps = 400;  // quick: a tenth, unfinished
        if (opt.quick && pf->count() == 0) budget.probe_steps = 1200;
        budget.batch = opt.batch_size;
        if (std::string bad = check_flags(labels, draws, mask); !bad.empty())
            return std::cerr << "error: " << bad << "\n", 2;
        Timer total;
        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        if (std::string bad = check_labels(labels, data.train.labels); !bad.empty())
            return std::cerr << "error: " << bad << "\n", 2;
        check_writable_dir(opt.out);

        Results r;
        r.labels = labels, r.draws = draws, r.budget = budget, r.mask = mask;
        l02::Autoencoder plain = obtain_backbone(plain_path, l02::default_model_path(), false, mask,
                                                 data, opt, retrain, r.plain_from);
        l02::Autoencoder masked =
            obtain_backbone(masked_path, "", true, mask, data, opt, retrain, r.masked_from);
        std::printf("Plain AE: %s\nMasked AE: %s\n", r.plain_from.c_str(), r.masked_from.c_str());
        const Matrix& test = data.test.images;
        const Matrix codes_test[2] = {l02::encode(plain, test), l02::encode(masked, test)};
        const Matrix curve_x = xt::view(test, xt::range(0, 2000), xt::all());
        const Labels curve_y(data.test.labels.begin(),
                             data.test.labels.begin() + curve_x.shape()[0]);
        l02::Autoencoder* pre[2] = {&plain, &masked};
        for (size_t li = 0; li < labels.size(); ++li)
            for (int d = 0; d < draws[li]; ++d) {
                const size_t per = size_t(labels[li]);
                Rng draw_rng(opt.seed + 1000 * per + size_t(d));
                const auto rows = l07::labelled_subset(data.train.labels, per, draw_rng);
                const Matrix x = gather_rows(data.train.images, rows);
                const Labels y = gather(data.train.labels, rows);
                const bool curves = d == 0;  // every trained method's curve, first draw
                auto fit = [&](const std::string& id, const l02::Autoencoder* p, bool frozen) {
                    Rng init(opt.seed + 7 * size_t(d));
                    Classifier c = make_classifier(backbone_config(), p, frozen, init);
                    auto curve =
                        train_classifier(c, x, y, budget, p == nullptr, opt.seed + size_t(d),
                                         curves ? curve_x : Matrix{}, curve_y);
                    if (!curve.empty()) r.curves[per][id] = curve;
                    r.add(id, per, l07::accuracy(predict(c, test), data.test.labels));
                };
                fit("scratch", nullptr, false);
                for (int k = 0; k < 2; ++k) {
                    const std::string which = k == 0 ? "plain" : "masked";
                    fit("probe_" + which, pre[k], true);
                    fit("finetune_" + which, pre[k], false);
                    const Matrix codes = l02::encode(*pre[k], x);
                    r.add("knn_" + which, per,
                          l07::accuracy(l07::knn_classify(codes, y, codes_test[k], 5),
                                        data.test.labels));
                }
                std::printf("%4zu labels per class, draw %d: %s\n", per, d + 1,
                            r.draw_line(per, size_t(d)).c_str());
            }
        report(opt, cli.default_run(data), data, plain, masked, r, total);
        return 0;
    });
}
