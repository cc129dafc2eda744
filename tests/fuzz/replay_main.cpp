// Replays fuzz inputs through a target's LLVMFuzzerTestOneInput without libFuzzer, so the
// committed corpus and every crash input found stay fixed on any compiler. Arguments: files,
// or folders whose files are replayed in name order (missing folders are skipped). A crash or
// an exception other than ae::DataError fails the run, and so does an input that makes a reader
// allocate over 1 GB (as scripts/fuzz.sh's -malloc_limit_mb; not under ASan, which reserves
// its shadow memory up front). CTest: ctest -L fuzz-replay.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

// Address space in use now plus 1 GB, from /proc/self/statm.
void limit_memory() {
#if !defined(__SANITIZE_ADDRESS__)
    std::ifstream statm("/proc/self/statm");
    unsigned long pages = 0;
    if (!(statm >> pages)) return;
    const rlim_t limit = rlim_t(pages) * rlim_t(::sysconf(_SC_PAGESIZE)) + (rlim_t{1} << 30);
    const rlimit rl{limit, limit};
    ::setrlimit(RLIMIT_AS, &rl);
#endif
}

int main(int argc, char** argv) {
    limit_memory();
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const fs::path arg(argv[i]);
        if (fs::is_directory(arg)) {
            std::vector<fs::path> files;
            for (const auto& e : fs::directory_iterator(arg)) {
                const std::string name = e.path().filename().string();
                if (e.is_regular_file() && name[0] != '.' && name != "README.md")
                    files.push_back(e.path());
            }
            std::sort(files.begin(), files.end());
            inputs.insert(inputs.end(), files.begin(), files.end());
        } else if (fs::exists(arg)) {
            inputs.push_back(arg);
        }
    }
    for (const auto& p : inputs) {
        std::ifstream f(p, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(f)),
                                std::istreambuf_iterator<char>());
        std::fprintf(stderr, "replay %s (%zu bytes)\n", p.string().c_str(), bytes.size());
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    }
    std::printf("replayed %zu inputs, none crashed\n", inputs.size());
    return inputs.empty() ? 1 : 0;  // an empty corpus means a wrong path, not a pass
}
