// Lesson 12 program: an autoencoder on tables. Anomalies in the Breast Cancer Wisconsin table
// (benign = normal), scored with your mixed loss and explained feature by feature, against
// PCA, Mahalanobis, kNN and an isolation forest over seeded splits; then missing values of the
// cars table filled by a masked autoencoder against mean/mode and iterative PCA.
// Run: ./workshop run 12 [--quick] [--csv FILE --label-column NAME] (--help: all flags)
#include <iostream>
#include <numeric>

#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "exercise.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l12;

namespace {

TrainSpec quiet_spec(const Options& opt, const std::string& name, uint64_t seed) {
    TrainSpec spec = train_spec(opt, name);
    spec.fit.seed = seed, spec.fit.verbose = false, spec.fit.progress = false;
    return spec;
}

void add(AnomalyResults& a, size_t m, const std::string& name, const std::vector<double>& s,
         const Labels& y) {
    if (a.methods.size() <= m) a.methods.push_back({name, {}, l06::roc_curve(s, y)});
    a.methods[m].auc.push_back(l06::auc_rank(s, y));
}

AnomalyResults detect(const Table& t, const Options& opt, const Settings& set) {
    AnomalyResults a;
    a.table = t;
    for (int s = 0; s < set.splits; ++s) {
        const uint64_t seed = opt.seed + uint64_t(s);
        const Split sp = anomaly_split(t.anomalous, set.train_fraction, seed);
        const Preprocessor p = fit_preprocessor(t, sp.train);  // the training rows alone
        const Encoded tr = encode(p, take_rows(t, sp.train).values);
        const Encoded te = encode(p, take_rows(t, sp.test).values);
        const Labels y = gather(t.anomalous, sp.test);
        TabularAE m = make_tabular_ae(p.dim, p.dim, size_t(set.hidden), size_t(opt.latent), seed);
        train_tabular_ae(m, p, tr, quiet_spec(opt, "tabular AE", seed));
        const Matrix contrib = contributions(p, m.forward(te.x), te.x, te.mask);
        std::vector<double> ae(contrib.shape()[0], 0.0);
        for (size_t i = 0; i < ae.size(); ++i) ae[i] = xt::sum(xt::row(contrib, long(i)))();
        add(a, 0, "autoencoder", ae, y);
        add(a, 1, "PCA", pca_scores(tr.x, te.x, size_t(opt.latent)), y);
        add(a, 2, "Mahalanobis", mahalanobis_scores(tr.x, te.x, set.ridge), y);
        add(a, 3, "kNN", knn_scores(tr.x, te.x, size_t(set.knn_k)), y);
        add(a, 4, "isolation forest",
            isolation_forest_scores(tr.x, te.x, size_t(set.trees), 256, seed), y);
        if (s > 0) continue;
        a.test_rows = sp.test, a.test_anomalous = y, a.scores = ae, a.contrib = contrib, a.prep = p;
    }
    return a;
}

ImputeResults impute(const Table& t, const Options& opt, const Settings& set) {
    ImputeResults r;
    r.table = take_rows(t, complete_rows(t));
    r.methods = {"mean/mode", "iterative PCA", "masked AE"};
    r.score.resize(3);
    std::vector<size_t> all(r.table.rows());
    std::iota(all.begin(), all.end(), 0);
    for (int s = 0; s < set.splits; ++s) {
        const uint64_t seed = opt.seed + uint64_t(s);
        const Table holed = hide_at_random(r.table, set.hide_rate, seed);
        const Preprocessor p = fit_preprocessor(holed, all);  // observed entries only
        const Encoded e = encode(p, holed.values), truth = encode(p, r.table.values);
        const Matrix hidden = truth.mask - e.mask;
        r.score[0].push_back(score_imputation(p, mean_mode_fill(p, e), truth.x, hidden));
        const PcaFill f =
            iterative_pca_fill(p, e, size_t(set.pca_max_k), size_t(set.pca_max_rounds), seed);
        r.pca_k.push_back(f.k), r.pca_rounds.push_back(f.rounds);
        r.score[1].push_back(score_imputation(p, f.filled, truth.x, hidden));
        TabularAE m =
            make_tabular_ae(2 * p.dim, p.dim, size_t(set.hidden), size_t(opt.latent), seed);
        train_masked_ae(m, p, e, set.mask_rate, quiet_spec(opt, "masked AE", seed));
        const Matrix filled = fill_missing(p, e.x, e.mask, masked_reconstruct(m, e));
        r.score[2].push_back(score_imputation(p, filled, truth.x, hidden));
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults = lesson_defaults(300, 60, 32, 4, 3e-3f);
        defaults.max_latent = 64;
        CommandLine cli({"12", "12_tabular", "Lesson 12: tabular data (anomalies, imputation)"},
                        defaults);
        Settings set;
        add_flags(cli.app(), set);
        cli.without({"--data-dir", "--train-limit", "--device"},
                    "Data: data/tabular/breast_cancer.csv (anomalies) and data/tabular/cars.csv\n"
                    "(imputation), or your own tables with --csv and --impute-csv. Pictures and\n"
                    "summary.json go to --out. The models train on the CPU.");
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        if (int rc = check_settings(set); rc >= 0) return rc;
        const Options& opt = cli.options();
        check_exercise_written();
        Timer total;

        const bool own_csv = !set.csv.empty();
        Table t, cars;
        try {  // a damaged table is a usage error: exit 2, before anything is written
            t = read_table(
                own_csv ? set.csv : tabular_data_path("breast_cancer.csv"),
                {own_csv ? set.label_column : "diagnosis", set.normal_label, set.categorical});
            cars =
                read_table(set.impute_csv.empty() ? tabular_data_path("cars.csv") : set.impute_csv,
                           {"", "",
                            set.impute_csv.empty() ? std::vector<std::string>{"Cylinders"}
                                                   : set.impute_categorical});
        } catch (const DataError& e) {
            std::cerr << e.what() << "\n";
            return 2;
        }
        print_data(t, cars);

        const AnomalyResults a = detect(t, opt, set);
        const ImputeResults im = impute(cars, opt, set);
        // The README's ranges: the committed tables with every flag at its default.
        report(opt, cli.changed_flags().empty(), set, a, im, total);
        return 0;
    });
}
