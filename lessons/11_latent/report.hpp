// Lesson 11, the report of one run: the terminal tables, kmeans.png (scores per representation),
// the t-SNE and PCA-2 maps with their trustworthiness, the invariance curves, the decoded random
// codes, the arithmetic and traversal grids, the CSV files and summary.json. main.cpp is the
// experiment; nothing here clusters or maps.
#pragma once
#include <string>
#include <vector>

#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l11 {

// What the experiment measured.
struct Results {
    std::vector<std::string> names;         // one per clustered representation (+ "t-SNE map")
    std::vector<ClusterScore> raw, scaled;  // k-means on the codes as they are / standardised
    Matrix tsne_map, pca_map;               // (points, 2), both of the deep AE's codes
    double trust_tsne = 0, trust_pca = 0;
    double tsne_seconds = 0, kmeans_seconds = 0;
    std::vector<std::string> model_from;
    Invariance invariance;
    std::vector<ModelCodes> stats;  // per model
    Sampling sampling;
    Arithmetic arithmetic;
    Traversals traversals;
};

// Prints the tables, writes every picture, CSV and summary.json to opt.out.
void report(const Options& opt, const Flags& f, const DataSplit& data, const Labels& labels,
            const Results& r, const Timer& total);

}  // namespace ae::l11
