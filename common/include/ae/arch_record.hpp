// The architecture a checkpoint carries inside itself (its description field): a model kind and
// "key value value ..." lines, so a file rebuilds its own model with no side file. Parsing is
// strict and bounded: every number is checked against a range before anything is allocated for
// it, and every error names the file, the key, the value and what was expected.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ae {

class ArchRecord {
  public:
    ArchRecord() = default;
    explicit ArchRecord(std::string kind) : kind_(std::move(kind)) {}

    // The text stored in a checkpoint: "ae-model KIND\nkey v1 v2\n...", then "note TEXT" if any.
    std::string text() const;
    // Parses text that came from `source` (a file path, for the messages). Throws ae::DataError
    // when it is not an architecture record (an older checkpoint's free-text description, say),
    // when a line is malformed, a key repeats, or the text is over its size limits.
    static ArchRecord parse(const std::string& text, const std::string& source);
    // Whether text starts like a record (a checkpoint written with its architecture inside).
    static bool is_record(const std::string& text);

    const std::string& kind() const { return kind_; }
    ArchRecord& add(const std::string& key, const std::vector<std::string>& values);
    ArchRecord& add(const std::string& key, uint64_t value);
    ArchRecord& add(const std::string& key, const std::string& value);
    // Free text about the model (what it was trained with); one line, no newline.
    std::string note;

    bool has(const std::string& key) const;
    // The values of key; throws ae::DataError naming source and key when it is missing.
    const std::vector<std::string>& values(const std::string& key) const;
    // One whole number in lo..hi (the values of key, item i); a DataError names source, key,
    // the value found and the range otherwise.
    uint64_t size(const std::string& key, size_t i, uint64_t lo, uint64_t hi) const;
    // Every value of key as whole numbers in lo..hi; between min_count and max_count of them.
    std::vector<size_t> sizes(const std::string& key, size_t min_count, size_t max_count,
                              uint64_t lo, uint64_t hi) const;
    // One word of key that must be one of `allowed`.
    std::string word(const std::string& key, const std::vector<std::string>& allowed) const;
    // Throws unless every key is one of `known` (a newer or foreign file).
    void only(const std::vector<std::string>& known) const;

    const std::string& source() const { return source_; }

  private:
    std::string kind_, source_;
    std::vector<std::pair<std::string, std::vector<std::string>>> fields_;
};

}  // namespace ae
