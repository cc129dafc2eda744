// Common flags, --help and the error-to-exit-code mapping (see ae/cli.hpp).
#include "ae/cli.hpp"

#include <cstdio>
#include <iostream>
#include <utility>

#include "ae/device.hpp"
#include "ae/error.hpp"
#include "ae/progress.hpp"
#include "ae/training.hpp"

namespace ae {

DataRequest Options::data_request() const {
    DataRequest r;
    r.dir = data_dir;
    r.sample = quick;
    r.max_train = train_limit;
    return r;
}

CommandLine::CommandLine(const LessonInfo& info, Options defaults)
    : info_(info), opt_(std::move(defaults)), app_(info.title) {
    if (opt_.out.empty()) opt_.out = "out/" + info.folder;
    app_.footer(
        "Data: --data-dir, then $AE_DATA_DIR, then /usr/share/datasets/fashion-mnist, then the\n"
        "committed sample in data/. Pictures and summary.json go to --out.\n"
        "Exit codes: 0 ok, 1 error, 2 bad flag or exercise not written yet, 3 training diverged.");
    epochs_flag_ = app_.add_option("--epochs", opt_.epochs, "passes over the training set")
                       ->capture_default_str()
                       ->check(CLI::Range(0, 100000));
    app_.add_option("--batch-size", opt_.batch_size, "examples per optimisation step")
        ->capture_default_str()
        ->check(CLI::Range(1, 1 << 20));
    app_.add_option("--lr", opt_.lr, "learning rate")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app_.add_option("--latent", opt_.latent, "size Z of the code (bottleneck)")
        ->capture_default_str()
        ->check(CLI::Range(1, 4096));
    app_.add_option("--seed", opt_.seed, "random seed (same seed, same run)")
        ->capture_default_str();
    app_.add_option("--data-dir", opt_.data_dir, "folder with the IDX files (default: search)");
    app_.add_option("--out", opt_.out, "output folder")->capture_default_str();
    app_.add_option("--device", opt_.device, "auto, cpu or cuda")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    app_.add_option("--train-limit", opt_.train_limit,
                    "use only the first N training images (0 = all)")
        ->capture_default_str();
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
    return -1;
}

int guarded_main(const std::function<int()>& body) {
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

namespace ae {

std::string resolve_device(const std::string& requested) {
    // auto: the GPU when there is one that works; otherwise the CPU, saying once, plainly, why
    // (CUDA's own error text only with --verbose). cuda: the GPU or a clear error (exit 1).
    if (requested == "cpu") return "cpu";
    if (requested != "auto" && requested != "cuda") {
        throw Error("--device " + requested + ": expected auto, cpu or cuda");
    }
    const GpuStatus& s = gpu_status();
    static bool said = false;
    const bool say = !std::exchange(said, true);
    if (s.state == GpuState::Ready) {
        if (say)
            std::cout
                << "Device: GPU, " << s.summary << ": training with the library's CUDA "
                << "trainer (your exercise code is the CPU reference: --device cpu runs it)\n";
        return "cuda";
    }
    if (requested == "cuda") {
        throw Error("--device cuda: " + gpu_status_text(s, true) +
                    "\n  Use --device cpu (or auto) to train on the CPU.");
    }
    if (say && s.state == GpuState::Unusable) {
        std::cout << "A GPU is there, but CUDA cannot use it: "
                  << gpu_status_text(s, verbose_enabled()) << "\n  Training on the CPU.\n";
    } else if (say) {
        std::cout << s.summary << ": training on the CPU.";
        if (verbose_enabled() && !s.detail.empty()) std::cout << " (CUDA: " << s.detail << ")";
        std::cout << "\n";
    }
    return "cpu";
}

TrainSpec train_spec(const Options& o, const std::string& name) {
    TrainSpec spec;
    spec.optimizer = OptimizerSpec::adam(o.lr);
    spec.fit.epochs = o.epochs;
    spec.fit.batch_size = o.batch_size;
    spec.fit.seed = o.seed;
    spec.fit.progress = !o.no_progress;
    spec.fit.name = name;
    spec.device = o.device;
    return spec;
}

}  // namespace ae
