// Common flags, --help and the error-to-exit-code mapping (see ae/cli.hpp).
#include "ae/cli.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <utility>

#include "ae/device.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "ae/progress.hpp"
#include "ae/training.hpp"

namespace ae {

Options lesson_defaults(int epochs, int quick_epochs, int batch_size, int latent, float lr) {
    Options o;
    o.epochs = epochs, o.quick_epochs = quick_epochs, o.batch_size = batch_size;
    o.latent = latent, o.lr = lr;
    return o;
}

DataRequest Options::data_request() const {
    DataRequest r;
    r.dir = data_dir;
    r.sample = quick;
    r.max_train = train_limit;
    return r;
}

namespace {

// The text of a flag's value as a number, or false: the whole text must be the number.
bool flag_parse_whole(const std::string& text, long long& value) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
    errno = 0;
    char* end = nullptr;
    value = std::strtoll(text.c_str(), &end, 10);
    return errno == 0 && end == text.c_str() + text.size();
}

// A whole number in [lo, hi]; the message names the flag (CLI11 puts it first), the value and
// the accepted range, and what the flag means.
CLI::Validator flag_whole_number(long long lo, long long hi, const std::string& meaning) {
    const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            long long v = 0;
            if (flag_parse_whole(text, v) && v >= lo && v <= hi) return "";
            return "got " + text + ", expected a whole number from " + std::to_string(lo) + " to " +
                   std::to_string(hi) + " (" + meaning + ")";
        },
        range);
}

// --train-limit: 0 (all) or enough images for every lesson's baselines (PCA with 100
// components, 10 classes, one-class subsets): from kMinTrainImages on.
constexpr long long kMinTrainImages = 1000;
CLI::Validator flag_train_limit() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            long long v = 0;
            if (flag_parse_whole(text, v) && (v == 0 || (v >= kMinTrainImages && v <= 1000000000)))
                return "";
            return "got " + text + ", expected 0 (all training images) or a whole number from " +
                   std::to_string(kMinTrainImages) +
                   " to 1000000000 (fewer images cannot fill every lesson's baselines)";
        },
        "0 or " + std::to_string(kMinTrainImages) + "..");
}

// A seed: any whole number from 0 to 2^64 - 1.
CLI::Validator flag_seed() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            errno = 0;
            char* end = nullptr;
            if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
                std::strtoull(text.c_str(), &end, 10);
                if (errno == 0 && end == text.c_str() + text.size()) return "";
            }
            return "got " + text + ", expected a whole number from 0 to 18446744073709551615";
        },
        "0..2^64-1");
}

// A learning rate: finite and above 0 (NaN, inf, 0 and negatives cannot train anything).
CLI::Validator flag_learning_rate() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            errno = 0;
            char* end = nullptr;
            const double v = text.empty() ? 0 : std::strtod(text.c_str(), &end);
            const bool number = !text.empty() &&
                                !std::isspace(static_cast<unsigned char>(text[0])) &&
                                end == text.c_str() + text.size();
            if (number && errno == 0 && std::isfinite(v) && v > 0 &&
                std::isfinite(static_cast<float>(v)) && static_cast<float>(v) > 0)
                return "";
            return "got " + text + ", expected a finite number above 0 (e.g. 1e-3)";
        },
        "> 0");
}

bool env_has_images(const std::filesystem::path& dir) {
    std::error_code ec;
    return std::filesystem::exists(dir / "train-images-idx3-ubyte.gz", ec) ||
           std::filesystem::exists(dir / "train-images-idx3-ubyte", ec);
}

}  // namespace

CommandLine::CommandLine(const LessonInfo& info, Options defaults)
    : info_(info), opt_(std::move(defaults)), app_(info.title) {
    if (opt_.out.empty()) opt_.out = "out/" + info.folder;
    app_.footer(
        "Data: --data-dir, then $AE_DATA_DIR, then /usr/share/datasets/fashion-mnist, then the\n"
        "committed sample in data/. Pictures and summary.json go to --out.\n"
        "Exit codes: 0 ok, 1 error, 2 bad flag or exercise not written yet, 3 training diverged.");
    // Every range below is one the programs can honour; each is checked before any data loads.
    epochs_flag_ = app_.add_option("--epochs", opt_.epochs, "passes over the training set")
                       ->capture_default_str()
                       ->check(flag_whole_number(0, 100000, "passes over the training set"));
    app_.add_option("--batch-size", opt_.batch_size, "examples per optimisation step")
        ->capture_default_str()
        ->check(flag_whole_number(1, 1 << 20, "examples per optimisation step"));
    app_.add_option("--lr", opt_.lr, "learning rate")
        ->capture_default_str()
        ->check(flag_learning_rate());
    app_.add_option("--latent", opt_.latent, "size Z of the code (bottleneck)")
        ->capture_default_str()
        ->check(flag_whole_number(
            1, opt_.max_latent,
            "the code cannot be wider than the input, D = " + std::to_string(opt_.max_latent)));
    app_.add_option("--seed", opt_.seed, "random seed (same seed, same run)")
        ->capture_default_str()
        ->check(flag_seed());
    app_.add_option("--data-dir", opt_.data_dir, "folder with the IDX files (default: search)");
    app_.add_option("--out", opt_.out, "output folder")->capture_default_str();
    app_.add_option("--device", opt_.device, "auto, cpu or cuda")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    app_.add_option("--train-limit", opt_.train_limit,
                    "use only the first N training images (0 = all)")
        ->capture_default_str()
        ->check(flag_train_limit());
    app_.add_flag("--quick", opt_.quick,
                  "small run on the committed data sample (" + std::to_string(opt_.quick_epochs) +
                      " epochs unless --epochs is given)");
    app_.add_flag("--no-progress", opt_.no_progress, "no progress bars");
    app_.add_flag_callback(
        "--verbose", [] { set_verbose(true); },
        "more detail, e.g. CUDA's own error text when no GPU is used (or AE_VERBOSE=1)");
}

int CommandLine::parse(int argc, char** argv) {
    try {
        app_.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app_.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app_.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "error: " << e.what() << "\n\n" << app_.help() << std::flush;
        return 2;
    }
    if (opt_.quick && epochs_flag_->count() == 0) opt_.epochs = opt_.quick_epochs;
    if (opt_.no_progress) set_progress_enabled(false);
    if (const std::string notes = environment_notes(opt_); !notes.empty()) std::cout << notes;
    // Before any work: an --out that is a file or read-only fails now, not after training.
    try {
        check_writable_dir(opt_.out);
    } catch (const Error& e) {
        std::cerr << "error (--out): " << e.what() << "\n";
        return 1;
    }
    return -1;
}

std::string environment_notes(const Options& o) {
    const char* env = std::getenv("AE_DATA_DIR");
    if (!env || !*env || !o.data_dir.empty() || o.quick) return "";
    std::error_code ec;
    const std::filesystem::path dir(env);
    std::string why;
    if (!std::filesystem::exists(dir, ec))
        why = "it does not exist";
    else if (!std::filesystem::is_directory(dir, ec))
        why = "it is not a folder";
    else if (!env_has_images(dir))
        why = "it has no train-images-idx3-ubyte(.gz)";
    if (why.empty()) return "";
    return "note: AE_DATA_DIR=" + std::string(env) + " is ignored: " + why +
           ". Looking in the other places instead (--help: Data).\n";
}

int guarded_main(const std::function<int()>& body) {
    keep_freed_memory();
    try {
        return body();
    } catch (const NotImplemented& e) {
        std::cerr << "\n" << e.what() << "\n";
        return 2;
    } catch (const TrainingDiverged& e) {
        std::cerr << "\nerror: " << e.what() << "\n";
        return 3;
    } catch (const std::exception& e) {
        std::cerr << "\nerror: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace ae
