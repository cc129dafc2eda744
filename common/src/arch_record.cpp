// ArchRecord (ae/arch_record.hpp): the architecture text a checkpoint carries, written and parsed
// with bounds on every line, word and number, so that a damaged or hostile file is a clear
// ae::DataError and never a large allocation. Fuzzed by tests/fuzz/fuzz_arch.cpp.
#include "ae/arch_record.hpp"

#include <algorithm>
#include <sstream>

#include "ae/error.hpp"

namespace ae {
namespace {

constexpr const char* kArchMagic = "ae-model ";
constexpr size_t kMaxArchText = 64 * 1024, kMaxArchLines = 64, kMaxArchWords = 64,
                 kMaxArchWord = 64, kMaxArchNote = 1024;

// At most `limit` characters of s, for messages about text from a file.
std::string arch_clip(const std::string& s, size_t limit = 40) {
    return s.size() <= limit ? s : s.substr(0, limit) + "...";
}

bool arch_key_ok(const std::string& key) {
    return !key.empty() && key.size() <= kMaxArchWord &&
           std::all_of(key.begin(), key.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9');
           });
}

bool arch_word_ok(const std::string& w) {
    return !w.empty() && w.size() <= kMaxArchWord &&
           std::all_of(w.begin(), w.end(), [](char c) { return c > ' ' && c < 127; });
}

std::vector<std::string> arch_split(const std::string& line) {
    std::vector<std::string> words;
    std::istringstream in(line);
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

}  // namespace

std::string ArchRecord::text() const {
    std::string s = kArchMagic + kind_ + "\n";
    for (const auto& [key, values] : fields_) {
        s += key;
        for (const auto& v : values) s += " " + v;
        s += "\n";
    }
    if (!note.empty()) s += "note " + note + "\n";
    return s;
}

bool ArchRecord::is_record(const std::string& text) {
    return text.compare(0, std::string(kArchMagic).size(), kArchMagic) == 0;
}

ArchRecord ArchRecord::parse(const std::string& text, const std::string& source) {
    const auto fail = [&](const std::string& why) {
        throw DataError(source + ": its architecture record " + why);
    };
    if (!is_record(text)) fail("is missing (no '" + std::string(kArchMagic) + "KIND' line)");
    if (text.size() > kMaxArchText)
        fail("is " + std::to_string(text.size()) + " bytes, over the limit of " +
             std::to_string(kMaxArchText));
    ArchRecord r;
    r.source_ = source;
    std::istringstream in(text);
    std::string line;
    for (size_t n = 0; std::getline(in, line); ++n) {
        if (n >= kMaxArchLines) fail("has over " + std::to_string(kMaxArchLines) + " lines");
        const std::string where = " (line " + std::to_string(n + 1) + ")";
        if (line.compare(0, 5, "note ") == 0 && n > 0) {
            if (line.size() - 5 > kMaxArchNote) fail("has a note over 1024 bytes" + where);
            r.note = line.substr(5);
            continue;
        }
        const auto words = arch_split(line);
        if (words.empty()) continue;
        if (words.size() > kMaxArchWords)
            fail("has " + std::to_string(words.size()) + " words on one line, at most " +
                 std::to_string(kMaxArchWords) + where);
        for (const auto& w : words)
            if (!arch_word_ok(w)) fail("has a malformed word '" + arch_clip(w) + "'" + where);
        if (n == 0) {
            if (words.size() != 2) fail("must start with 'ae-model KIND'");
            r.kind_ = words[1];
            continue;
        }
        if (!arch_key_ok(words[0]))
            fail("has a malformed key '" + arch_clip(words[0]) + "'" + where);
        if (r.has(words[0])) fail("repeats the key '" + words[0] + "'" + where);
        r.fields_.emplace_back(words[0], std::vector<std::string>(words.begin() + 1, words.end()));
    }
    return r;
}

ArchRecord& ArchRecord::add(const std::string& key, const std::vector<std::string>& values) {
    fields_.emplace_back(key, values);
    return *this;
}

ArchRecord& ArchRecord::add(const std::string& key, uint64_t value) {
    return add(key, std::vector<std::string>{std::to_string(value)});
}

ArchRecord& ArchRecord::add(const std::string& key, const std::string& value) {
    return add(key, std::vector<std::string>{value});
}

bool ArchRecord::has(const std::string& key) const {
    return std::any_of(fields_.begin(), fields_.end(),
                       [&](const auto& f) { return f.first == key; });
}

const std::vector<std::string>& ArchRecord::values(const std::string& key) const {
    for (const auto& f : fields_)
        if (f.first == key) return f.second;
    throw DataError(source_ + ": its " + kind_ + " architecture has no '" + key +
                    "' line (a damaged or foreign file?)");
}

uint64_t ArchRecord::size(const std::string& key, size_t i, uint64_t lo, uint64_t hi) const {
    const auto& v = values(key);
    const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
    if (i >= v.size())
        throw DataError(source_ + ": '" + key + "' has " + std::to_string(v.size()) +
                        " values, expected at least " + std::to_string(i + 1));
    const std::string& s = v[i];
    uint64_t x = 0;
    bool ok =
        !s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string::npos;
    if (ok) x = std::stoull(s);
    if (!ok || x < lo || x > hi)
        throw DataError(source_ + ": " + key + " " + arch_clip(s) + " is outside " + range +
                        " (the bound of what this program can load; a damaged or foreign file?)");
    return x;
}

std::vector<size_t> ArchRecord::sizes(const std::string& key, size_t min_count, size_t max_count,
                                      uint64_t lo, uint64_t hi) const {
    const auto& v = values(key);
    if (v.size() < min_count || v.size() > max_count)
        throw DataError(source_ + ": '" + key + "' has " + std::to_string(v.size()) +
                        " values, expected " + std::to_string(min_count) + ".." +
                        std::to_string(max_count));
    std::vector<size_t> out;
    for (size_t i = 0; i < v.size(); ++i) out.push_back(size(key, i, lo, hi));
    return out;
}

std::string ArchRecord::word(const std::string& key,
                             const std::vector<std::string>& allowed) const {
    const auto& v = values(key);
    if (v.size() == 1 && std::find(allowed.begin(), allowed.end(), v[0]) != allowed.end())
        return v[0];
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw DataError(source_ + ": " + key + " '" + arch_clip(v.empty() ? "" : v[0]) +
                    "' is not one of " + list);
}

void ArchRecord::only(const std::vector<std::string>& known) const {
    for (const auto& f : fields_)
        if (std::find(known.begin(), known.end(), f.first) == known.end())
            throw DataError(source_ + ": its " + kind_ + " architecture has an unknown key '" +
                            f.first + "' (written by a newer version? retrain, or update)");
}

}  // namespace ae
