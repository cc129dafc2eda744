// Tests of the IDX reader and data loader, including damaged files: each error must name the
// file and say what is wrong.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "ae/data.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "test_files.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace ae;

namespace {

std::string images_bytes(uint32_t n, uint32_t rows, uint32_t cols, size_t payload) {
    return test::be32(0x803) + test::be32(n) + test::be32(rows) + test::be32(cols) +
           std::string(payload, char(255));
}

template <class F>
std::string error_of(F f) {
    return test::error_of<DataError>(f);
}

}  // namespace

TEST_CASE("common data: reads the committed sample, 500/100 images per class, pixels in [0, 1]") {
    DataRequest req;
    req.sample = true;
    const DataSplit d = load_data(req);
    CHECK(d.is_sample);
    CHECK(d.train.size() == 5000);
    CHECK(d.test.size() == 1000);
    CHECK(d.train.dim() == 784);
    CHECK(xt::amin(d.train.images)() >= 0.f);
    CHECK(xt::amax(d.train.images)() == doctest::Approx(1.f));
    std::vector<int> count(10, 0);
    for (int l : d.train.labels) count.at(l)++;
    for (int c : count) CHECK(c == 500);
    // Fashion-MNIST's mean pixel is 0.286; a balanced sample lands close to it.
    CHECK(xt::mean(d.train.images)() == doctest::Approx(0.286).epsilon(0.05));
    CHECK(d.class_names.size() == 10);
}

TEST_CASE("common data: plain and gzip IDX files give the same images") {
    const std::string dir = test::fresh_dir("data-plain");
    const std::string bytes = test::be32(0x803) + test::be32(2) + test::be32(2) + test::be32(2) +
                              std::string("\x00\xff\x80\x01\x02\x03\x04\x05", 8);
    test::write_raw(dir + "/a", bytes);
    test::write_gz(dir + "/a.gz", bytes);
    size_t rows = 0, cols = 0;
    const Matrix a = read_idx_images(dir + "/a", &rows, &cols), b = read_idx_images(dir + "/a.gz");
    CHECK(rows == 2);
    CHECK(cols == 2);
    CHECK(a.shape()[0] == 2);
    CHECK(a.shape()[1] == 4);
    CHECK(a == b);
    CHECK(a(0, 1) == doctest::Approx(1.0));
    CHECK(a(0, 2) == doctest::Approx(128.0 / 255.0));
    fs::remove_all(dir);
}

TEST_CASE("common data: damaged IDX files are clear errors naming the file") {
    const std::string dir = test::fresh_dir("data-damaged");
    SUBCASE("missing file: says where and how to install") {
        const std::string msg = error_of([&] { read_idx_images(dir + "/nope.gz"); });
        CHECK(msg.find(dir + "/nope.gz") != std::string::npos);
        CHECK(msg.find("not found") != std::string::npos);
        CHECK(msg.find("apt-get install dataset-fashion-mnist") != std::string::npos);
    }
    SUBCASE("wrong magic number (a label file read as images)") {
        test::write_gz(dir + "/labels.gz", test::be32(0x801) + test::be32(3) + "\x01\x02\x03");
        const std::string msg = error_of([&] { read_idx_images(dir + "/labels.gz"); });
        CHECK(msg.find("magic number is 0x801, expected 0x803") != std::string::npos);
        CHECK(msg.find(dir + "/labels.gz") != std::string::npos);
    }
    SUBCASE("truncated payload") {
        test::write_gz(dir + "/short.gz", images_bytes(10, 28, 28, 784 * 3));
        const std::string msg = error_of([&] { read_idx_images(dir + "/short.gz"); });
        CHECK(msg.find("truncated") != std::string::npos);
        CHECK(msg.find("expected 7840 bytes") != std::string::npos);
        CHECK(msg.find("found 2352") != std::string::npos);
    }
    SUBCASE("truncated header") {
        test::write_gz(dir + "/hdr.gz", test::be32(0x803) + "\x00\x00");
        CHECK(error_of([&] { read_idx_images(dir + "/hdr.gz"); }).find("truncated") !=
              std::string::npos);
    }
    SUBCASE("extra bytes after the promised images") {
        test::write_gz(dir + "/long.gz", images_bytes(1, 2, 2, 6));
        CHECK(error_of([&] { read_idx_images(dir + "/long.gz"); }).find("unexpected bytes") !=
              std::string::npos);
    }
    SUBCASE("a corrupt gzip stream") {
        // Varied pixels, so the compressed stream is long enough to damage in its middle.
        std::string payload(50 * 784, '\0');
        for (size_t i = 0; i < payload.size(); ++i) payload[i] = char((i * 2654435761u) >> 13);
        test::write_gz(dir + "/ok.gz", test::be32(0x803) + test::be32(50) + test::be32(28) +
                                           test::be32(28) + payload);
        std::string gz = read_text(dir + "/ok.gz");
        REQUIRE(gz.size() > 1000);
        for (size_t i = gz.size() / 3; i < gz.size() / 3 + 64; ++i) gz[i] = char(gz[i] ^ 0x5a);
        test::write_raw(dir + "/bad.gz", gz);
        const std::string msg = error_of([&] { read_idx_images(dir + "/bad.gz"); });
        CHECK(msg.find(dir + "/bad.gz") != std::string::npos);
        CHECK((msg.find("damaged") != std::string::npos ||
               msg.find("truncated") != std::string::npos));
    }
    SUBCASE("label out of range") {
        test::write_gz(dir + "/l.gz", test::be32(0x801) + test::be32(2) + "\x01\x0c");
        CHECK(error_of([&] { read_idx_labels(dir + "/l.gz"); }).find("label 12 at position 1") !=
              std::string::npos);
    }
    SUBCASE("images and labels of different lengths") {
        test::write_gz(dir + "/train-images-idx3-ubyte.gz", images_bytes(3, 28, 28, 3 * 784));
        test::write_gz(dir + "/train-labels-idx1-ubyte.gz",
                       test::be32(0x801) + test::be32(2) + "\x01\x02");
        test::write_gz(dir + "/t10k-images-idx3-ubyte.gz", images_bytes(3, 28, 28, 3 * 784));
        test::write_gz(dir + "/t10k-labels-idx1-ubyte.gz",
                       test::be32(0x801) + test::be32(3) + "\x01\x02\x03");
        DataRequest req;
        req.dir = dir;
        const std::string msg = error_of([&] { load_data(req); });
        CHECK(msg.find("has 3 images but") != std::string::npos);
        CHECK(msg.find("has 2 labels") != std::string::npos);
    }
    SUBCASE("--data-dir without the files") {
        DataRequest req;
        req.dir = dir + "/empty";
        const std::string msg = error_of([&] { load_data(req); });
        CHECK(msg.find("--data-dir " + dir + "/empty") != std::string::npos);
        CHECK(msg.find("apt-get install dataset-fashion-mnist") != std::string::npos);
    }
    fs::remove_all(dir);
}

TEST_CASE("common data: class selection and balanced subsets") {
    Dataset ds;
    ds.images = xt::zeros<float>({size_t{6}, size_t{4}});
    for (size_t i = 0; i < 6; ++i) ds.images(i, 0) = static_cast<float>(i);
    ds.labels = {0, 1, 0, 2, 1, 0};
    ds.rows = 2, ds.cols = 2;
    const Dataset only0 = select_classes(ds, {0});
    CHECK(only0.labels == Labels{0, 0, 0});
    CHECK(only0.images(2, 0) == 5.f);
    CHECK((only0.rows == 2 && only0.cols == 2));  // the image size travels with the rows
    const Dataset one_each = balanced_subset(ds, 1);
    CHECK(one_each.labels == Labels{0, 1, 2});
    CHECK(one_each.images(2, 0) == 3.f);
}

TEST_CASE("common data: max_train and max_test keep the first images with their labels") {
    DataRequest all;
    all.sample = true;
    DataRequest first = all;
    first.max_train = 64, first.max_test = 10;
    const DataSplit a = load_data(all), f = load_data(first);
    REQUIRE(f.train.size() == 64);
    REQUIRE(f.test.size() == 10);
    CHECK(f.train.images == xt::view(a.train.images, xt::range(0, 64), xt::all()));
    CHECK(f.test.images == xt::view(a.test.images, xt::range(0, 10), xt::all()));
    CHECK(f.train.labels == Labels(a.train.labels.begin(), a.train.labels.begin() + 64));
    CHECK((f.train.rows == 28 && f.train.cols == 28));
}

TEST_CASE(
    "common data: images that are not 28x28, or none, are refused at the header with their shape") {
    const std::string dir = test::fresh_dir("data-shape");
    DataRequest request;
    request.dir = dir;
    const std::string train = dir + "/train-images-idx3-ubyte.gz";
    test::write_gz(dir + "/t10k-images-idx3-ubyte.gz", images_bytes(1, 28, 28, 784));
    SUBCASE("32x32 images") {
        test::write_gz(train, images_bytes(2, 32, 32, 2 * 32 * 32));
        const std::string msg = error_of([&] { load_data(request); });
        CHECK_MESSAGE(msg.find(train + " holds 2 images of 32x32, expected images of 28x28") !=
                          std::string::npos,
                      msg);
    }
    SUBCASE("a set of 0 images") {
        test::write_gz(train, images_bytes(0, 28, 28, 0));
        const std::string msg = error_of([&] { load_data(request); });
        CHECK_MESSAGE(msg.find(train + " holds 0 images of 28x28, expected at least one image") !=
                          std::string::npos,
                      msg);
    }
    SUBCASE("a 1 MB .gz claiming 64 images of 4096x4096: refused before reading, with the bound") {
        std::mt19937 gen(1);  // incompressible bytes, so the file is as large as deflate needs
        std::string noise(1100000, '\0');
        for (char& c : noise) c = char(gen());
        test::write_gz(dir + "/huge.gz", images_bytes(64, 4096, 4096, 0) + noise);
        const std::string msg = error_of([&] { read_idx_images(dir + "/huge.gz"); });
        CHECK_MESSAGE((msg.find("64 images of 4096x4096") != std::string::npos &&
                       msg.find(std::to_string(kMaxIdxPixels)) != std::string::npos),
                      msg);
    }
    fs::remove_all(dir);
}

TEST_CASE("common data: an earlier lesson's output is found in the repository from any folder") {
    namespace fs = std::filesystem;
    const fs::path before = fs::current_path();
    const fs::path repo = fs::path(ae::sample_data_dir()).parent_path().parent_path();
    const std::string rel = "out/02_deep_ae/model.ckpt";
    fs::current_path(repo);
    const std::string at_root = ae::repo_output(rel);
    const test::TempDir elsewhere("cwd");
    fs::current_path(elsewhere.path());
    const std::string away = ae::repo_output(rel);
    fs::current_path(before);
    CHECK_MESSAGE(at_root == rel, "from the repository root the path stays as given");
    CHECK_MESSAGE(fs::path(away).is_absolute(),
                  "from another folder: an absolute path, got " << away);
    CHECK_MESSAGE(fs::path(away) == repo / rel,
                  "from another folder: the repository's file, got " << away);
}

TEST_CASE("common data: the first image of each class, in class order, a missing class skipped") {
    ae::Dataset ds;
    ds.images = ae::Matrix({7, 2});
    ds.labels = {3, 1, 3, 0, 1, 9, 0};
    const std::vector<size_t> idx = ae::first_of_each_class(ds);
    CHECK(idx == std::vector<size_t>{3, 1, 0, 5});
    ds.labels.assign(7, 4);
    CHECK(ae::first_of_each_class(ds) == std::vector<size_t>{0});
}
