// Faults: readers that must not trust their headers (IDX, .npy, checkpoints), a directory given
// where a file is expected, writes that fail half way (a file-size limit stands in for a full
// disk) and temporaries left by a killed run. Run: build/bin/test_common -tc="common faults*".
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "ae/checkpoint.hpp"
#include "ae/data.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "test_files.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace ae;

namespace {

std::string file_text(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// "DataError: what()", "Error: what()", "other: what()" or "(no error)".
std::string outcome(const std::function<void()>& f) {
    try {
        f();
    } catch (const DataError& e) {
        return std::string("DataError: ") + e.what();
    } catch (const Error& e) {
        return std::string("Error: ") + e.what();
    } catch (const std::exception& e) {
        return std::string("other: ") + e.what();
    }
    return "(no error)";
}

// Virtual memory in use now (bytes), from /proc/self/statm.
rlim_t vm_size() {
    std::ifstream f("/proc/self/statm");
    unsigned long pages = 0;
    f >> pages;
    return static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
}

// Runs f in a child process under a resource limit and returns outcome(f) from there, or
// "killed by signal N". A limit the child exceeds shows as a failed allocation or write there,
// never in the test process. SIGXFSZ is ignored, so a file-size limit makes write() fail.
std::string in_child(int resource, rlim_t limit, const std::function<void()>& f) {
    int fd[2];
    REQUIRE(::pipe(fd) == 0);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fd[0]);
        ::signal(SIGXFSZ, SIG_IGN);
        const rlimit rl{limit, limit};
        std::string msg = ::setrlimit(resource, &rl) == 0 ? outcome(f) : "setrlimit failed";
        if (::write(fd[1], msg.data(), msg.size()) < 0) msg.clear();
        ::_exit(0);
    }
    ::close(fd[1]);
    std::string msg;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd[0], buf, sizeof buf)) > 0;) msg.append(buf, size_t(n));
    ::close(fd[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return msg;
}

// Runs f with 512 MB of address space to spare: a reader that allocates what a damaged header
// claims (gigabytes) fails there instead of taking the machine's memory.
std::string with_little_memory(const std::function<void()>& f) {
    return in_child(RLIMIT_AS, vm_size() + (rlim_t{512} << 20), f);
}

using test::contains;

// Names in dir that look like atomic_write temporaries (".NAME.tmp-...").
int temporaries_in(const std::string& dir) {
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name[0] == '.' && contains(name, ".tmp-")) ++n;
    }
    return n;
}

// A pid that no process has now: a child that has already exited and been reaped.
pid_t dead_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return pid;
}

Matrix noise_images(size_t n) {
    Matrix m({n, size_t{784}});
    uint32_t s = 12345;
    for (auto& v : m) v = float((s = s * 1664525u + 1013904223u) >> 8) / float(1 << 24);
    return m;
}

}  // namespace

TEST_CASE("common faults: an IDX header that claims more than the file holds is refused first") {
    const std::string dir = test::fresh_dir("faults-idx");
    const std::string images = dir + "/images", labels = dir + "/labels";
    SUBCASE("plain: 5,000,000 images of 28x28 in a 16-byte file, with 512 MB to spare") {
        test::write_raw(images,
                        test::be32(0x803) + test::be32(5000000) + test::be32(28) + test::be32(28));
        const std::string got = with_little_memory([&] { read_idx_images(images); });
        CHECK_MESSAGE(contains(got, "DataError: " + images + ": file is truncated"), got);
        CHECK_MESSAGE(contains(got, "5000000 images of 28x28"), got);
        CHECK_MESSAGE(contains(got, "3920000000 bytes"), got);
        CHECK_MESSAGE(contains(got, "found 0"), got);
    }
    SUBCASE("plain: a count of 0xFFFFFFFF images") {
        test::write_raw(images, test::be32(0x803) + test::be32(0xFFFFFFFF) + test::be32(28) +
                                    test::be32(28) + "abcd");
        const std::string got = with_little_memory([&] { read_idx_images(images); });
        CHECK_MESSAGE(contains(got, "DataError: " + images), got);
        CHECK_MESSAGE(contains(got, "4294967295 images of 28x28"), got);
        CHECK_MESSAGE(contains(got, "found 4"), got);
    }
    SUBCASE("plain: 4 billion labels in an 8-byte file") {
        test::write_raw(labels, test::be32(0x801) + test::be32(4000000000u));
        const std::string got = with_little_memory([&] { read_idx_labels(labels); });
        CHECK_MESSAGE(contains(got, "DataError: " + labels + ": file is truncated"), got);
        CHECK_MESSAGE(contains(got, "4000000000 labels"), got);
    }
    SUBCASE("plain: more bytes than the header claims") {
        test::write_raw(labels, test::be32(0x801) + test::be32(2) + "\x01\x02\x03");
        const std::string got = outcome([&] { read_idx_labels(labels); });
        CHECK_MESSAGE(contains(got, "DataError: " + labels + ": unexpected bytes after 2 labels"),
                      got);
    }
    SUBCASE("gzip: 5,000,000 images in a tiny compressed file, with 512 MB to spare") {
        test::write_gz(images + ".gz",
                       test::be32(0x803) + test::be32(5000000) + test::be32(28) + test::be32(28));
        const std::string got = with_little_memory([&] { read_idx_images(images + ".gz"); });
        CHECK_MESSAGE(contains(got, "DataError: " + images + ".gz: file is truncated or damaged"),
                      got);
        CHECK_MESSAGE(contains(got, "claims 5000000 images of 28x28 (3920000000 bytes)"), got);
        CHECK_MESSAGE(contains(got, "holds at most"), got);
    }
    SUBCASE("gzip: 4 billion labels") {
        test::write_gz(labels + ".gz", test::be32(0x801) + test::be32(4000000000u) + "\x01\x02");
        const std::string got = with_little_memory([&] { read_idx_labels(labels + ".gz"); });
        CHECK_MESSAGE(contains(got, "DataError: " + labels + ".gz"), got);
        CHECK_MESSAGE(contains(got, "4000000000 labels"), got);
    }
    fs::remove_all(dir);
}

TEST_CASE("common faults: a .npy header that lies is refused before allocating") {
    const std::string dir = test::fresh_dir("faults-npy"), p = dir + "/m.npy";
    // A version-1 file of float32 in C order, with this header shape and `data` after it.
    auto npy = [](const std::string& shape, const std::string& data) {
        const std::string h =
            "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }\n";
        return std::string("\x93NUMPY\x01\x00", 8) + char(h.size() & 0xff) + char(h.size() >> 8) +
               h + data;
    };
    // Writes the file and loads it with 512 MB to spare; what came (the error's message).
    auto load_with_little_memory = [&p](const std::string& bytes) {
        test::write_raw(p, bytes);
        return with_little_memory([&p] { load_npy(p); });
    };
    SUBCASE("a version-2 header length of 4 GB, with 512 MB to spare") {
        const std::string got = load_with_little_memory(
            std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff", 12) + "{'descr'");
        CHECK_MESSAGE(contains(got, "DataError: " + p + ": damaged .npy header"), got);
        CHECK_MESSAGE(contains(got, "claims 4294967295 bytes"), got);
    }
    SUBCASE("a negative dimension") {
        const std::string got = load_with_little_memory(npy("(-1, 2)", std::string(8, '\0')));
        CHECK_MESSAGE(contains(got, "DataError: " + p + ": damaged .npy shape (-1, 2)"), got);
    }
    SUBCASE("dimensions whose product overflows") {
        const std::string got =
            load_with_little_memory(npy("(4294967296, 4294967296)", std::string(16, '\0')));
        CHECK_MESSAGE(contains(got, "DataError: " + p), got);
        CHECK_MESSAGE(contains(got, "(4294967296, 4294967296)"), got);
    }
    SUBCASE("more data claimed than the file holds, with 512 MB to spare") {
        const std::string got =
            load_with_little_memory(npy("(100000, 100000)", std::string(16, '\0')));
        CHECK_MESSAGE(contains(got, "DataError: " + p + ": truncated"), got);
        CHECK_MESSAGE(contains(got, "40000000000 bytes"), got);
        CHECK_MESSAGE(contains(got, "the file holds 16 bytes of data"), got);
    }
    SUBCASE("bytes after the data") {
        test::write_raw(p, npy("(2, 2)", std::string(20, '\0')));
        const std::string got = outcome([&] { load_npy(p); });
        CHECK_MESSAGE(contains(got, "DataError: " + p + ": damaged"), got);
        CHECK_MESSAGE(contains(got, "holds 20 bytes of data"), got);
    }
    SUBCASE("an intact file still loads") {
        test::write_raw(p, npy("(2, 2)", std::string(16, '\0')));
        CHECK(load_npy(p).shape()[1] == 2);
    }
    fs::remove_all(dir);
}

TEST_CASE("common faults: a directory where a file is expected is a DataError naming it") {
    const std::string dir = test::fresh_dir("faults-isdir");
    const std::string sub = dir + "/model.ckpt";
    fs::create_directories(sub);
    Matrix w({2, 2}), g({2, 2});
    const std::vector<Param> params{{"w", &w, &g}};
    for (const auto& [what, f] : std::vector<std::pair<std::string, std::function<void()>>>{
             {"checkpoint", [&] { load_checkpoint(sub, params); }},
             {".npy", [&] { load_npy(sub); }},
             {"IDX images", [&] { read_idx_images(sub); }},
             {"IDX labels", [&] { read_idx_labels(sub); }}}) {
        CAPTURE(what);
        const std::string got = outcome(f);
        CHECK_MESSAGE(contains(got, "DataError: "), got);
        CHECK_MESSAGE(contains(got, sub), got);
        CHECK_MESSAGE(contains(got, "is a directory"), got);
    }
    fs::remove_all(dir);
}

TEST_CASE("common faults: a checkpoint far larger than the model is refused before reading it") {
    const std::string dir = test::fresh_dir("faults-bigckpt"), p = dir + "/big.ckpt";
    Matrix w({2, 2}), g({2, 2});
    const std::vector<Param> params{{"w", &w, &g}};
    save_checkpoint(p, params, "tiny");
    fs::resize_file(p, uint64_t{64} << 20);  // sparse: 64 MB claimed, nothing written
    const std::string got = outcome([&] { load_checkpoint(p, params); });
    CHECK_MESSAGE(contains(got, "DataError: checkpoint " + p + " is 67108864 bytes"), got);
    CHECK_MESSAGE(contains(got, "more than a checkpoint of this model can be"), got);
    fs::remove_all(dir);
}

TEST_CASE("common faults: a picture whose write fails creates or replaces no file") {
    const std::string dir = test::fresh_dir("faults-fullpng");
    const Matrix images = noise_images(20);
    SUBCASE("image grid (stb), over an existing file") {
        const std::string png = dir + "/grid.png";
        test::write_raw(png, "old");
        const std::string got =
            in_child(RLIMIT_FSIZE, 4096, [&] { save_image_grid(png, images, 10); });
        CHECK_MESSAGE(contains(got, "Error: error while writing " + png), got);
        CHECK(file_text(png) == "old");
        CHECK(temporaries_in(dir) == 0);
    }
    SUBCASE("image grid (stb), no file before") {
        const std::string png = dir + "/new.png";
        const std::string got =
            in_child(RLIMIT_FSIZE, 4096, [&] { save_image_grid(png, images, 10); });
        CHECK_MESSAGE(contains(got, "Error: "), got);
        CHECK_FALSE(fs::exists(png));
        CHECK(temporaries_in(dir) == 0);
    }
    SUBCASE("chart (gnuplot), over an existing file") {
        if (!gnuplot_available()) return;
        const std::string png = dir + "/chart.png";
        test::write_raw(png, "old");
        Series s{"loss", {1, 2, 3}, {3, 2, 1}};
        const std::string got = in_child(RLIMIT_FSIZE, 4096, [&] {
            line_chart(png, Chart{"t", "x", "y"}, {s});
        });
        CHECK_MESSAGE(contains(got, "Error: "), got);
        CHECK_MESSAGE(contains(got, png), got);
        CHECK(file_text(png) == "old");
        CHECK(temporaries_in(dir) == 0);
        // Without the limit the same chart is drawn, whole.
        REQUIRE(line_chart(png, Chart{"t", "x", "y"}, {s}));
        CHECK(fs::file_size(png) > 4096);
    }
    SUBCASE("text file") {
        const std::string txt = dir + "/summary.json";
        const std::string got =
            in_child(RLIMIT_FSIZE, 4096, [&] { write_text(txt, std::string(10000, 'x')); });
        CHECK_MESSAGE(contains(got, "Error: error while writing " + txt), got);
        CHECK_FALSE(fs::exists(txt));
        CHECK(temporaries_in(dir) == 0);
    }
    fs::remove_all(dir);
}

TEST_CASE("common faults: the next write removes temporaries of killed runs, not of live ones") {
    const std::string dir = test::fresh_dir("faults-stale");
    const std::string dead = std::to_string(dead_pid());
    const std::vector<std::string> stale = {".grid.png.tmp-" + dead + "-0",
                                            ".chart.png.tmp-" + dead + "-3.gp",
                                            ".summary.json.tmp-" + dead + "-1"};
    for (const auto& n : stale) test::write_raw(dir + "/" + n, "half");
    // Ours (alive) and files that only look similar stay.
    const std::string live = ".other.png.tmp-" + std::to_string(::getpid()) + "-0";
    const std::vector<std::string> keep = {live, "notes.tmp-1-2", ".x.tmp-abc", "data.csv"};
    for (const auto& n : keep) test::write_raw(dir + "/" + n, "keep");
    write_text(dir + "/summary.json", "{}\n");
    for (const auto& n : stale) CHECK_MESSAGE(!fs::exists(dir + "/" + n), n);
    for (const auto& n : keep) CHECK_MESSAGE(fs::exists(dir + "/" + n), n);
    CHECK(file_text(dir + "/summary.json") == "{}\n");
    CHECK(remove_stale_temporaries(dir) == 0);
    fs::remove_all(dir);
}

TEST_CASE("common faults: check_writable_dir proves the output folder works before training") {
    const std::string dir = test::fresh_dir("faults-writable");
    SUBCASE("creates a missing folder and leaves nothing in it") {
        check_writable_dir(dir + "/a/b");
        CHECK(fs::is_directory(dir + "/a/b"));
        CHECK(fs::is_empty(dir + "/a/b"));
    }
    SUBCASE("a file given as the folder") {
        test::write_raw(dir + "/file", "x");
        const std::string got = outcome([&] { check_writable_dir(dir + "/file"); });
        CHECK_MESSAGE(contains(got, "Error: output folder " + dir + "/file is a file"), got);
        CHECK_MESSAGE(contains(got, "--out"), got);
    }
    SUBCASE("a folder under a file") {
        test::write_raw(dir + "/file", "x");
        const std::string got = outcome([&] { check_writable_dir(dir + "/file/sub"); });
        CHECK_MESSAGE(contains(got, "Error: cannot create the output folder " + dir + "/file/sub"),
                      got);
    }
    SUBCASE("a folder that takes no bytes (a full disk)") {
        const std::string got = in_child(RLIMIT_FSIZE, 0, [&] { check_writable_dir(dir); });
        CHECK_MESSAGE(contains(got, "Error: the output folder " + dir + " cannot be written"), got);
        CHECK(fs::is_empty(dir));
    }
    fs::remove_all(dir);
}
