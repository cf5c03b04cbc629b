// Without libFuzzer (GCC builds): replays every corpus file, then a fixed number of
// deterministic mutations of them (bit flips, byte changes, truncation, duplication,
// splicing), through the same LLVMFuzzerTestOneInput. Usage: replay CORPUS_DIR... [COUNT].
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

struct XorShift {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

std::string mutate(const std::vector<std::string>& corpus, XorShift& random) {
  std::string input = corpus[random.below(corpus.size())];
  const std::size_t steps = 1 + random.below(4);
  for (std::size_t step = 0; step < steps; ++step) {
    switch (random.below(6)) {
      case 0:
        if (!input.empty()) {
          char& byte = input[random.below(input.size())];
          byte = static_cast<char>(static_cast<unsigned char>(byte) ^ (1u << random.below(8)));
        }
        break;
      case 1:
        if (!input.empty()) input[random.below(input.size())] = static_cast<char>(random.below(256));
        break;
      case 2: input.resize(random.below(input.size() + 1)); break;
      case 3: {
        const auto at = random.below(input.size() + 1);
        const auto length = random.below(32);
        input.insert(at, input.substr(random.below(input.size() + 1), length));
        break;
      }
      case 4: {
        static const char* const tokens[] = {"{", "}", "\"", "%", "%00", "..", "/", "?", "&", "=", "'", "(", ")",
                                             "\r\n", "\xff", "null", "[]", "{}", "-1", "99999999999999999999"};
        input.insert(random.below(input.size() + 1), tokens[random.below(std::size(tokens))]);
        break;
      }
      default: {
        const std::string& other = corpus[random.below(corpus.size())];
        input = input.substr(0, random.below(input.size() + 1)) + other.substr(random.below(other.size() + 1));
      }
    }
  }
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR... [MUTATIONS]\n", argv[0]);
    return 2;
  }
  // A last argument that is a number is the count of mutations; the others are directories.
  const std::string last = argv[argc - 1];
  const bool counted = argc > 2 && !last.empty() && last.find_first_not_of("0123456789") == std::string::npos;
  const long mutations = counted ? std::atol(last.c_str()) : 3000;
  std::vector<std::string> corpus;
  for (int arg = 1; arg < argc - (counted ? 1 : 0); ++arg) {
    for (const auto& entry : std::filesystem::directory_iterator(argv[arg])) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      corpus.push_back(buffer.str());
    }
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "empty corpus in %s\n", argv[1]);
    return 2;
  }
  for (const auto& input : corpus)
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  XorShift random{0x9E3779B97F4A7C15ull};
  for (long i = 0; i < mutations; ++i) {
    const auto input = mutate(corpus, random);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  }
  std::printf("%zu corpus inputs and %ld mutations replayed\n%ld passed, 0 failed\n", corpus.size(), mutations,
              static_cast<long>(corpus.size()) + mutations);
  return 0;
}
